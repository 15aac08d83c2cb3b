"""Seat tokens kept on disk: a student who quits comes back to the same seat."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
import time
from pathlib import Path

import pygame
import pygame_gui
import pytest

from divestiture.client.app import ClientApp
from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom
from divestiture.client.net import ErrorNotice, Inbound, ViewUpdate
from divestiture.client.saved import SavedSeat, SeatFile, seat_key
from divestiture.client.screens.lobby import LobbyScreen
from divestiture.client.session import join_room
from divestiture.client.theme import make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.server.protocol import RoomOptions
from tests.client.frames import shown_table

SC = load_scenario(DEFAULT_SCENARIO)


@pytest.fixture
def room(embedded: EmbeddedServer) -> tuple[str, str]:
    """A room with no bots: its code and the facilitator's token."""
    return embedded.create_room(RoomOptions(seed=1))


def _close_seats(embedded: EmbeddedServer, code: str, facilitator: str) -> None:
    """The teacher closes the room's seats (a join is refused from then on)."""
    from divestiture.server.client import open_connection, receive, send
    from divestiture.server.protocol import LockSeats, Resume

    async def close() -> None:
        ws = await open_connection(embedded.url)
        try:
            await send(ws, Resume(room=code, token=facilitator))
            await receive(ws)
            await send(ws, LockSeats(locked=True))
            while (await receive(ws)).type != "presence":
                pass
        finally:
            await ws.close()

    embedded.run(close())


def _saved_json(path: Path) -> dict[str, dict[str, object]]:
    seats = json.loads(path.read_text())["seats"]
    assert isinstance(seats, dict)
    return seats


def test_a_joined_seat_keeps_its_token_in_a_private_file(
    display: pygame.Surface,
    embedded: EmbeddedServer,
    room: tuple[str, str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Joining a room writes the server's token for the seat to the seats file, under the
    server's address and the room code, readable by its owner only, and logs no token."""
    code, _ = room
    path = tmp_path / "config" / "seats.json"
    app = ClientApp(SC, seats=SeatFile(path))
    try:
        with caplog.at_level(logging.DEBUG, logger="divest"):
            app.on_intent(JoinRoom(f"{embedded.url}/{code}", "microsoft", "Ann"))
            assert shown_table(app).view.viewer == "microsoft"
        assert app.session is not None
        token = app.session.connection.token
        assert token and token not in caplog.text
    finally:
        app.close()
    seats = _saved_json(path)
    assert list(seats) == [f"{embedded.url}/{code}"]
    entry = seats[f"{embedded.url}/{code}"]
    assert (entry["seat"], entry["token"], entry["name"]) == ("microsoft", token, "Ann")
    assert entry["stands"] == "Monday, day 1 of 5"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert token not in repr(SeatFile(path).get(f"{embedded.url}/{code}"))
    assert [p.name for p in path.parent.iterdir()] == ["seats.json"]  # no temporary left


def test_coming_back_resumes_the_seat_after_the_seats_close(
    display: pygame.Surface, embedded: EmbeddedServer, room: tuple[str, str], tmp_path: Path
) -> None:
    """A student who quit joins the same room again after the teacher closed the seats:
    the client resumes the seat with its kept token, and the table opens, no refusal."""
    code, facilitator = room
    seats = SeatFile(tmp_path / "seats.json")
    first = ClientApp(SC, seats=seats)
    try:
        first.on_intent(JoinRoom(f"{embedded.url}/{code}", "bytedance", "Bo"))
        shown_table(first)
    finally:
        first.close()
    _close_seats(embedded, code, facilitator)
    again = ClientApp(SC, seats=seats)
    try:
        again.on_intent(JoinRoom(f"{embedded.url}/{code.lower()}", "bytedance", "Bo"))
        table = shown_table(again)
        assert table.view.viewer == "bytedance"
        assert table.toast is None  # nothing was refused
    finally:
        again.close()


def test_a_token_the_server_refuses_falls_back_to_a_join_and_says_why(
    embedded: EmbeddedServer, room: tuple[str, str], tmp_path: Path
) -> None:
    """A kept token the server does not know is dropped: the seat is joined instead, the
    student is told why in words, and the new token replaces the old in the file."""
    code, _ = room
    seats = SeatFile(tmp_path / "seats.json")
    key = seat_key(embedded.url, code)
    seats.put(key, SavedSeat("microsoft", "not-a-token-of-this-room", "Ann"))
    session = join_room(JoinRoom(f"{embedded.url}/{code}", "microsoft", "Ann"), seats)
    session.connection.start()
    try:
        items: list[Inbound] = []
        deadline = time.monotonic() + 10
        while not any(isinstance(i, ViewUpdate) for i in items):
            assert time.monotonic() < deadline, f"no view: {items}"
            items.append(session.connection.inbox.get(timeout=deadline - time.monotonic()))
    finally:
        session.close()
    (notice,) = [i for i in items if isinstance(i, ErrorNotice)]
    assert notice.code == "resume_refused"
    assert f"did not take back your saved seat in room {code}" in notice.message
    assert notice.message.endswith(": joining it again as Ann.")
    kept = seats.get(key)
    assert kept is not None and kept.token == session.connection.token
    assert kept.token != "not-a-token-of-this-room"


def test_the_lobby_offers_the_seat_held_in_the_room_typed(display: pygame.Surface) -> None:
    """Typing the server and room of a seat this user holds picks that seat, fills the
    name and says that Join goes back to it; another room says nothing."""
    manager = make_manager((1280, 800))
    held = {"ws://10.0.0.5:8765/K7QM2": SavedSeat("investors", "secret", "Ann")}
    screen = LobbyScreen(manager, SC, (1280, 800), saved=held)
    changed = pygame_gui.UI_TEXT_ENTRY_CHANGED
    screen.classroom.url_entry.set_text("ws://10.0.0.5:8765")
    screen.classroom.room_entry.set_text("k7qm2")
    screen.handle(pygame.event.Event(changed, ui_element=screen.classroom.room_entry, text="k7qm2"))
    assert screen.classroom.seat_menu.selected_option[1] == "investors"
    shown = screen.classroom.seat_menu.current_state.selected_option_button  # type: ignore[union-attr]
    assert shown is not None and shown.text == "Investors"
    assert screen.classroom.name_entry.get_text() == "Ann"
    assert screen.classroom.notice.startswith("You have a seat in this room: Investors (as Ann)")
    screen.classroom.room_entry.set_text("ABCD")
    screen.handle(pygame.event.Event(changed, ui_element=screen.classroom.room_entry, text="ABCD"))
    assert screen.classroom.notice == ""


def test_a_corrupt_or_missing_file_is_passed_over_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A missing file holds no seats; a file that is not JSON is named in one warning
    (not its contents), holds no seats, and is written whole again on the next save."""
    missing = SeatFile(tmp_path / "none" / "seats.json")
    with caplog.at_level(logging.INFO, logger="divest"):
        assert missing.all() == {}
    assert f"no saved seats yet in {missing.path}" in caplog.text
    path = tmp_path / "seats.json"
    path.write_text('{"format": 1, "seats": {"ws://h:1/ABCD": {"token": "leak-me"')
    seats = SeatFile(path)
    with caplog.at_level(logging.DEBUG):
        assert seats.get("ws://h:1/ABCD") is None
    assert str(path) in caplog.text and "not valid JSON" in caplog.text
    assert "leak-me" not in caplog.text
    seats.put("ws://h:1/ABCD", SavedSeat("cfius", "t2", "Cy"))
    assert _saved_json(path)["ws://h:1/ABCD"]["token"] == "t2"
    path.write_text('{"format": 1, "seats": {"a": {"seat": "cfius"}, "b": 3}}')
    caplog.clear()
    assert seats.all() == {}
    assert "2 saved seat(s) were incomplete" in caplog.text


def test_the_table_says_why_a_kept_seat_was_joined_again(
    display: pygame.Surface, embedded: EmbeddedServer, room: tuple[str, str], tmp_path: Path
) -> None:
    """When the server refuses the kept token, the table that opens after the join says
    so (the notice came while the window still showed "Joining")."""
    code, _ = room
    seats = SeatFile(tmp_path / "seats.json")
    seats.put(seat_key(embedded.url, code), SavedSeat("investors", "stale-token", "Ann"))
    app = ClientApp(SC, seats=seats)
    try:
        app.on_intent(JoinRoom(f"{embedded.url}/{code}", "investors", "Ann"))
        table = shown_table(app)
        assert table.toast is not None
        assert table.toast.text.startswith(
            f"The server did not take back your saved seat in room {code}"
        )
    finally:
        app.close()
