"""The lobby: start a solo game against bots, or join a classroom room on a server.

Two cards side by side. Solo picks your seat, a personality for each bot (or a
surprise) and a difficulty, and posts ``StartSolo``. Classroom takes the
teacher's server address, the room code, your name and a seat, checks them, and
posts ``JoinRoom``; a refused join comes back through ``receive`` and is shown.
A server announcing itself on the network fills the address in (screens/nearby.py).
When the server and room typed are those of a seat this user holds (its token is
saved, client/saved.py), the lobby picks that seat and says Join goes back to it.
Under the solo card, saved solo games are listed (when, which seat, where the game
stands) with a button that posts ``ResumeSolo`` for the one chosen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import UIElement
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextBox, UITextEntryLine

from divestiture.client import draw, intents, theme
from divestiture.client.describe import in_words
from divestiture.client.discover import ROOM_CODE, Finder
from divestiture.client.layout import MIN_SIZE
from divestiture.client.net import ErrorNotice, Inbound, Status
from divestiture.client.panels import oid
from divestiture.client.saved import SavedSeat, seat_key
from divestiture.client.screens.masthead import Paint, card, draw_header
from divestiture.client.screens.nearby import NearbyRow
from divestiture.client.screens.saved_games import MAX_GAMES, SavedGamesRow, held_notice
from divestiture.game.bots import personalities
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

SURPRISE = "surprise"
EXAMPLE_SERVER = "ws://192.168.1.20:8765"
STEPS = (
    "Your teacher reads out the room code.",
    "Classmates who pick the same seat play it as a team.",
    "Your brief is secret until the week is over.",
)
_SERVER = re.compile(r"(wss?)://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})/?")
_ROW, _STEP, _LABEL_W, _BUTTON_H, _TOP = 32, 40, 150, 48, 84
_GAMES_H = 42  # the saved games' row under the solo card, and its gap


@dataclass(frozen=True)
class LobbyDefaults:
    """What the lobby's fields start with (from the command line or the last game)."""

    seat: str | None = None  # the solo seat, and the classroom seat unless ``class_seat``
    difficulty: str = "normal"
    url: str = ""
    room: str = ""
    name: str = ""
    seed: int | None = None
    class_seat: str | None = None
    bots: tuple[tuple[str, str], ...] = ()  # seat -> personality or SURPRISE


def join_url(server: str, room: str, name: str) -> str:
    """``ws://HOST:PORT/ROOM`` for the fields; ValueError with the reason if one is wrong."""
    server, room = server.strip(), room.strip().upper()
    if not name.strip():
        raise ValueError("Type your name, so the table knows who you are.")
    if not room:
        raise ValueError("Type the room code your teacher gave you.")
    if not ROOM_CODE.fullmatch(room):
        raise ValueError("A room code is 4-8 letters and digits 2-9 (no I, O, L, 0 or 1).")
    match = _SERVER.fullmatch(server)
    if match is None:
        raise ValueError(f"The server address looks like {EXAMPLE_SERVER} (ws://HOST:PORT).")
    port = int(match.group(4))
    if not 1 <= port <= 65535:
        raise ValueError("The server's port is a number from 1 to 65535.")
    return f"{match.group(1)}://{match.group(2)}:{port}/{room}"


def readable(ident: str) -> str:
    """An id as a label: ``"hawk"`` -> ``"Hawk"``."""
    return ident.replace("_", " ").title()


@dataclass
class _Form:
    """The current choices, kept across rebuilds (a resize, a new seat)."""

    seat: str
    difficulty: str
    seed: str
    url: str
    room: str
    name: str
    class_seat: str
    bots: dict[str, str] = field(default_factory=dict)  # seat -> personality or SURPRISE
    filled: str = ""  # the server address the lobby put in the field (not typed)
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
        class_seat = d.class_seat if d.class_seat in self.seats else seat
        self.form = _Form(seat, level, seed, d.url, d.room, d.name, class_seat, dict(d.bots))
        self.error_text = ""
        self.notice = ""
        self.dirty = True
        self.saved = dict(saved or {})  # seats this user holds, by seat_key
        self.games = tuple(games[:MAX_GAMES])  # saved solo games (room, seat), newest first
        self.form.game = self.games[0][0] if self.games else ""
        self._held: str | None = None  # the held seat the classroom fields show
        self._build()
        self._look_for_seat()

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
        self._paint += card(room, "Classroom", "Join a room on your teacher's server.", theme.WARN)
        ix, iw = solo.x + 22, solo.w - 44
        self.seat_options = seat_options = [(sc.seat(s).name, str(s)) for s in self.seats]
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
        ix, iw = room.x + 22, room.w - 44
        y = room.y + _TOP
        self.url_entry = self._entry(
            self._field(room, y), "#server", f"e.g. {EXAMPLE_SERVER}", f.url, 80
        )
        row = pygame.Rect(ix, y + _STEP, iw, _ROW)
        self.nearby = NearbyRow(self.manager, self.finder, row, _LABEL_W)
        y_room, y_name, y_seat = (y + n * _STEP for n in (2, 3, 4))
        self.room_entry = self._entry(self._field(room, y_room), "#room", "e.g. K7QM2", f.room)
        self.name_entry = self._entry(self._field(room, y_name), "#name", "Your name", f.name, 40)
        rect = self._field(room, y_seat)
        self.class_seat_menu = self._menu(seat_options, f.class_seat, rect, "#class_seat")
        labels = ((y, "Server"), (y_room, "Room code"), (y_name, "Your name"), (y_seat, "Seat"))
        for at, text in labels:
            self._text(text, (ix, at + 7))
        self.class_seat_at = (ix + _LABEL_W - 22, y_seat + 16)
        self.join = self._button(room, "Join", "#join_room", "Join the room (Enter)")
        top = y + 5 * _STEP + 12
        self.message_rect = pygame.Rect(ix, top, iw, self.join.rect.y - 12 - top)
        box = self.message_rect.copy()  # all of it: a refusal and why can take four lines
        self.error = UITextBox("", box, self.manager, object_id=oid("@problems", "#join_error"))
        self._show_error(self.error_text)
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

    def _entry(
        self, rect: pygame.Rect, name: str, hint: str, text: str = "", limit: int = 8
    ) -> UITextEntryLine:
        entry = UITextEntryLine(
            rect, self.manager, object_id=oid(None, name), placeholder_text=hint
        )
        entry.set_text_length_limit(limit)
        entry.set_text(text[:limit])
        return entry

    def _button(self, card: pygame.Rect, text: str, name: str, tip: str) -> UIButton:
        rect = pygame.Rect(card.x + 22, card.bottom - 22 - _BUTTON_H, card.w - 44, _BUTTON_H)
        return UIButton(
            rect, text, self.manager, tool_tip_text=tip, object_id=oid("@primary", name)
        )

    def _widgets(self) -> list[UIElement]:
        return [
            self.seat_menu, *self.bot_menus.values(), self.difficulty_menu, self.seed_entry,
            self.play, self.url_entry, self.room_entry, self.name_entry, self.class_seat_menu,
            self.join, self.error,
        ]  # fmt: skip

    def _fields(self) -> tuple[UITextEntryLine, ...]:
        return (self.url_entry, self.room_entry, self.name_entry)

    def _keep(self) -> None:
        """Copy what was typed into the form before the widgets go."""
        f = self.form
        f.seed, f.url = self.seed_entry.get_text(), self.url_entry.get_text()
        f.room, f.name = self.room_entry.get_text(), self.name_entry.get_text()

    def defaults(self) -> LobbyDefaults:
        """Everything chosen and typed, to open the lobby again as the student left it
        (after a join that failed, or a game)."""
        self._keep()
        f = self.form
        return LobbyDefaults(
            seat=f.seat,
            difficulty=f.difficulty,
            url=f.url,
            room=f.room,
            name=f.name,
            seed=int(f.seed) if f.seed.isdigit() else None,
            class_seat=f.class_seat,
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
        elif self.nearby.owns(event):
            picked = self.nearby.picked(event)
            if picked is not None:
                self._fill(picked, by_lobby=False)
        elif event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            self._choose(element, str(event.selected_option_id))
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.play:
            self.start_solo()
        elif (event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.join) or (
            event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and element in self._fields()
        ):
            self.join_room()
        elif event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            if element is self.url_entry or element is self.room_entry:
                self._look_for_seat()
            if self.error_text:
                self._show_error("")

    def _choose(self, element: object, value: str) -> None:
        f = self.form
        if element is self.seat_menu and value != f.seat:
            f.seat = value
            self._rebuild()
        elif element is self.difficulty_menu:
            f.difficulty = value
        elif element is self.class_seat_menu:
            f.class_seat = value
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
        f = self.form
        try:
            url = join_url(f.url, f.room, f.name)
        except ValueError as reason:
            self._show_error(str(reason))
            return False
        self._show_error("")
        self.notice = f"Joining room {url.rsplit('/', 1)[1]} as {f.name.strip()}\u2026"
        intents.post(intents.JoinRoom(url, f.class_seat, f.name.strip()))
        return True

    def receive(self, item: Inbound) -> None:
        """An error from a join (or a link that went down) is shown on the classroom card."""
        if isinstance(item, ErrorNotice):
            self._show_error(item.message)
        elif isinstance(item, Status) and item.state in ("offline", "closed") and item.detail:
            self._show_error(item.detail)

    def _look_for_seat(self) -> None:
        """If this user holds a seat in the room typed, choose that seat (and its name,
        if none is typed) and say that Join goes back to it; once per room, so a seat
        the student then picks stays picked."""
        self._keep()
        f = self.form
        key = seat_key(f.url, f.room)  # what is typed: only a right address is a key
        held = self.saved.get(key)
        if held is None or held.seat not in self.seats:
            if self._held is not None:
                self._held, self.notice, self.dirty = None, "", True
            return
        if key == self._held:
            return
        self._held = key
        f.class_seat = held.seat
        # Made again: pygame_gui's menu shows a new choice only when it closes after a click.
        rect = pygame.Rect(self.class_seat_menu.relative_rect)
        self.class_seat_menu.kill()  # type: ignore[no-untyped-call]
        self.class_seat_menu = self._menu(self.seat_options, held.seat, rect, "#class_seat")
        if not f.name.strip() and held.name:
            self.name_entry.set_text(held.name[:40])
            f.name = held.name[:40]
        self.notice = held_notice(self.scenario, held)
        self.dirty = True

    def _show_error(self, text: str) -> None:
        text = in_words(self.scenario, text) if text else ""
        self.error_text = text
        if text:
            self.notice = ""
            self.error.set_text(f"\u26a0 {escape(text)}")
            self.error.show()  # type: ignore[no-untyped-call]
        else:
            self.error.hide()  # type: ignore[no-untyped-call]
        self.dirty = True

    def resize(self, size: tuple[int, int]) -> None:
        """Lay the cards out again for ``size``, keeping every choice."""
        self.size = size
        self._rebuild()

    def tick(self, now: float) -> None:
        """Look at what the network found: fill the Server field with the one server heard
        (unless the student typed an address), or offer the choice of several."""
        if not self.nearby.poll(now):
            return
        found = self.nearby.found
        typed = self.url_entry.get_text().strip()
        if len(found) == 1 and typed in ("", self.form.filled):
            self._fill(found[0].url, by_lobby=True)
        self.nearby.show_menu(self.url_entry.get_text().strip())
        self.dirty = True

    def _fill(self, url: str, *, by_lobby: bool) -> None:
        """Put ``url`` in the Server field: the lobby's choice (a later find may replace
        it) or the student's pick in the drop-down (kept, like an address they typed)."""
        self.url_entry.set_text(url)
        self.form.url = url
        self.form.filled = url if by_lobby else ""
        self._look_for_seat()
        if self.error_text:
            self._show_error("")
        self.dirty = True

    def busy(self) -> bool:
        return False

    def kill(self) -> None:
        """Remove every widget."""
        for w in self._widgets():
            w.kill()  # type: ignore[no-untyped-call]
        self.nearby.kill()
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
        seat = self.scenario.seat(SeatId(self.form.class_seat))
        draw.portrait(surface, self.class_seat_at, 12, seat.id, theme.hex_colour(seat.color))
        self.nearby.draw(surface)
        if not self.error_text:
            self._draw_steps(surface, self.message_rect)
        self.dirty = False

    def _draw_steps(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        y = rect.y
        if self.notice:
            y = draw.paragraph(surface, self.notice, rect, 14, theme.WARN, bold=True) + 4
        for i, step in enumerate(STEPS, 1):
            area = pygame.Rect(rect.x + 24, y, rect.w - 24, rect.bottom - y)
            step_h = int(theme.font(13).get_linesize() * 1.2)
            if len(draw.wrap(step, 13, area.w)) * step_h > area.h:
                break  # under a notice, the steps that no longer fit whole are left out
            draw.label(surface, f"{i}", (rect.x + 6, y), 13, theme.RIM_HI, bold=True)
            y = draw.paragraph(surface, step, area, 13, theme.TEXT_DIM, spacing=1.2) + 4
