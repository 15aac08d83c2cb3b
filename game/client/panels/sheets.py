"""The open term sheets: parties, terms, who has signed, and the moves this seat may make.

Each card gets a button for every legal move on its sheet (Sign, Reject,
Withdraw, Counter, and the government's levers on a signed deal). Legality comes
from ``view.legal``: the client never decides a rule on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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

BUTTONS_H = 4 * (28 + 4)  # a card is at least as tall as its column of buttons
GAP = 8
BUTTON_W = 100
_LIVE = (SheetStatus.OPEN, SheetStatus.SIGNED, SheetStatus.CLEARED)
_SHOWN = 8
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


@dataclass
class _Card:
    """One sheet's card and its buttons. The text and the buttons are remade apart,
    each only when what it shows changes."""

    text_key: object
    moves_key: object
    y: int
    text: UITextBox
    buttons: dict[UIButton, tuple[TermSheet, Action]]

    def move_to(self, y: int) -> None:
        for w in (self.text, *self.buttons):
            w.set_relative_position((w.relative_rect.x, w.relative_rect.y + y - self.y))
        self.y = y

    def kill_buttons(self) -> None:
        for b in self.buttons:
            b.kill()  # type: ignore[no-untyped-call]
        self.buttons = {}

    def kill(self) -> None:
        self.kill_buttons()
        self.text.kill()


class SheetsPanel:
    """A scrolling list of term-sheet cards with their buttons.

    Cards are kept between views and rebuilt only when their sheet, its moves or
    the day change: making pygame_gui widgets is the dearest thing a frame does.
    """

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
        self.cards: dict[str, _Card] = {}
        self.placeholder: UILabel | None = None
        self.scenario: Scenario | None = None
        self._area = (0, 0)
        self.buttons: dict[UIButton, tuple[TermSheet, Action]] = {}

    def show(self, view: GameView, scenario: Scenario) -> None:
        """Show the sheets of ``view``, remaking only the cards that changed."""
        self.scenario = scenario
        sheets = shown_sheets(view)
        width = self.scroll.rect.w - 18
        self._placeholder(view, width, show=not sheets)
        kept: dict[str, _Card] = {}
        y = 0
        for sheet in sheets:
            moves = sheet_moves(view, scenario, sheet)
            # A counter's example terms change with the state; its button does not.
            moves_key = tuple((t, None if t.startswith("Counter") else a) for t, a in moves)
            card = self.cards.pop(sheet.id, None)
            if card is not None and card.text_key == sheet:
                card.move_to(y)
            else:
                if card is not None:
                    card.kill()
                card = _Card(sheet, None, y, self._text(view, sheet, y, width), {})
            if card.moves_key != moves_key:
                card.kill_buttons()
                card.buttons = self._buttons(sheet, moves, y, width)
                card.moves_key = moves_key
            kept[sheet.id] = card
            y += max(card.text.rect.h, BUTTONS_H if card.buttons else 0) + GAP
        for gone in self.cards.values():
            gone.kill()
        self.cards = kept
        self.buttons = {b: m for c in kept.values() for b, m in c.buttons.items()}
        if (width, max(40, y)) != self._area:  # remakes the container's scroll bars: only if needed
            self._area = (width, max(40, y))
            self.scroll.set_scrollable_area_dimensions(self._area)

    def _placeholder(self, view: GameView, width: int, *, show: bool) -> None:
        if self.placeholder is not None:
            self.placeholder.kill()  # type: ignore[no-untyped-call]
            self.placeholder = None
        if show:
            text = (
                "No term sheets on the table yet. Press C to compose one."
                if any(isinstance(a, Propose) for a in view.legal)
                else "No term sheets on the table yet."
            )
            box = self.scroll.get_container()
            self.placeholder = UILabel(
                pygame.Rect(6, 6, width, 24), text, self.manager, container=box
            )

    def _text(self, view: GameView, sheet: TermSheet, y: int, width: int) -> UITextBox:
        assert self.scenario is not None
        colour = next((s.color for s in view.seats if s.id == sheet.proposer), "#98A3B8")
        title = (
            f"<font color='{colour}'>\u25a0</font> <b>{escape(sheet_title(view, sheet))}</b><br>"
        )
        card = UITextBox(
            title + sheet_html(self.scenario, view, sheet),
            # Height -1: the box grows to its text, so it never needs a scroll bar of its
            # own (making one costs ten times what the card does).
            pygame.Rect(0, y, width - BUTTON_W - 8, -1),
            self.manager,
            container=self.scroll.get_container(),
            object_id=oid("@card", f"#card_{sheet.id}"),
        )
        if sheet.status not in _LIVE:
            card.disable()  # type: ignore[no-untyped-call]
        return card

    def _buttons(
        self, sheet: TermSheet, moves: list[tuple[str, Action]], y: int, width: int
    ) -> dict[UIButton, tuple[TermSheet, Action]]:
        made: dict[UIButton, tuple[TermSheet, Action]] = {}
        for j, (text, action) in enumerate(moves[:4]):
            r = pygame.Rect(width - BUTTON_W, y + j * (28 + 4), BUTTON_W, 28)
            cls = "@primary" if text == "Sign" else "@small"
            b = UIButton(
                r,
                text,
                self.manager,
                container=self.scroll.get_container(),
                object_id=oid(cls, f"#{sheet.id}_{text.strip('…').lower()}"),
                tool_tip_text=_tip(text, sheet),
            )
            made[b] = (sheet, action)
        return made

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

    def kill(self) -> None:
        for card in self.cards.values():
            card.kill()
        self.cards.clear()
        self.buttons.clear()
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
