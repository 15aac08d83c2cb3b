"""Windows that open over the table: the confidential brief (with what due diligence
found) and the help sheet."""

from __future__ import annotations

from html import escape

import pygame
import pygame_gui
from pygame_gui.elements import UITextBox, UIWindow

from divestiture.client.layout import centred
from divestiture.client.panels import oid
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

NEW_COLOUR = "#F0C86E"  # theme.WARN: what the seat has not read yet, and secrets
SHORTCUTS = (
    ("B", "Show or hide your confidential brief"),
    ("C", "Compose a term sheet"),
    ("P", "Done for this phase (pass)"),
    ("Enter", "Send the chat message or statement being typed"),
    ("Esc", "Close the open window"),
    ("F1", "This help"),
)


def brief_html(view: GameView, scenario: Scenario, unread: int = 0) -> str:
    """The seat's brief, what its due diligence found (the last ``unread`` findings
    marked new), what it wants and how it scores (secret objectives marked)."""
    seat = scenario.seat(SeatId(view.viewer))
    parts = [
        f"<font color='{seat.color}'><b>{escape(seat.name)}</b></font> \u2014 "
        f"<i>{escape(seat.who)}</i>",
        "",
    ]
    if view.brief is not None:
        parts += ["<b>Confidential brief</b>", escape(view.brief.text), ""]
    if view.notes:
        # What due diligence learned belongs with the brief: it is as secret, and it
        # changes what the brief's numbers mean.
        parts.append("<b>Due diligence</b>")
        first_new = len(view.notes) - unread
        for i, note in enumerate(view.notes):
            new = f" <font color='{NEW_COLOUR}'><b>(new)</b></font>" if i >= first_new else ""
            parts.append(f"\u2022 {escape(note)}{new}")
        parts.append("")
    # The seat's public aims, as every seat reads them (the rules word them so).
    parts += ["<b>What every seat knows you want</b>", escape(seat.wants), ""]
    parts.append("<b>How you score</b>")
    for ob in scenario.scoring.get(seat.id, ()):
        secret = "" if ob.public else f" <font color='{NEW_COLOUR}'>(secret)</font>"
        parts.append(f"\u2022 {escape(ob.label)}{secret}")
    return "<br>".join(parts)


def help_html(scenario: Scenario) -> str:
    """Keyboard shortcuts and what happens in each phase."""
    rows = ["<b>Keyboard</b>"]
    rows += [f"<b>{escape(k)}</b> \u2014 {escape(v)}" for k, v in SHORTCUTS]
    rows += ["", "<b>A day at the table</b>"]
    for phase, text in scenario.rounds.phases.items():
        rows.append(f"<b>{escape(phase.value.capitalize())}:</b> {escape(text)}")
    rows += ["", "Hover a lever to see what it does to the public tracks."]
    return "<br>".join(rows)


class TextWindow:
    """A window showing one block of text; closes with Esc or its close button."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        title: str,
        html: str,
        name: str,
        size: tuple[int, int] = (560, 460),
    ) -> None:
        rect = centred(manager.window_resolution, *size)
        self.name = name
        self.window = UIWindow(rect, manager, title, object_id=oid(None, f"#{name}"))
        inner = self.window.get_container().get_rect()
        self.box = UITextBox(
            html,
            pygame.Rect(8, 8, inner.w - 16, inner.h - 16),
            manager,
            container=self.window,
            object_id=oid(None, f"#{name}_text"),
        )
        self.done = False

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_WINDOW_CLOSE and event.ui_element is self.window:
            self.done = True
            return True
        return False

    def kill(self) -> None:
        self.window.kill()  # type: ignore[no-untyped-call]
