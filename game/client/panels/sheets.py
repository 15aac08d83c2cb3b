"""The open term sheets: parties, terms, who has signed, and the moves this seat may make.

Each card gets a button for every legal move on its sheet (Sign, Reject,
Withdraw, Counter, and the government's levers on a signed deal). Legality comes
from ``view.legal``: the client never decides a rule on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIScrollingContainer, UITextBox

from game.actions import Action, Propose, Reject, Sign, UseLever, Withdraw
from game.client import intents
from game.client.describe import sheet_html, sheet_title
from game.client.panels import oid
from game.scenario import Scenario
from game.state import TermSheet
from game.types import SheetStatus
from game.views import GameView

CARD_H = 142  # six lines of 13 pt text and the padding, without a scroll bar
GAP = 8
BUTTON_W = 100
_LIVE = (SheetStatus.OPEN, SheetStatus.SIGNED, SheetStatus.CLEARED)
_SHOWN = 10
_VERBS = {Sign: "Sign", Reject: "Reject", Withdraw: "Withdraw"}


def shown_sheets(view: GameView) -> list[TermSheet]:
    """Live sheets first (newest first), then a few settled ones."""
    live = [s for s in reversed(view.sheets) if s.status in _LIVE]
    done = [s for s in reversed(view.sheets) if s.status not in _LIVE]
    return (live + done)[:_SHOWN]


def sheet_moves(view: GameView, scenario: Scenario, sheet: TermSheet) -> list[tuple[str, Action]]:
    """(button text, action) for each legal move on ``sheet``, in a fixed order."""
    out: list[tuple[str, Action]] = []
    for a in view.legal:
        if isinstance(a, Sign | Reject | Withdraw) and a.sheet == sheet.id:
            out.append((_VERBS[type(a)], a))
    for a in view.legal:
        if isinstance(a, Propose) and a.replaces == sheet.id:
            out.append(("Counter\u2026", a))
    for a in view.legal:
        if isinstance(a, UseLever) and a.sheet == sheet.id:
            out.append((scenario.levers[a.lever].name.split()[0], a))
    return out


class SheetsPanel:
    """A scrolling list of term-sheet cards with their buttons."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        rect: pygame.Rect,
        on_counter: Callable[[TermSheet], None],
    ) -> None:
        self.manager = manager
        self.rect = rect
        self.on_counter = on_counter
        area = pygame.Rect(rect.x + 8, rect.y + 34, rect.w - 16, rect.h - 42)
        self.scroll = UIScrollingContainer(
            area, manager, allow_scroll_x=False, object_id=oid(None, "#sheets")
        )
        self.widgets: list[pygame_gui.core.UIElement] = []
        self.buttons: dict[UIButton, tuple[TermSheet, Action]] = {}
        self._key: object = None

    def show(self, view: GameView, scenario: Scenario) -> None:
        """Rebuild the cards when the sheets or the legal moves change."""
        sheets = shown_sheets(view)
        key = (tuple(sheets), tuple(a for a in view.legal if not _is_talk(a)), view.phase)
        if key == self._key:
            return
        self._key = key
        self._clear()
        box = self.scroll.get_container()
        width = self.scroll.rect.w - 18
        if not sheets:
            text = (
                "No term sheets on the table yet. Press C to compose one."
                if any(isinstance(a, Propose) for a in view.legal)
                else "No term sheets on the table yet."
            )
            self.widgets.append(
                UILabel(pygame.Rect(6, 6, width, 24), text, self.manager, container=box)
            )
            self.scroll.set_scrollable_area_dimensions((width, 40))
            return
        for i, sheet in enumerate(sheets):
            y = i * (CARD_H + GAP)
            colour = next((s.color for s in view.seats if s.id == sheet.proposer), "#98A3B8")
            title = (
                f"<font color='{colour}'>\u25a0</font> "
                f"<b>{escape(sheet_title(view, sheet))}</b><br>"
            )
            moves = sheet_moves(view, scenario, sheet)
            text_w = width - (BUTTON_W + 8 if moves else 0)
            card = UITextBox(
                title + sheet_html(scenario, view, sheet),
                pygame.Rect(0, y, text_w, CARD_H),
                self.manager,
                container=box,
                object_id=oid("@card", f"#card_{sheet.id}"),
            )
            if sheet.status not in _LIVE:
                card.disable()  # type: ignore[no-untyped-call]
            self.widgets.append(card)
            for j, (text, action) in enumerate(moves[:4]):
                r = pygame.Rect(text_w + 8, y + j * (28 + 4), BUTTON_W, 28)
                cls = "@primary" if text == "Sign" else "@small"
                b = UIButton(
                    r,
                    text,
                    self.manager,
                    container=box,
                    object_id=oid(cls, f"#{sheet.id}_{text.strip('…').lower()}"),
                    tool_tip_text=_tip(text, sheet),
                )
                self.buttons[b] = (sheet, action)
                self.widgets.append(b)
        self.scroll.set_scrollable_area_dimensions((width, len(sheets) * (CARD_H + GAP)))

    def button_for(self, action: Action) -> UIButton | None:
        """The button that makes ``action`` (autoplay and tests press it)."""
        for b, (_, a) in self.buttons.items():
            if a == action or (
                isinstance(action, Propose)
                and isinstance(a, Propose)
                and a.replaces == action.replaces
            ):
                return b
        return None

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type != pygame_gui.UI_BUTTON_PRESSED or event.ui_element not in self.buttons:
            return False
        sheet, action = self.buttons[event.ui_element]
        if isinstance(action, Propose):
            self.on_counter(sheet)
        else:
            intents.post(intents.SendAction(action))
        return True

    def _clear(self) -> None:
        for w in self.widgets:
            w.kill()  # type: ignore[no-untyped-call]
        self.widgets.clear()
        self.buttons.clear()

    def kill(self) -> None:
        self._clear()
        self.scroll.kill()  # type: ignore[no-untyped-call]


def _is_talk(a: Action) -> bool:
    return a.type in ("message", "statement")


def _tip(text: str, sheet: TermSheet) -> str:
    verb = text.rstrip("\u2026")
    return {
        "Sign": f"Sign {sheet.id}. When every party has signed it goes to CFIUS.",
        "Reject": f"Turn down {sheet.id}.",
        "Withdraw": f"Take back {sheet.id}, which you proposed.",
        "Counter": f"Open the composer with {sheet.id}'s terms to make a counter-offer.",
    }.get(verb, f"{verb} {sheet.id}")
