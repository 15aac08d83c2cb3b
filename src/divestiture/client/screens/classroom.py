"""The lobby's Classroom card: the teacher's server, a room or class code, a name, a seat.

The code is a room's (one table) or a class's (several tables, one code for the
whole class): the card cannot tell them apart, nor need it. The seat menu's first
choice, "Any seat", lets the server seat the student (in a class, where the class
needs them); a named seat asks for that one. Join checks the fields and posts
``JoinRoom``; a refused join comes back through ``receive`` and is shown.
A server announcing itself on the network fills the address in (screens/nearby.py).
When the server and code typed are those of a seat this user holds (its token is
saved, client/saved.py: in that room, or at a table of that class), the card picks
that seat and says Join goes back to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import UIElement
from pygame_gui.elements import UIButton, UIDropDownMenu, UITextBox, UITextEntryLine

from divestiture.client import draw, intents, theme
from divestiture.client.describe import in_words
from divestiture.client.discover import ROOM_CODE, Finder
from divestiture.client.net import ErrorNotice, Inbound, Status
from divestiture.client.panels import oid
from divestiture.client.saved import SavedSeat, held_at
from divestiture.client.screens.masthead import Paint
from divestiture.client.screens.nearby import NearbyRow
from divestiture.client.screens.saved_games import held_notice
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

ANY_SEAT = "any"  # the seat menu's first choice: the server seats the student
ANY_SEAT_LABEL = "Any seat (your class seats you)"
EXAMPLE_SERVER = "ws://192.168.1.20:8765"
STEPS = (
    "Your teacher reads out the class code (or a room's).",
    "With any seat, the class seats you; classmates in one seat play it as a team.",
    "Your brief is secret until the week is over.",
)
_SERVER = re.compile(r"(wss?)://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})/?")
ROW, STEP, LABEL_W, BUTTON_H, TOP = 32, 40, 150, 48, 84


def join_url(server: str, room: str, name: str) -> str:
    """``ws://HOST:PORT/CODE`` for the fields; ValueError with the reason if one is wrong."""
    server, room = server.strip(), room.strip().upper()
    if not name.strip():
        raise ValueError("Type your name, so the table knows who you are.")
    if not room:
        raise ValueError("Type the class code (or room code) your teacher gave you.")
    if not ROOM_CODE.fullmatch(room):
        raise ValueError("A class or room code is 4-8 letters and digits 2-9 (no I, O, L, 0 or 1).")
    match = _SERVER.fullmatch(server)
    if match is None:
        raise ValueError(f"The server address looks like {EXAMPLE_SERVER} (ws://HOST:PORT).")
    port = int(match.group(4))
    if not 1 <= port <= 65535:
        raise ValueError("The server's port is a number from 1 to 65535.")
    return f"{match.group(1)}://{match.group(2)}:{port}/{room}"


@dataclass
class ClassFields:
    """What the card's fields hold, kept across rebuilds (a resize, a new solo seat)."""

    url: str = ""
    room: str = ""  # the code typed: a room's or a class's
    name: str = ""
    seat: str = ANY_SEAT  # a seat id, or ANY_SEAT
    filled: str = ""  # the server address the lobby put in the field (not typed)


class ClassroomCard:
    """The card's widgets inside ``rect`` (made by ``build``, removed by ``kill``) and
    what it remembers between builds. ``finder`` tells which servers were heard on the
    network; ``saved``, the seats this user holds, by ``seat_key``."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        fields: ClassFields,
        *,
        finder: Finder | None = None,
        saved: Mapping[str, SavedSeat] | None = None,
    ) -> None:
        self.manager, self.scenario, self.finder = manager, scenario, finder
        self.fields = fields
        if fields.seat != ANY_SEAT and fields.seat not in scenario.seat_ids:
            fields.seat = ANY_SEAT
        self.saved = dict(saved or {})
        self.options = [(ANY_SEAT_LABEL, ANY_SEAT)]
        self.options += [(scenario.seat(s).name, str(s)) for s in scenario.seat_ids]
        self.error_text = ""
        self.notice = ""
        self.dirty = True
        self._held: str | None = None  # the held seat the fields show (its key)

    # -- widgets -----------------------------------------------------------------------

    def build(self, rect: pygame.Rect, paint: list[Paint]) -> None:
        """Make the card's widgets in ``rect``; what is painted under them goes on ``paint``."""
        f = self.fields
        ix, iw = rect.x + 22, rect.w - 44
        y = rect.y + TOP
        self.url_entry = self._entry(self._field(rect, y), "#server", f"e.g. {EXAMPLE_SERVER}", 80)
        self.url_entry.set_text(f.url[:80])
        self.nearby = NearbyRow(
            self.manager, self.finder, pygame.Rect(ix, y + STEP, iw, ROW), LABEL_W
        )
        y_room, y_name, y_seat = (y + n * STEP for n in (2, 3, 4))
        self.room_entry = self._entry(self._field(rect, y_room), "#room", "e.g. K7QM2", 8)
        self.room_entry.set_text(f.room[:8])
        self.name_entry = self._entry(self._field(rect, y_name), "#name", "Your name", 40)
        self.name_entry.set_text(f.name[:40])
        self.seat_menu = self._menu(f.seat, self._field(rect, y_seat))
        labels = ((y, "Server"), (y_room, "Room or class code"), (y_name, "Your name"))
        for at, text in (*labels, (y_seat, "Seat")):
            paint.append(_label(text, (ix, at + 7), max_width=LABEL_W - 8))
        self.seat_at = (ix + LABEL_W - 22, y_seat + 16)
        button = pygame.Rect(rect.x + 22, rect.bottom - 22 - BUTTON_H, iw, BUTTON_H)
        self.join = UIButton(
            button,
            "Join",
            self.manager,
            tool_tip_text="Join the class or room (Enter)",
            object_id=oid("@primary", "#join_room"),
        )
        top = y + 5 * STEP + 12
        self.message_rect = pygame.Rect(ix, top, iw, button.y - 12 - top)
        box = self.message_rect.copy()  # all of it: a refusal and why can take four lines
        self.error = UITextBox("", box, self.manager, object_id=oid("@problems", "#join_error"))
        self.show_error(self.error_text)

    def _field(self, card: pygame.Rect, y: int) -> pygame.Rect:
        return pygame.Rect(card.x + 22 + LABEL_W, y, card.w - 44 - LABEL_W, ROW)

    def _entry(self, rect: pygame.Rect, name: str, hint: str, limit: int) -> UITextEntryLine:
        entry = UITextEntryLine(
            rect, self.manager, object_id=oid(None, name), placeholder_text=hint
        )
        entry.set_text_length_limit(limit)
        return entry

    def _menu(self, chosen: str, rect: pygame.Rect) -> UIDropDownMenu:
        start = next((o for o in self.options if o[1] == chosen), self.options[0])
        return UIDropDownMenu(
            list(self.options), start, rect, self.manager, object_id=oid(None, "#class_seat")
        )

    def widgets(self) -> list[UIElement]:
        return [
            self.url_entry, self.room_entry, self.name_entry, self.seat_menu, self.join,
            self.error,
        ]  # fmt: skip

    def entries(self) -> tuple[UITextEntryLine, ...]:
        return (self.url_entry, self.room_entry, self.name_entry)

    def keep(self) -> None:
        """Copy what was typed into the fields before the widgets go."""
        f = self.fields
        f.url, f.room = self.url_entry.get_text(), self.room_entry.get_text()
        f.name = self.name_entry.get_text()

    def kill(self) -> None:
        for w in self.widgets():
            w.kill()  # type: ignore[no-untyped-call]
        self.nearby.kill()

    # -- input -------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        """The card's own events: a server picked, a seat chosen, Join (or Enter in a
        field), typing; whether the event was the card's."""
        element = getattr(event, "ui_element", None)
        if self.nearby.owns(event):
            picked = self.nearby.picked(event)
            if picked is not None:
                self.fill(picked, by_lobby=False)
            return True
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and element is self.seat_menu:
            self.fields.seat = str(event.selected_option_id)
            self.dirty = True
            return True
        if (event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.join) or (
            event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and element in self.entries()
        ):
            self.join_room()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and element in self.entries():
            if element is self.url_entry or element is self.room_entry:
                self.look_for_seat()
            if self.error_text:
                self.show_error("")
            return True
        return False

    def join_room(self) -> bool:
        """Post ``JoinRoom`` if the fields are right, else show why not."""
        self.keep()
        f = self.fields
        try:
            url = join_url(f.url, f.room, f.name)
        except ValueError as reason:
            self.show_error(str(reason))
            return False
        self.show_error("")
        self.notice = f"Joining {url.rsplit('/', 1)[1]} as {f.name.strip()}\u2026"
        seat = None if f.seat == ANY_SEAT else f.seat
        intents.post(intents.JoinRoom(url, seat, f.name.strip()))
        return True

    def receive(self, item: Inbound) -> None:
        """An error from a join (or a link that went down) is shown on the card."""
        if isinstance(item, ErrorNotice):
            self.show_error(item.message)
        elif isinstance(item, Status) and item.state in ("offline", "closed") and item.detail:
            self.show_error(item.detail)

    def look_for_seat(self) -> None:
        """If this user holds a seat in the room typed (or at a table of the class typed),
        choose that seat (and its name, if none is typed) and say that Join goes back to
        it; once per seat held, so a seat the student then picks stays picked."""
        self.keep()
        f = self.fields
        found = held_at(self.saved, f.url, f.room)
        if found is None or found[1].seat not in self.scenario.seat_ids:
            if self._held is not None:
                self._held, self.notice, self.dirty = None, "", True
            return
        key, held = found
        if key == self._held:
            return
        self._held = key
        f.seat = held.seat
        # Made again: pygame_gui's menu shows a new choice only when it closes after a click.
        rect = pygame.Rect(self.seat_menu.relative_rect)
        self.seat_menu.kill()  # type: ignore[no-untyped-call]
        self.seat_menu = self._menu(held.seat, rect)
        if not f.name.strip() and held.name:
            self.name_entry.set_text(held.name[:40])
            f.name = held.name[:40]
        self.notice = held_notice(self.scenario, held, key, f.room)
        self.dirty = True

    def show_error(self, text: str) -> None:
        text = in_words(self.scenario, text) if text else ""
        self.error_text = text
        if text:
            self.notice = ""
            self.error.set_text(f"\u26a0 {escape(text)}")
            self.error.show()  # type: ignore[no-untyped-call]
        else:
            self.error.hide()  # type: ignore[no-untyped-call]
        self.dirty = True

    def tick(self, now: float) -> None:
        """Look at what the network found: fill the Server field with the one server heard
        (unless the student typed an address), or offer the choice of several."""
        if not self.nearby.poll(now):
            return
        found = self.nearby.found
        typed = self.url_entry.get_text().strip()
        if len(found) == 1 and typed in ("", self.fields.filled):
            self.fill(found[0].url, by_lobby=True)
        self.nearby.show_menu(self.url_entry.get_text().strip())
        self.dirty = True

    def fill(self, url: str, *, by_lobby: bool) -> None:
        """Put ``url`` in the Server field: the lobby's choice (a later find may replace
        it) or the student's pick in the drop-down (kept, like an address they typed)."""
        self.url_entry.set_text(url)
        self.fields.url = url
        self.fields.filled = url if by_lobby else ""
        self.look_for_seat()
        if self.error_text:
            self.show_error("")
        self.dirty = True

    # -- drawing -----------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The chosen seat's portrait, the network's row, and the notice and steps (or,
        in their place, the error box, a widget)."""
        seat = self.fields.seat
        if seat == ANY_SEAT:
            _any_seat(surface, self.seat_at, 12)
        else:
            s = self.scenario.seat(SeatId(seat))
            draw.portrait(surface, self.seat_at, 12, s.id, theme.hex_colour(s.color))
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


def _label(text: str, pos: tuple[int, int], **kw: Any) -> Paint:
    def paint(surface: pygame.Surface) -> object:
        return draw.label(surface, text, pos, 14, theme.TEXT, **kw)

    return paint


def _any_seat(surface: pygame.Surface, centre: tuple[int, int], radius: int) -> None:
    """A plain disc with a question mark: the seat is for the class to choose."""
    pygame.draw.circle(surface, theme.PANEL_HI, centre, radius)
    pygame.draw.circle(surface, theme.TEXT_FAINT, centre, radius, 1)
    at = (centre[0], centre[1] - 8)
    draw.label(surface, "?", at, 13, theme.TEXT, bold=True, align="centre")
