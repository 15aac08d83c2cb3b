"""The lobby: start a solo game against bots, or join a class or room on a server.

Two cards side by side. Solo picks your seat, a personality for each bot (or a
surprise) and a difficulty, and posts ``StartSolo``. Classroom (screens/classroom.py)
takes the teacher's server address, the class or room code, your name and a seat
(or any seat), and posts ``JoinRoom``; a refused join comes back through ``receive``
and is shown there. Under the solo card, saved solo games are listed (when, which
seat, where the game stands) with a button that posts ``ResumeSolo`` for the one chosen.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import UIElement
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextEntryLine

from divestiture.client import draw, intents, theme
from divestiture.client.discover import Finder
from divestiture.client.layout import MIN_SIZE
from divestiture.client.net import Inbound
from divestiture.client.panels import oid
from divestiture.client.saved import SavedSeat
from divestiture.client.screens.classroom import ANY_SEAT, ClassFields, ClassroomCard, join_url
from divestiture.client.screens.masthead import Paint, card, draw_header
from divestiture.client.screens.saved_games import MAX_GAMES, SavedGamesRow
from divestiture.game.bots import personalities
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

SURPRISE = "surprise"
_ROW, _STEP, _LABEL_W, _BUTTON_H, _TOP = 32, 40, 150, 48, 84
_GAMES_H = 42  # the saved games' row under the solo card, and its gap
__all__ = ["SURPRISE", "LobbyDefaults", "LobbyScreen", "join_url", "readable"]


@dataclass(frozen=True)
class LobbyDefaults:
    """What the lobby's fields start with (from the command line or the last game)."""

    seat: str | None = None  # the solo seat
    difficulty: str = "normal"
    url: str = ""
    room: str = ""  # a room's code, or a class's
    name: str = ""
    seed: int | None = None
    class_seat: str | None = None  # the classroom seat (None: any seat)
    bots: tuple[tuple[str, str], ...] = ()  # seat -> personality or SURPRISE


def readable(ident: str) -> str:
    """An id as a label: ``"hawk"`` -> ``"Hawk"``."""
    return ident.replace("_", " ").title()


@dataclass
class _Form:
    """The solo card's choices, kept across rebuilds (a resize, a new seat)."""

    seat: str
    difficulty: str
    seed: str
    bots: dict[str, str] = field(default_factory=dict)  # seat -> personality or SURPRISE
    game: str = ""  # the saved solo game chosen (its room code)


class LobbyScreen:
    """The first screen: solo against bots, or a classroom room. ``finder`` tells which
    servers were heard on the network (none if not given)."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        size: tuple[int, int],
        *,
        defaults: LobbyDefaults | None = None,
        finder: Finder | None = None,
        saved: Mapping[str, SavedSeat] | None = None,
        games: Sequence[tuple[str, SavedSeat]] = (),
    ) -> None:
        d = defaults or LobbyDefaults()
        self.manager, self.scenario, self.size = manager, scenario, size
        self.finder = finder
        self.seats = scenario.seat_ids
        seat = d.seat if d.seat in self.seats else self.seats[0]
        level = d.difficulty if d.difficulty in scenario.bots.difficulties else "normal"
        seed = "" if d.seed is None else str(d.seed)
        self.form = _Form(seat, level, seed, dict(d.bots))
        fields = ClassFields(d.url, d.room, d.name, d.class_seat or ANY_SEAT)
        self.classroom = ClassroomCard(manager, scenario, fields, finder=finder, saved=saved)
        self._dirty = True
        self.games = tuple(games[:MAX_GAMES])  # saved solo games (room, seat), newest first
        self.form.game = self.games[0][0] if self.games else ""
        self._build()
        self.classroom.look_for_seat()

    @property
    def dirty(self) -> bool:
        return self._dirty or self.classroom.dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        self._dirty = self.classroom.dirty = value

    # -- layout ------------------------------------------------------------------------

    def _frame(self) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
        """The header, solo card and classroom card for the current size."""
        w, h = max(self.size[0], MIN_SIZE[0]), max(self.size[1], MIN_SIZE[1])
        cw, header_h, card_h = min(w - 48, 1180), 150, 476
        below = 40 + (_GAMES_H if self.games else 0)  # the tip, and the saved games' row
        x, top = (w - cw) // 2, max(18, (h - header_h - card_h - below) // 2)
        half, y = (cw - 24) // 2, top + header_h + 8
        header = pygame.Rect(x, top, cw, header_h)
        return header, pygame.Rect(x, y, half, card_h), pygame.Rect(x + cw - half, y, half, card_h)

    def _build(self) -> None:
        """Make every widget for the current size and choices, and note what to paint."""
        f, sc = self.form, self.scenario
        header, solo, room = self._frame()
        self._paint: list[Paint] = [partial(draw_header, rect=header, sc=self.scenario)]
        self._paint += card(solo, "Solo", "You against four bots, on this computer.", theme.GOOD)
        self._paint += card(
            room, "Classroom", "Join your class (or a room) on your teacher's server.", theme.WARN
        )
        ix, iw = solo.x + 22, solo.w - 44
        seat_options = [(sc.seat(s).name, str(s)) for s in self.seats]
        y = solo.y + _TOP
        self.seat_menu = self._menu(seat_options, f.seat, self._field(solo, y), "#solo_seat")
        self._row_label(ix, y, "You play", f.seat, bold=True)
        self._text("BOTS", (ix, y + 48), 12, theme.TEXT_DIM, bold=True)
        self._text("Personality", (ix + _LABEL_W, y + 48), 12, theme.TEXT_FAINT)
        self.bot_menus: dict[str, UIDropDownMenu] = {}
        y += _STEP + 28
        for other in (s for s in self.seats if s != f.seat):
            kinds = [("Surprise me", SURPRISE)]
            kinds += [(readable(p), p) for p in personalities(sc, other)]
            chosen = f.bots.get(other, SURPRISE)
            self.bot_menus[other] = self._menu(kinds, chosen, self._field(solo, y), f"#bot_{other}")
            self._row_label(ix, y, sc.seat(other).name, other)
            y += _STEP
        self.level_y = y = y + 8
        levels = [(readable(k), k) for k in sc.bots.difficulties]
        rect = pygame.Rect(ix + _LABEL_W, y, min(150, iw - _LABEL_W - 160), _ROW)
        self.difficulty_menu = self._menu(levels, f.difficulty, rect, "#difficulty")
        self._text("Difficulty", (ix, y + 7))
        self._text("Seed", (ix + iw - 110, y + 8), 13, theme.TEXT_DIM, align="right")
        self.seed_entry = self._entry(pygame.Rect(ix + iw - 100, y, 100, _ROW), "#seed", "Random")
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text_length_limit(9)
        self.seed_entry.set_text(f.seed[:9])
        self.play = self._button(solo, "Play solo", "#play_solo", "Start a game against bots")
        self.classroom.build(room, self._paint)
        self.tick(time.monotonic())
        tip = "At the table: B shows your brief, F1 the help, Esc closes a window."
        self.saved_games: SavedGamesRow | None = None
        if self.games:
            row = pygame.Rect(solo.x, solo.bottom + 10, solo.w, _ROW)
            self.saved_games = SavedGamesRow(self.manager, sc, self.games, self.form.game, row)
            # Beside the saved games, under the classroom card.
            tip_at = (room.centerx, solo.bottom + 10 + (_ROW - 14) // 2)
            self._text(tip, tip_at, 12, theme.TEXT_FAINT, align="centre", max_width=room.w)
        else:
            tip_at = (header.centerx, solo.bottom + 12)
            self._text(tip, tip_at, 12, theme.TEXT_FAINT, align="centre")

    def _field(self, card: pygame.Rect, y: int) -> pygame.Rect:
        return pygame.Rect(card.x + 22 + _LABEL_W, y, card.w - 44 - _LABEL_W, _ROW)

    def _text(
        self,
        text: str,
        pos: tuple[int, int],
        size: int = 14,
        colour: theme.Colour = theme.TEXT,
        **kw: Any,
    ) -> None:
        self._paint.append(partial(draw.label, text=text, pos=pos, size=size, colour=colour, **kw))

    def _row_label(self, x: int, y: int, text: str, seat: str, *, bold: bool = False) -> None:
        colour = theme.hex_colour(self.scenario.seat(SeatId(seat)).color)
        self._paint.append(
            partial(draw.portrait, centre=(x + 12, y + 16), radius=12, seat=seat, colour=colour)
        )
        self._text(text, (x + 32, y + 7), bold=bold, max_width=_LABEL_W - 38)

    def _menu(
        self, options: Sequence[tuple[str, str]], chosen: str, rect: pygame.Rect, name: str
    ) -> UIDropDownMenu:
        start = next((o for o in options if o[1] == chosen), options[0])
        return UIDropDownMenu(list(options), start, rect, self.manager, object_id=oid(None, name))

    def _entry(self, rect: pygame.Rect, name: str, hint: str) -> UITextEntryLine:
        return UITextEntryLine(rect, self.manager, object_id=oid(None, name), placeholder_text=hint)

    def _button(self, card: pygame.Rect, text: str, name: str, tip: str) -> UIButton:
        rect = pygame.Rect(card.x + 22, card.bottom - 22 - _BUTTON_H, card.w - 44, _BUTTON_H)
        return UIButton(
            rect, text, self.manager, tool_tip_text=tip, object_id=oid("@primary", name)
        )

    def _widgets(self) -> list[UIElement]:
        return [
            self.seat_menu, *self.bot_menus.values(), self.difficulty_menu, self.seed_entry,
            self.play,
        ]  # fmt: skip

    def _keep(self) -> None:
        """Copy what was typed into the form before the widgets go."""
        self.form.seed = self.seed_entry.get_text()
        self.classroom.keep()

    def defaults(self) -> LobbyDefaults:
        """Everything chosen and typed, to open the lobby again as the student left it
        (after a join that failed, or a game)."""
        self._keep()
        f, c = self.form, self.classroom.fields
        return LobbyDefaults(
            seat=f.seat,
            difficulty=f.difficulty,
            url=c.url,
            room=c.room,
            name=c.name,
            seed=int(f.seed) if f.seed.isdigit() else None,
            class_seat=None if c.seat == ANY_SEAT else c.seat,
            bots=tuple(f.bots.items()),
        )

    def _rebuild(self) -> None:
        self._keep()
        self.kill()
        self._build()
        self.dirty = True

    # -- input -------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """Menu choices, the two buttons, and Enter in a classroom field."""
        element = getattr(event, "ui_element", None)
        game = self.saved_games.handle(event) if self.saved_games is not None else None
        if self.saved_games is not None:
            self.form.game = self.saved_games.chosen
        if game is not None:
            self._keep()
            intents.post(intents.ResumeSolo(game))
        elif self.classroom.handle(event):
            pass
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            self._choose(element, str(event.selected_option_id))
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.play:
            self.start_solo()

    def _choose(self, element: object, value: str) -> None:
        f = self.form
        if element is self.seat_menu and value != f.seat:
            f.seat = value
            self._rebuild()
        elif element is self.difficulty_menu:
            f.difficulty = value
        f.bots.update({seat: value for seat, menu in self.bot_menus.items() if element is menu})
        self.dirty = True

    def start_solo(self) -> None:
        """Post ``StartSolo`` with the seat, the bots' personalities, difficulty and seed."""
        self._keep()
        f = self.form
        picks = {s: f.bots.get(s, SURPRISE) for s in self.seats if s != f.seat}
        bots = tuple((s, None if p == SURPRISE else p) for s, p in picks.items())
        seed = int(f.seed) if f.seed.isdigit() else None
        intents.post(intents.StartSolo(f.seat, f.difficulty, bots, seed))

    def join_room(self) -> bool:
        """Post ``JoinRoom`` if the classroom fields are right, else show why not."""
        self._keep()
        return self.classroom.join_room()

    def receive(self, item: Inbound) -> None:
        """An error from a join (or a link that went down) is shown on the classroom card."""
        self.classroom.receive(item)

    def resize(self, size: tuple[int, int]) -> None:
        """Lay the cards out again for ``size``, keeping every choice."""
        self.size = size
        self._rebuild()

    def tick(self, now: float) -> None:
        self.classroom.tick(now)

    def busy(self) -> bool:
        return False

    def kill(self) -> None:
        """Remove every widget."""
        for w in self._widgets():
            w.kill()  # type: ignore[no-untyped-call]
        self.classroom.kill()
        if self.saved_games is not None:
            self.saved_games.kill()

    # -- drawing -----------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The title, the table of seats and the cards' text (widgets go on top)."""
        surface.fill(theme.BG)
        for paint in self._paint:
            paint(surface)
        level = self.scenario.bots.difficulties[self.form.difficulty].description
        x = self.seat_menu.rect.x
        area = pygame.Rect(x, self.level_y + 40, self.seat_menu.rect.right - x, 36)
        draw.paragraph(surface, level, area, 12, theme.TEXT_DIM, spacing=1.15)
        self.classroom.draw(surface)
        self._dirty = False
