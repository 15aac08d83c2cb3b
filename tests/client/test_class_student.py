"""A student in a class, through the real client against a real server: seated by the
class with "any seat", waiting for the teacher, paused, moved and taken out of the seat
by the teacher (tests/client/console.py plays the teacher's console)."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest

from divestiture.cli.client_cli import join_step
from divestiture.client import intents
from divestiture.client.app import ClientApp
from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom, SendAction
from divestiture.client.net import ErrorNotice, Inbound, Status, ViewUpdate
from divestiture.client.saved import SavedSeat, SeatFile, seat_key
from divestiture.client.screens.classroom import ANY_SEAT
from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen
from divestiture.client.screens.table import TableScreen
from divestiture.client.screens.table_notes import PAUSED, WAITING, hold
from divestiture.client.session import join_room
from divestiture.client.theme import WARN, make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.actions import Pass
from divestiture.game.types import SeatId
from tests.client.console import Console, open_class
from tests.client.frames import shown_table, until

SC = load_scenario(DEFAULT_SCENARIO)


@pytest.fixture
def console(embedded: EmbeddedServer) -> Iterator[Console]:
    """A class of two tables whose week waits for the teacher, each phase timed."""
    room = {"start": "teacher", "phase_seconds": {"negotiate": 300}}
    with open_class(embedded.url, tables=2, room=room) as teacher:
        yield teacher


@pytest.fixture
def seats(tmp_path: Path) -> SeatFile:
    return SeatFile(tmp_path / "config" / "seats.json")


def _joined(app: ClientApp, url: str, console: Console, name: str) -> TableScreen:
    """``name`` types the class code and joins with any seat; the table that opens."""
    app.on_intent(JoinRoom(f"{url}/{console.code.lower()}", None, name))
    return shown_table(app)


def _drawn(table: TableScreen) -> pygame.Surface:
    surface = pygame.Surface(table.layout.size)
    table.draw(surface)
    return surface


def _has(surface: pygame.Surface, rect: pygame.Rect, colour: tuple[int, int, int]) -> bool:
    return any(
        tuple(surface.get_at((x, y)))[:3] == colour
        for x in range(rect.x, rect.right)
        for y in range(rect.y, rect.bottom)
    )


def test_any_seat_sits_at_a_table_of_the_class_and_keeps_the_seat_under_that_room(
    display: pygame.Surface, embedded: EmbeddedServer, console: Console, seats: SeatFile
) -> None:
    """With the class code and any seat, the server seats the student at one of the
    class's tables; the client plays that room (not the class code), keeps the token
    under server+room, and the same code typed again comes back to the same seat."""
    app = ClientApp(SC, seats=seats)
    try:
        table = _joined(app, embedded.url, console, "Ann")
        assert app.session is not None
        room, seat = app.session.connection.room, table.view.viewer
        assert room in console.tables and room != console.code
        token = app.session.connection.token
    finally:
        app.close()
    kept = seats.all()
    assert list(kept) == [seat_key(embedded.url, room)]
    assert (kept[seat_key(embedded.url, room)].seat, kept[seat_key(embedded.url, room)].via) == (
        seat,
        console.code,
    )
    again = ClientApp(SC, seats=seats)
    try:
        table = _joined(again, embedded.url, console, "Ann")
        assert again.session is not None
        assert (again.session.connection.room, table.view.viewer) == (room, seat)
        assert again.session.connection.token == token, "resumed, not joined as new"
        assert table.toast is None
    finally:
        again.close()


def test_the_table_waits_for_the_teacher_then_is_paused_with_the_clock_stopped(
    display: pygame.Surface, embedded: EmbeddedServer, console: Console, seats: SeatFile
) -> None:
    """Before the start the table says it waits for the teacher, nothing can be done and
    the clock stands still; a pass sent anyway is refused in words. Started, the banner
    goes and the clock runs; paused, the banner says so and the clock stops again."""
    app = ClientApp(SC, seats=seats)
    try:
        table = _joined(app, embedded.url, console, "Ann")
        assert app.session is not None
        room = app.session.connection.room
        until(app, lambda: table.timer.stopped is not None, "no stopped clock")
        now = time.monotonic()
        assert table.timer.seconds_left(now) == table.timer.seconds_left(now + 60) == 300
        held = hold(table.view)
        assert held is not None and held.title == WAITING
        assert not table.actions.pass_button.is_enabled
        assert not table.actions.compose_button.is_enabled
        assert _has(_drawn(table), table.hold_rect, WARN), "the waiting banner is drawn"
        intents.post(SendAction(Pass()))  # as a click that raced the view would
        until(app, lambda: table.toast is not None, "no refusal shown")
        assert table.toast is not None
        assert table.toast.text == "Not done: Pass. Your teacher has not started the week yet."

        assert console.control({"do": "start", "bots_for_empty_seats": False}, room) == {room: "ok"}
        until(app, lambda: table.view.started and table.timer.ends_at is not None, "no start")
        assert hold(table.view) is None
        assert table.actions.pass_button.is_enabled
        _drawn(table)
        assert table.hold_rect.w == 0, "no banner once the week runs"

        assert console.control({"do": "pause"}, room) == {room: "ok"}
        until(app, lambda: table.view.paused and table.timer.stopped is not None, "no pause")
        held = hold(table.view)
        assert held is not None and held.title == PAUSED
        now = time.monotonic()
        left = table.timer.seconds_left(now)
        assert left is not None and 0 < left <= 300
        assert table.timer.seconds_left(now + 30) == left, "a paused clock does not count down"
        assert not table.actions.pass_button.is_enabled
        assert _has(_drawn(table), table.hold_rect, WARN), "the paused banner is drawn"
        table.toast = None
        intents.post(SendAction(Pass()))
        until(app, lambda: table.toast is not None, "no refusal shown")
        assert table.toast is not None
        assert table.toast.text == (
            "Not done: Pass. Play is paused by your teacher: try again when it resumes."
        )
    finally:
        app.close()


def test_a_student_moved_by_the_teacher_plays_the_new_seat(
    display: pygame.Surface, embedded: EmbeddedServer, console: Console, seats: SeatFile
) -> None:
    """The teacher moves the student to another seat at the other table: the client
    shows a new table for that seat (the old seat's brief gone with the old table),
    says where in words, and keeps the token under the new room; when a bot then takes
    that seat, the student watches the table, told why."""
    app = ClientApp(SC, seats=seats)
    try:
        old = _joined(app, embedded.url, console, "Ann")
        assert app.session is not None
        room, seat = app.session.connection.room, old.view.viewer
        old.toggle("brief")
        assert old.overlay is not None
        other = next(t for t in console.tables if t != room)
        to_seat = "microsoft" if seat != "microsoft" else "cfius"
        move = {"do": "move", "seat": seat, "name": "Ann", "to_seat": to_seat, "to_room": other}
        assert console.control(move, room) == {room: "ok"}
        new = shown_table(app, lambda t: t is not old)
        assert new.view.viewer == to_seat
        assert old.overlay is None, "the old seat's brief went with its table"
        assert new.overlay is None and new.composer is None
        assert new.toast is not None and not new.toast.error
        assert (
            new.toast.text
            == f"Your teacher moved you to {SC.seat_name(SeatId(to_seat))} at table {other}."
        )
        assert app.session.connection.room == other
        token = app.session.connection.token
        kept = seats.all()
        assert list(kept) == [seat_key(embedded.url, other)], "the old room's key is gone"
        assert (
            kept[seat_key(embedded.url, other)].seat,
            kept[seat_key(embedded.url, other)].token,
        ) == (
            to_seat,
            token,
        )
        assert app.session.key == seat_key(embedded.url, other)

        assert console.control({"do": "bot", "seat": to_seat}, other) == {other: "ok"}
        watching = shown_table(app, lambda t: t is not new)
        assert watching.view.viewer == "spectator"
        assert watching.toast is not None
        assert watching.toast.text == (
            f"Your teacher gave your seat to a bot: you are watching table {other}."
        )
        assert not watching.actions.pass_button.is_enabled
        _drawn(watching)  # a spectator's table draws (no seat of its own, no brief)
    finally:
        app.close()


def test_a_removed_student_goes_back_to_the_lobby_and_does_not_come_back(
    display: pygame.Surface, embedded: EmbeddedServer, console: Console, seats: SeatFile
) -> None:
    """The teacher takes the student out of the seat: the client says so in the lobby,
    with the fields as the student typed them, forgets the seat's token, and does not
    try to join again."""
    app = ClientApp(SC, seats=seats)
    try:
        app.show_lobby(LobbyDefaults(url=embedded.url, room=console.code.lower(), name="Ann"))
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        assert lobby.join_room()
        for event in pygame.event.get():
            app.dispatch(event)
        table = shown_table(app)
        assert app.session is not None
        room, seat = app.session.connection.room, table.view.viewer
        assert list(seats.all()) == [seat_key(embedded.url, room)]
        assert console.control({"do": "remove", "seat": seat, "name": "Ann"}, room) == {room: "ok"}
        until(app, lambda: isinstance(app.screen, LobbyScreen), "no lobby")
        back = app.screen
        assert isinstance(back, LobbyScreen)
        said = f"Your teacher took you out of {SC.seat_name(SeatId(seat))} in room {room}."
        assert back.classroom.error_text == said
        assert back.classroom.room_entry.get_text() == console.code.lower()
        assert back.classroom.name_entry.get_text() == "Ann"
        assert back.classroom.seat_menu.selected_option[1] == ANY_SEAT
        assert seats.all() == {}, "the token is forgotten"
        assert app.session is None
        end = time.monotonic() + 1.5
        while time.monotonic() < end:  # long enough for several reconnection attempts
            app.frame()
        assert app.screen is back and app.session is None

        async def seated() -> int:
            assert embedded.lobby is not None
            return sum(len(names) for names in embedded.lobby.rooms[room].holders.values())

        assert embedded.run(seated()) == 0, "the student did not join again"
    finally:
        app.close()


def test_the_lobby_finds_a_seat_held_through_a_class_code(display: pygame.Surface) -> None:
    """Typing the class code of a class where this user holds a seat (kept under its
    table's room) picks that seat and says at which table it is."""
    manager = make_manager((1280, 800))
    held = {"ws://10.0.0.5:8765/K7QM2": SavedSeat("investors", "secret", "Ann", via="HRT42")}
    defaults = LobbyDefaults(url="ws://10.0.0.5:8765", room="hrt42")
    screen = LobbyScreen(manager, SC, (1280, 800), defaults=defaults, saved=held)
    card = screen.classroom
    assert card.seat_menu.selected_option[1] == "investors"
    assert card.name_entry.get_text() == "Ann"
    assert card.notice == (
        "You have a seat in this class: Investors at table K7QM2 (as Ann)."
        " Join takes you back to it."
    )
    other = LobbyScreen(
        manager, SC, (1280, 800), defaults=LobbyDefaults(url="ws://10.0.0.6:8765", room="HRT42"),
        saved=held,
    )  # fmt: skip
    assert other.classroom.notice == "" and other.classroom.seat_menu.selected_option[1] == ANY_SEAT


def test_divest_join_with_no_seat_offers_any_seat() -> None:
    """`divest join CODE` with no --seat opens the lobby on "Any seat"; --seat any with a
    name joins at once, asking for no seat."""
    url = "ws://10.0.0.5:8765/HRT42"
    assert join_step(url, None, None) == LobbyDefaults(url="ws://10.0.0.5:8765", room="HRT42")
    assert join_step(url, None, "Ann") == LobbyDefaults(
        url="ws://10.0.0.5:8765", room="HRT42", name="Ann"
    )
    assert join_step(url, "any", "Ann") == JoinRoom(url, None, "Ann")
    assert join_step(url, "cfius", "Ann") == JoinRoom(url, "cfius", "Ann")
    assert join_step(url, "cfius", None) == LobbyDefaults(
        url="ws://10.0.0.5:8765", room="HRT42", class_seat="cfius"
    )


def test_a_removed_seats_connection_stops_and_forgets_its_token(
    embedded: EmbeddedServer, console: Console, seats: SeatFile
) -> None:
    """On its own (no window): the connection of a student taken out of the seat says
    why, stops for good, with no reconnecting, and its kept token is forgotten."""
    session = join_room(JoinRoom(f"{embedded.url}/{console.code}", None, "Ann"), seats)
    session.connection.start()
    try:
        items = _items(session.connection.inbox, lambda i: isinstance(i, ViewUpdate))
        view = next(i.view for i in items if isinstance(i, ViewUpdate))
        room = session.connection.room
        assert list(seats.all()) == [seat_key(embedded.url, room)]
        remove = {"do": "remove", "seat": view.viewer, "name": "Ann"}
        name = SC.seat_name(SeatId(view.viewer))
        assert console.control(remove, room) == {room: "ok"}
        items = _items(
            session.connection.inbox, lambda i: isinstance(i, Status) and i.state == "closed"
        )
        assert (
            ErrorNotice("removed", f"your teacher took you out of {name} in room {room}") in items
        )
        time.sleep(1.0)  # several reconnection delays
        later = []
        while not session.connection.inbox.empty():
            later.append(session.connection.inbox.get_nowait())
        assert later == [], "nothing after the end: no reconnecting"
        assert seats.all() == {}
    finally:
        session.close()


def _items(inbox: queue.Queue[Inbound], last: Callable[[Inbound], bool]) -> list[Inbound]:
    """What the connection delivers, up to the first item for which ``last`` holds."""
    items: list[Inbound] = []
    end = time.monotonic() + 10
    while not items or not last(items[-1]):
        try:
            items.append(inbox.get(timeout=max(0.01, end - time.monotonic())))
        except queue.Empty:
            raise AssertionError(f"not yet, after {items}") from None
    return items
