"""The client's server connection against a real (embedded) server, and room addresses."""

from __future__ import annotations

import asyncio
import json
import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from websockets.asyncio.server import ServerConnection, serve

from divestiture.client.embedded import EmbeddedServer
from divestiture.client.net import ErrorNotice, EventLines, Inbound, Status, TeamChat, ViewUpdate
from divestiture.client.ws import RemoteConnection, parse_join_url
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.actions import Pass, UseLever
from divestiture.game.narration import event_text
from divestiture.game.types import SeatId
from divestiture.server.host import HOST_TOKEN_FILE
from divestiture.server.protocol import BotSpec, RoomOptions

SC = load_scenario(DEFAULT_SCENARIO)

MS = SeatId("microsoft")
OTHERS = ("white_house", "cfius", "bytedance", "investors")
_I = TypeVar("_I", bound=Inbound)


@pytest.fixture
def room(embedded: EmbeddedServer) -> str:
    """A room where bots play every seat but Microsoft, at once."""
    options = RoomOptions(seed=1, bots={SeatId(s): BotSpec() for s in OTHERS}, bot_delay=0)
    code, _ = embedded.create_room(options)
    return code


@pytest.fixture
def conn(embedded: EmbeddedServer, room: str) -> Iterator[RemoteConnection]:
    """Microsoft's connection, closed after the test."""
    c = RemoteConnection(embedded.url, room, MS, "Ann")
    c.start()
    yield c
    c.close()


def until(
    c: RemoteConnection,
    kind: type[_I],
    test: Callable[[_I], bool] = lambda _: True,
    log: list[Inbound] | None = None,
) -> _I:
    """The first inbox item of ``kind`` passing ``test`` within 8 s, skipping (and logging)
    the rest."""
    end = time.monotonic() + 8
    while (left := end - time.monotonic()) > 0:
        try:
            item = c.inbox.get(timeout=left)
        except queue.Empty:
            break
        if log is not None:
            log.append(item)
        if isinstance(item, kind) and test(item):
            return item
    raise AssertionError(f"no {kind.__name__} arrived")


def waiting(view_update: ViewUpdate) -> bool:
    return any(s.id == MS and s.waiting for s in view_update.view.seats)


def moved_on(first: ViewUpdate) -> Callable[[ViewUpdate], bool]:
    """A view where Microsoft has passed (or the phase ended, which waits on its pass)."""
    return lambda u: not waiting(u) or u.view.phase != first.view.phase


def seen_ids(embedded: EmbeddedServer, room: str) -> set[str]:
    """The ids of Microsoft's actions the server stored, read on the server's loop."""

    async def read() -> set[str]:
        assert embedded.lobby is not None
        return {cid for actor, cid in embedded.lobby.rooms[room].seen if actor == MS}

    return embedded.run(read())


def test_join_delivers_status_and_own_view(conn: RemoteConnection) -> None:
    """Joining reports connected and delivers Microsoft's own view with its brief."""
    assert until(conn, Status, lambda s: s.state == "connected")
    update = until(conn, ViewUpdate)
    assert update.view.viewer == MS
    assert update.view.brief is not None and update.view.brief.seat == MS
    assert conn.token


def test_sent_action_reaches_the_server(
    conn: RemoteConnection, embedded: EmbeddedServer, room: str
) -> None:
    """A pass sent from this thread is stored by the server, acknowledged and shown."""
    first = until(conn, ViewUpdate, waiting)
    conn.send(Pass())
    until(conn, ViewUpdate, moved_on(first))
    assert len(seen_ids(embedded, room)) == 1
    end = time.monotonic() + 5
    while conn.unacked and time.monotonic() < end:
        time.sleep(0.01)
    assert conn.unacked == ()


def test_refused_action_keeps_the_connection(
    conn: RemoteConnection, embedded: EmbeddedServer, room: str
) -> None:
    """A lever Microsoft does not hold is refused with not_your_turn; a pass still works."""
    first = until(conn, ViewUpdate, waiting)
    conn.send(UseLever(lever="open_review"))
    error = until(conn, ErrorNotice)
    assert error.code == "not_your_turn"
    conn.send(Pass())
    until(conn, ViewUpdate, moved_on(first))
    assert len(seen_ids(embedded, room)) == 1
    assert conn.unacked == ()


def visible_lines(embedded: EmbeddedServer, room: str, version: int) -> list[str]:
    """Every event line Microsoft may see up to ``version``, from the server's log."""

    async def read() -> list[str]:
        assert embedded.lobby is not None
        events = embedded.lobby.rooms[room].events
        return [
            event_text(SC, e.data)
            for v, e in events
            if v <= version and e.visible(MS) and e.kind != "rationale"
        ]

    return embedded.run(read())


def test_reconnects_after_the_server_restarts(
    conn: RemoteConnection, embedded: EmbeddedServer, room: str
) -> None:
    """A restart shows reconnecting, then connected, a fresh view, and a queued pass lands once."""
    log: list[Inbound] = []
    first = until(conn, ViewUpdate, waiting, log)
    embedded.stop()
    until(conn, Status, lambda s: s.state == "reconnecting" and s.attempt >= 1, log)
    conn.send(Pass())  # waits in the outbox while the server is away
    embedded.start()  # the same port and data directory: the room is loaded back
    until(conn, Status, lambda s: s.state == "connected", log)
    until(conn, ViewUpdate, log=log)
    last = until(conn, ViewUpdate, moved_on(first), log)
    assert len(seen_ids(embedded, room)) == 1
    # The resume's history view repeats nothing: each line arrived exactly once.
    lines = [line for item in log[:-1] if isinstance(item, EventLines) for line in item.lines]
    assert lines == visible_lines(embedded, room, last.view.version)


def test_team_line_comes_back_from_the_server(conn: RemoteConnection) -> None:
    """A team line goes through the server and returns as TeamChat under the seat's name."""
    until(conn, Status, lambda s: s.state == "connected")
    conn.send_team("  we can go to 28  ")
    chat = until(conn, TeamChat)
    assert (chat.sender, chat.text) == ("Ann", "we can go to 28")


def test_refused_seat_closes(embedded: EmbeddedServer, room: str) -> None:
    """A bot's seat is refused for good: an ErrorNotice, then closed, and no retrying."""
    c = RemoteConnection(embedded.url, room, SeatId("cfius"), "Bo")
    c.start()
    try:
        assert until(c, ErrorNotice).code == "seat_taken"
        assert until(c, Status).state == "closed"
    finally:
        c.close()
        c.close()  # twice is fine


def test_closed_seats_stop_the_join_and_say_why(embedded: EmbeddedServer) -> None:
    """When the teacher has closed the seats, a join is refused for good (no retrying):
    an ErrorNotice that tells the student to ask the teacher, then closed."""
    from divestiture.server.client import open_connection, receive, send
    from divestiture.server.protocol import LockSeats, Resume

    code, token = embedded.create_room(RoomOptions(seed=1))

    async def close_seats() -> None:
        ws = await open_connection(embedded.url)
        try:
            await send(ws, Resume(room=code, token=token))
            await receive(ws)  # joined as the facilitator
            await send(ws, LockSeats(locked=True))
            while (await receive(ws)).type != "presence":
                pass
        finally:
            await ws.close()

    embedded.run(close_seats())
    c = RemoteConnection(embedded.url, code, MS, "Ann")
    c.start()
    try:
        notice = until(c, ErrorNotice)
        assert notice.code == "seats_locked" and "teacher" in notice.message
        assert until(c, Status).state == "closed"
    finally:
        c.close()


async def test_unacked_action_is_resent_with_its_id() -> None:
    """After a drop before the ack, the action goes again under the same id, after a resume."""
    got: list[dict[str, Any]] = []

    async def handler(ws: ServerConnection) -> None:
        async for frame in ws:
            msg = json.loads(frame)
            got.append(msg)
            reply: dict[str, Any] = {"type": "welcome", "server": "fake"}
            if msg["type"] in ("join", "resume"):
                reply = {"type": "joined", "room": "ABCDE", "role": "microsoft", "name": "Ann"}
                reply["token"] = "t0k"
            elif msg["type"] == "act":
                await ws.close()  # drop before the ack
                return
            await ws.send(json.dumps(reply))

    async with serve(handler, "127.0.0.1", 0) as srv:
        port = srv.sockets[0].getsockname()[1]
        c = RemoteConnection(f"ws://127.0.0.1:{port}", "abcde", MS, "Ann")
        c.start()
        try:
            await asyncio.to_thread(until, c, Status, lambda s: s.state == "connected")
            c.send(Pass())
            await asyncio.to_thread(until, c, Status, lambda s: s.state == "connected")
            await asyncio.to_thread(until, c, Status, lambda s: s.state == "reconnecting")
        finally:
            await asyncio.to_thread(c.close)
    kinds = [m["type"] for m in got]
    assert kinds[:6] == ["hello", "join", "act", "hello", "resume", "act"]
    assert got[4]["token"] == "t0k" and got[4]["room"] == "ABCDE"
    assert got[2]["id"] == got[5]["id"]


async def test_team_history_after_a_drop_shows_only_new_lines() -> None:
    """Team lines are numbered: after a drop, the history (the seat's latest lines) shows
    only the lines the client has not shown yet, however long the channel is."""

    def line(n: int, history: bool = False) -> str:
        return json.dumps(
            {
                "type": "team",
                "seat": "microsoft",
                "sender": "Bo",
                "text": f"line {n}",
                "history": history,
                "n": n,
            }
        )

    async def handler(ws: ServerConnection) -> None:
        async for frame in ws:
            msg = json.loads(frame)
            if msg["type"] == "hello":
                await ws.send(json.dumps({"type": "welcome", "server": "fake"}))
            elif msg["type"] == "join":
                joined = {"type": "joined", "room": "ABCDE", "role": "microsoft", "name": "Ann"}
                await ws.send(json.dumps({**joined, "token": "t0k"}))
                for n in range(1, 251):  # a long channel, live
                    await ws.send(line(n))
                await ws.close()  # then the line drops
                return
            elif msg["type"] == "resume":
                joined = {"type": "joined", "room": "ABCDE", "role": "microsoft", "name": "Ann"}
                await ws.send(json.dumps(joined))
                for n in range(54, 254):  # the latest 200, three of them said meanwhile
                    await ws.send(line(n, history=True))

    async with serve(handler, "127.0.0.1", 0) as srv:
        port = srv.sockets[0].getsockname()[1]
        c = RemoteConnection(f"ws://127.0.0.1:{port}", "abcde", MS, "Ann")
        c.start()
        log: list[Inbound] = []
        try:
            await asyncio.to_thread(until, c, TeamChat, lambda t: t.text == "line 253", log)
        finally:
            await asyncio.to_thread(c.close)
    shown = [item.text for item in log if isinstance(item, TeamChat)]
    assert shown == [f"line {n}" for n in range(1, 254)]  # each once, in order


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ws://10.0.0.5:8765/g8h3f", ("ws://10.0.0.5:8765", "G8H3F")),
        (" ws://host:1/ROOM7/ ", ("ws://host:1", "ROOM7")),
        ("wss://example.org/ABCDE", ("wss://example.org", "ABCDE")),
    ],
)
def test_parse_join_url(text: str, expected: tuple[str, str]) -> None:
    """A room address splits into the server's URL and the upper-cased room code."""
    assert parse_join_url(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("10.0.0.5:8765/G8H3F", "no ws://"),
        ("http://10.0.0.5:8765/G8H3F", "http://"),
        ("ws://10.0.0.5:8765", "no room code"),
        ("ws://10.0.0.5:8765/", "no room code"),
        ("ws://10.0.0.5:8765/a/b", "not a room code"),
        ("", "no ws://"),
    ],
)
def test_parse_join_url_refuses(text: str, says: str) -> None:
    """Anything but ws(s)://HOST[:PORT]/ROOM is refused with a message that says why."""
    with pytest.raises(ValueError, match=says):
        parse_join_url(text)


def test_the_embedded_server_keeps_its_host_token_to_itself(
    embedded: EmbeddedServer, room: str, tmp_path: Path
) -> None:
    """A solo game's server opens its rooms with a host token only it holds: none is kept
    in its data directory, and another client opening a room is refused."""
    from websockets.sync.client import connect

    assert room and not (tmp_path / "server" / HOST_TOKEN_FILE).exists()
    with connect(embedded.url) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1}))
        ws.recv(5)
        ws.send(json.dumps({"type": "create_room"}))
        assert json.loads(ws.recv(5))["code"] == "not_host"
