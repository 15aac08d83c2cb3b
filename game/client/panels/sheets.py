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
from pygame_gui.core import UIContainer
from pygame_gui.elements import UIButton

from game.actions import Action, Propose, Reject, Sign, UseLever, Withdraw
from game.client import draw, intents, richtext
from game.client.describe import sheet_html, sheet_title
from game.client.draw import label
from game.client.panels import oid
from game.client.panels.log import BAR_W, Scroller
from game.client.theme import Colour, hex_colour
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
CARD_BG: Colour = hex_colour("#1E2636")  # @card.colours.dark_bg in assets/theme.json
CARD_BORDER: Colour = hex_colour("#3A4663")  # @card.colours.normal_border
# Shadow, border, padding (10, 8) and the corners' inset, as the @card text boxes had.
_CARD_LEFT, _CARD_TOP = 2 + 1 + 10 + 2, 2 + 1 + 8 + 2
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
    """One sheet's card: its picture (drawn again only when its text changes), where it
    sits in the list, and its buttons, top to bottom, as (text, button)."""

    html: str
    picture: pygame.Surface
    y: int = 0
    buttons: list[tuple[str, UIButton]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return max(self.picture.get_height(), BUTTONS_H if self.buttons else 0)


def card_picture(html: str, width: int) -> pygame.Surface:
    """A term sheet's card: its markup on a panel, as the theme's ``@card`` text boxes
    looked (background, border, a faint shadow, 10 by 8 padding)."""
    text = richtext.render(html, width - 2 * _CARD_LEFT, CARD_BG)
    picture = pygame.Surface((width, text.get_height() + 2 * _CARD_TOP - 2))
    draw.text_box(picture, picture.get_rect(), CARD_BG, CARD_BORDER)
    picture.blit(text, (_CARD_LEFT, _CARD_TOP - 1))
    return picture


class SheetsPanel:
    """A scrolling list of term-sheet cards with their buttons.

    The cards are pictures the client draws under the widgets, each drawn again only
    when its text changes. Their buttons are pygame_gui buttons in a container that
    clips them to the list; they are kept between views and moved as the list scrolls,
    and a button no longer needed is hidden and kept for the next move like it. So a
    new sheet costs a picture and a few buttons moved, not a heap of new widgets
    (making pygame_gui widgets is the dearest thing a view costs).
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
        self.width = self.area.w - BAR_W + 2  # the cards and their buttons
        bar = pygame.Rect(self.area.right - BAR_W, self.area.y, BAR_W, self.area.h)
        self.scroller = Scroller(manager, bar, self.area)
        self.box = UIContainer(
            pygame.Rect(self.area.topleft, (self.area.w - BAR_W, self.area.h)),
            manager,
            object_id=oid(None, "#sheets"),
        )
        self.cards: dict[str, _Card] = {}
        self.placeholder: str | None = None
        self.scenario: Scenario | None = None
        self.buttons: dict[UIButton, tuple[TermSheet, Action]] = {}
        self.version = 0  # counts changes of what the cards show
        self._spare: dict[str, list[UIButton]] = {}  # hidden buttons, by their text
        self._wanted: list[str] = []  # the kinds of button to keep spares of
        self._placed_at: int | None = None  # the scroll offset the buttons sit for

    def show(self, view: GameView, scenario: Scenario) -> None:
        """Show the sheets of ``view``, remaking only the pictures and buttons that changed."""
        self.scenario = scenario
        if not self._wanted and any(isinstance(a, Propose) for a in view.legal):
            self._wanted = [*_PARTY_MOVES]  # a seat that makes offers: its moves on offers
        sheets = shown_sheets(view)
        placeholder = None if sheets else _placeholder(view)
        changed = placeholder != self.placeholder or [*self.cards] != [s.id for s in sheets]
        self.placeholder = placeholder
        kept: dict[str, _Card] = {}
        buttons: dict[UIButton, tuple[TermSheet, Action]] = {}
        y = 0
        for sheet in sheets:
            html = card_html(view, scenario, sheet)
            card = self.cards.pop(sheet.id, None)
            if card is None or card.html != html:
                picture = card_picture(html, self.width - BUTTON_W - 8)
                card = _Card(html, picture, y, card.buttons if card is not None else [])
                changed = True
            moves = sheet_moves(view, scenario, sheet)[:4]
            gave = self._give_buttons(card, sheet, [t for t, _ in moves])
            changed |= gave or card.y != y
            card.y = y
            for (_, b), (_, action) in zip(card.buttons, moves, strict=True):
                buttons[b] = (sheet, action)
            kept[sheet.id] = card
            y += card.height + GAP
        for gone in self.cards.values():
            self._retire(gone.buttons)
        self.cards = kept
        self.buttons = buttons
        if changed:
            self.version += 1
            self.scroller.set_height(max(40, y - GAP), to_end=False)
            self._placed_at = None
        self.place_buttons()

    def _give_buttons(self, card: _Card, sheet: TermSheet, texts: list[str]) -> bool:
        """Give ``card`` a button for each of ``texts``, reusing its own buttons and
        spare ones before making any; False if it already had them."""
        if [t for t, _ in card.buttons] == texts:
            return False
        mine: dict[str, list[UIButton]] = {}
        for t, b in card.buttons:
            mine.setdefault(t, []).append(b)
        given: list[tuple[str, UIButton]] = []
        for text in texts:
            if text not in self._wanted:
                self._wanted.append(text)
            found = _take(mine, text) or _take(self._spare, text)
            b = found if found is not None else self._make(text)
            b.set_tooltip(_tip(text, sheet))
            given.append((text, b))
        self._retire([(t, b) for t, bs in mine.items() for b in bs])
        card.buttons = given
        return True

    def _make(self, text: str, *, visible: bool = True) -> UIButton:
        return UIButton(
            pygame.Rect(0, -100, BUTTON_W, 28),
            text,
            self.manager,
            container=self.box,
            object_id=oid("@primary" if text == "Sign" else "@small", f"#sheet_{_verb(text)}"),
            visible=int(visible),
        )

    def prepare(self) -> bool:
        """Make one spare button ahead of need, if a kind in use is short of spares
        (the screen calls this in frames with no new view, so a new sheet's buttons
        are there when it comes); False if there is nothing to make."""
        for text in self._wanted:
            if len(self._spare.get(text, ())) < _SPARES:
                self._spare.setdefault(text, []).append(self._make(text, visible=False))
                return True
        return False

    def _retire(self, buttons: list[tuple[str, UIButton]]) -> None:
        for text, b in buttons:
            b.hide()  # type: ignore[no-untyped-call]
            self._spare.setdefault(text, []).append(b)

    def place_buttons(self) -> None:
        """Put each card's buttons beside it at the current scroll position (the
        container clips them); hide those scrolled out of sight."""
        offset = self.scroller.offset()
        if offset == self._placed_at:
            return
        self._placed_at = offset
        x = self.width - BUTTON_W
        for card in self.cards.values():
            for j, (_, b) in enumerate(card.buttons):
                y = card.y + j * (28 + 4) - offset
                if y + 28 <= 0 or y >= self.area.h:
                    if b.visible:
                        b.hide()  # type: ignore[no-untyped-call]
                    continue
                if b.relative_rect.topleft != (x, y):
                    b.set_relative_position((x, y))
                if not b.visible:
                    b.show()  # type: ignore[no-untyped-call]

    def key(self) -> tuple[int, int]:
        """What the list shows: when this changes, it must be drawn again."""
        return (self.version, self.scroller.offset())

    def draw(self, surface: pygame.Surface) -> None:
        """The cards (or the placeholder) at the current scroll position, under the buttons."""
        self.place_buttons()
        clip = surface.get_clip()
        surface.set_clip(self.box.rect.clip(clip))
        if self.placeholder is not None:
            label(surface, self.placeholder, (self.area.x + 6, self.area.y + 10), 13, _LABEL)
        offset = self.scroller.offset()
        for card in self.cards.values():
            y = self.area.y + card.y - offset
            if y + card.height > self.area.y and y < self.area.bottom:
                surface.blit(card.picture, (self.area.x, y))
        surface.set_clip(clip)

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
        if self.scroller.handle(event):
            return True
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
            self._retire(card.buttons)
        for spare in self._spare.values():
            for b in spare:
                b.kill()  # type: ignore[no-untyped-call]
        self.cards.clear()
        self._spare.clear()
        self.buttons.clear()
        self.box.kill()  # type: ignore[no-untyped-call]
        self.scroller.kill()


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
