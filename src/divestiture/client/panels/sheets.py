"""The open term sheets: parties, terms, who has signed, and the moves this seat may make.

Each card gets a button for every legal move on its sheet (Sign, Reject,
Withdraw, Counter, and the government's levers on a signed deal). Legality comes
from ``view.legal``: the client never decides a rule on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIScrollingContainer, UITextBox

from divestiture.client import intents
from divestiture.client.describe import sheet_html, sheet_title
from divestiture.client.draw import label
from divestiture.client.panels import oid
from divestiture.client.theme import Colour, hex_colour
from divestiture.game.actions import Action, Propose, Reject, Sign, UseLever, Withdraw
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.types import SheetStatus
from divestiture.game.views import GameView

BUTTONS_H = 4 * (28 + 4)  # a card is at least as tall as its column of buttons
GAP = 8
BUTTON_W = 100
_LIVE = (SheetStatus.OPEN, SheetStatus.SIGNED, SheetStatus.CLEARED)
_SHOWN = 8
_VERBS = {Sign: "Sign", Reject: "Reject", Withdraw: "Withdraw"}
_LABEL: Colour = hex_colour("#B8C2D6")  # label.colours.normal_text
_SPARES = 2  # hidden buttons kept ready of each kind in use
_PARTY_MOVES = ("Sign", "Reject", "Counter\u2026", "Withdraw")


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
    """One sheet's card: its text box (its text set again only when the text changes),
    where it sits in the list, and its buttons, top to bottom, as (text, button)."""

    html: str
    box: UITextBox
    y: int = 0
    buttons: list[tuple[str, UIButton]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return max(int(self.box.rect.h), BUTTONS_H if self.buttons else 0)


@dataclass(frozen=True)
class _Wanted:
    """What a sheet's card should show: its text and its moves."""

    sheet: TermSheet
    html: str
    moves: list[tuple[str, Action]]


class SheetsPanel:
    """A scrolling list of term-sheet cards (pygame_gui text boxes) with their buttons.

    Cards are kept between views. A card whose text changed, or a new sheet's card, is
    brought up to date by ``step``, one card a step (laying out a card's text is the
    dearest thing a view costs, 2 ms), with its buttons at the same time; a card whose
    text is the same only has its buttons brought up to date, at once. A text box or a
    button no longer needed is hidden and kept for the next card or move; spare ones are
    made in frames with nothing else to do (``prepare``).
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
        self.area = pygame.Rect(rect.x + 8, rect.y + 34, rect.w - 16, rect.h - 42)
        self.scroll = UIScrollingContainer(
            self.area, manager, allow_scroll_x=False, object_id=oid(None, "#sheets")
        )
        self.container = self.scroll.get_container()
        self.width = self.area.w - 18  # the cards and their buttons, beside the scroll bar
        self.cards: dict[str, _Card] = {}
        self.placeholder: str | None = None
        self.scenario: Scenario | None = None
        self.buttons: dict[UIButton, tuple[TermSheet, Action]] = {}
        self._wanted: list[_Wanted] = []
        self._legal: tuple[Action, ...] = ()
        self._spare: dict[str, list[UIButton]] = {}  # hidden buttons, by their text
        self._spare_boxes: list[UITextBox] = []  # hidden card text boxes
        self._kinds: list[str] = []  # the kinds of button to keep spares of
        self._length = 40  # how long the list is
        self._scrolls = 0  # how long the scrolling container takes it to be

    def show(self, view: GameView, scenario: Scenario) -> None:
        """Show the sheets of ``view``: cards gone are removed and the buttons of cards
        whose text is the same brought up to date now; ``step`` does the rest."""
        self.scenario = scenario
        self._legal = view.legal
        if not self._kinds and any(isinstance(a, Propose) for a in view.legal):
            self._kinds = [*_PARTY_MOVES]  # a seat that makes offers: its moves on offers
        sheets = shown_sheets(view)
        self.placeholder = None if sheets else _placeholder(view)
        self._wanted = [
            _Wanted(s, card_html(view, scenario, s), sheet_moves(view, scenario, s)[:4])
            for s in sheets
        ]
        wanted = {w.sheet.id: w for w in self._wanted}
        for sheet_id in [i for i in self.cards if i not in wanted]:
            gone = self.cards.pop(sheet_id)
            self._retire(gone.buttons)
            if len(self._spare_boxes) < _SPARES:
                gone.box.hide()  # type: ignore[no-untyped-call]
                self._spare_boxes.append(gone.box)
            else:
                gone.box.kill()
        for w in self._wanted:
            card = self.cards.get(w.sheet.id)
            if card is not None and card.html == w.html:
                self._give_buttons(card, w)
        self._place()

    @property
    def pending(self) -> bool:
        """Whether a card is not yet what the latest view says, or the scroll bar not yet
        as long as the list."""
        return self._scrolls != self._length or self.cards_pending

    @property
    def cards_pending(self) -> bool:
        """Whether a card (its text and its buttons) is not yet what the latest view says."""
        return any(self._stale(w) for w in self._wanted)

    def _stale(self, w: _Wanted) -> bool:
        card = self.cards.get(w.sheet.id)
        return card is None or card.html != w.html

    def step(self) -> bool:
        """Bring one card up to date (the topmost that is not), its text and its buttons;
        False if all are."""
        w = next((w for w in self._wanted if self._stale(w)), None)
        if w is None:
            return False
        card = self.cards.get(w.sheet.id)
        if card is None:
            if self._spare_boxes:  # made ahead: a text box costs a fifth more to make
                box = self._spare_boxes.pop()
                box.set_text(w.html)
                box.show()  # type: ignore[no-untyped-call]
            else:
                box = self._make_box(w.html)
            self.cards[w.sheet.id] = _Card(w.html, box, -1000)
        else:
            card.box.set_text(w.html)
            card.html = w.html
        self._give_buttons(self.cards[w.sheet.id], w)
        self._place()
        return True

    def step_length(self) -> bool:
        """Make the scroll bar as long as the list; False if it is. (A step of its own:
        it moves every widget in the list, 1.5 ms.)"""
        if self._scrolls == self._length:
            return False
        self._scrolls = self._length
        self.scroll.set_scrollable_area_dimensions((self.width, self._length))
        return True

    def settle(self) -> None:
        """Bring every card, and the scroll bar, up to date now (tests, screenshots)."""
        while self.step() or self.step_length():
            pass

    def _give_buttons(self, card: _Card, w: _Wanted) -> None:
        """Give ``card`` a button for each of its moves, reusing its own buttons and spare
        ones before making any."""
        texts = [t for t, _ in w.moves]
        if [t for t, _ in card.buttons] != texts:
            mine: dict[str, list[UIButton]] = {}
            for t, b in card.buttons:
                mine.setdefault(t, []).append(b)
            given: list[tuple[str, UIButton]] = []
            for text in texts:
                if text not in self._kinds:
                    self._kinds.append(text)
                found = _take(mine, text) or _take(self._spare, text)
                b = found if found is not None else self._make(text)
                b.set_tooltip(_tip(text, w.sheet))
                given.append((text, b))
            self._retire([(t, b) for t, bs in mine.items() for b in bs])
            card.buttons = given
            card.y = -1000  # placed again
        for (_, b), (_, action) in zip(card.buttons, w.moves, strict=True):
            self.buttons[b] = (w.sheet, action)

    def _place(self) -> None:
        """Put the cards that are up to date, newest first, and their buttons, in the list."""
        y = 0
        order: dict[str, _Card] = {}
        buttons: dict[UIButton, tuple[TermSheet, Action]] = {}
        for w in self._wanted:
            card = self.cards.get(w.sheet.id)
            if card is None:
                continue  # not made yet: it shows when it is
            order[w.sheet.id] = card
            if card.y != y:
                card.box.set_relative_position((0, y))
                x = self.width - BUTTON_W
                for j, (_, b) in enumerate(card.buttons):
                    b.set_relative_position((x, y + j * (28 + 4)))
                card.y = y
            for _, b in card.buttons:
                if not b.visible:
                    b.show()  # type: ignore[no-untyped-call]
                if b in self.buttons:
                    buttons[b] = self.buttons[b]
            y += card.height + GAP
        self.cards = order
        self.buttons = buttons
        self._length = max(40, y)

    def _make_box(self, html: str, *, visible: bool = True) -> UITextBox:
        return UITextBox(
            html,
            # Height -1: the box grows to its text, so it never needs a scroll bar of its
            # own (making one costs more than the card does).
            pygame.Rect(0, -1000, self.width - BUTTON_W - 8, -1),
            self.manager,
            container=self.container,
            object_id=oid("@card", "#card"),
            visible=int(visible),
        )

    def _make(self, text: str, *, visible: bool = True) -> UIButton:
        return UIButton(
            pygame.Rect(0, -100, BUTTON_W, 28),
            text,
            self.manager,
            container=self.container,
            object_id=oid("@primary" if text == "Sign" else "@small", f"#sheet_{_verb(text)}"),
            visible=int(visible),
        )

    def prepare(self) -> bool:
        """Make one spare card text box or button ahead of need, if short of spares (the
        screen calls this in frames with nothing else to do, so a new sheet's card
        and buttons are there when it comes); False if there is nothing to make."""
        if len(self._spare_boxes) < _SPARES:
            self._spare_boxes.append(self._make_box("", visible=False))
            return True
        for text in self._kinds:
            if len(self._spare.get(text, ())) < _SPARES:
                self._spare.setdefault(text, []).append(self._make(text, visible=False))
                return True
        return False

    def _retire(self, buttons: list[tuple[str, UIButton]]) -> None:
        for text, b in buttons:
            b.hide()  # type: ignore[no-untyped-call]
            self.buttons.pop(b, None)
            self._spare.setdefault(text, []).append(b)

    def draw(self, surface: pygame.Surface) -> None:
        """The placeholder of an empty list (on the panel, under the widgets)."""
        if self.placeholder is not None:
            label(surface, self.placeholder, (self.area.x + 6, self.area.y + 10), 13, _LABEL)

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
            if any(isinstance(a, Propose) and a.replaces == sheet.id for a in self._legal):
                self.on_counter(sheet)
        elif action in self._legal:  # a card a step behind the view offers no stale move
            intents.post(intents.SendAction(action))
        return True

    def kill(self) -> None:
        self.cards.clear()
        self._spare.clear()
        self._spare_boxes.clear()
        self.buttons.clear()
        self.scroll.kill()  # type: ignore[no-untyped-call]


def card_html(view: GameView, scenario: Scenario, sheet: TermSheet) -> str:
    """A card's markup: a heading in the proposer's colour, then the sheet's terms."""
    colour = next((s.color for s in view.seats if s.id == sheet.proposer), "#98A3B8")
    title = f"<font color='{colour}'>\u25a0</font> <b>{escape(sheet_title(view, sheet))}</b><br>"
    return title + sheet_html(scenario, view, sheet)


def _placeholder(view: GameView) -> str:
    if any(isinstance(a, Propose) for a in view.legal):
        return "No term sheets on the table yet. Press C to compose one."
    return "No term sheets on the table yet."


def _take(pool: dict[str, list[UIButton]], text: str) -> UIButton | None:
    found = pool.get(text)
    return found.pop() if found else None


def _verb(text: str) -> str:
    return text.strip("\u2026").lower().replace(" ", "_")


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
