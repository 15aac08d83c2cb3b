"""Faults over real sockets: a store that fails, a room that no longer loads, a bad
bot request, a reader that falls behind. Each is contained and changes nothing else."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import sqlite3
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from divestiture.game.actions import Pass, Sign
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.types import SeatId, SheetId
from divestiture.game.views import GameView
from divestiture.server import app, backoff, bot_runner, rooms, team
from divestiture.server.app import start_server, stop_server
from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, Peer, Running

DB = "divestiture.sqlite3"


def _rows(data: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data / DB) as db:
        return db.execute(sql, args).fetchall()


async def _facilitator(url: str, **options: Any) -> tuple[Peer, str]:
    admin = await Peer.open(url)
    created = await admin.create(seed=3, **options)
    await admin.send(
        {"type": "resume", "room": created["room"], "token": created["facilitator_token"]}
    )
    await admin.expect("joined", role="facilitator")
    await admin.expect("presence")
    return admin, created["room"]


# -- the store ---------------------------------------------------------------------------


async def test_a_failed_commit_is_rolled_back_and_the_next_action_is_stored(
    server: Running, peers: list[Peer]
) -> None:
    """COMMIT fails once (the database is locked): that action gets storage_failed with
    its id and changes nothing; the transaction is rolled back, so the next is stored."""
    admin = await Peer.open(server.url)
    code = (await admin.create(seed=3))["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(code, "microsoft")
    room = server.lobby.rooms[code]
    store = server.lobby.store._store
    real = store.db

    class Flaky:
        failed = False

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql == "COMMIT" and not Flaky.failed:
                Flaky.failed = True
                raise sqlite3.OperationalError("database is locked")
            return real.execute(sql, *args)

    store.db = Flaky()  # type: ignore[assignment]
    try:
        before = room.state
        said = {"type": "statement", "text": "First."}
        await ann.send({"type": "act", "id": "a1", "action": said})
        error = await ann.expect("error")
        assert error["code"] == "storage_failed" and error["id"] == "a1"
        assert room.state is before
        said = {"type": "statement", "text": "Second."}
        await ann.send({"type": "act", "id": "a2", "action": said})
        assert (await ann.expect("ack"))["id"] == "a2"
    finally:
        store.db = real
    logged = _rows(server.data, "SELECT client_id FROM actions WHERE room = ?", code)
    assert logged == [("a2",)]


async def test_the_timer_tries_again_when_the_store_fails(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails as the phase timer runs out: the timer tries again and the
    phase still ends (the timer task does not die)."""
    monkeypatch.setattr(backoff, "RETRY_FIRST", 0.05, raising=False)
    append = Store.append
    failed: list[str] = []

    def flaky(self: Store, room: str, entry: Any, *args: Any) -> None:
        if entry.actor == "facilitator" and not failed:
            failed.append(entry.client_id)
            raise sqlite3.OperationalError("disk I/O error")
        append(self, room, entry, *args)

    monkeypatch.setattr(Store, "append", flaky)
    admin = await Peer.open(server.url)
    created = await admin.create(seed=8, phase_seconds={"negotiate": 0.2})
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(created["room"], "cfius")  # and never acts
    after = await ann.until_view(lambda v: v["phase"] != "negotiate", timeout=10)
    assert failed and after["view"]["round"] == 1


class Clumsy:
    """A bot whose first move the rules refuse (a sheet that does not exist)."""

    first_memory = Memory.of(random.Random(0))

    def __init__(self) -> None:
        self.moves = 0  # its decisions, made or not

    def decide(self, view: GameView, memory: Memory) -> Decision:
        self.moves += 1
        return Decision(Sign(sheet=SheetId("ts-99")) if self.moves == 1 else Pass(), memory)


async def test_a_bot_goes_on_after_the_store_fails_on_its_fallback(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot's move is refused and the store then fails on the pass it falls back to:
    the room's bots go on after a pause instead of stopping for good."""
    monkeypatch.setattr(backoff, "RETRY_FIRST", 0.05, raising=False)
    monkeypatch.setattr(bot_runner, "make_bot", lambda *_: Clumsy())
    append = Store.append
    failed: list[str] = []

    def flaky(self: Store, room: str, entry: Any, *args: Any) -> None:
        if entry.client_id.endswith(":pass") and not failed:
            failed.append(entry.client_id)
            raise sqlite3.OperationalError("disk I/O error")
        append(self, room, entry, *args)

    monkeypatch.setattr(Store, "append", flaky)
    admin = await Peer.open(server.url)
    peers.append(admin)
    code = (await admin.create(seed=3, bots={"cfius": {}}))["room"]
    room = server.lobby.rooms[code]
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not room.state.seats[SeatId("cfius")].passed:
        assert loop.time() < end, "the bot stopped"
        await asyncio.sleep(0.02)
    assert failed


async def test_room_creation_is_all_or_nothing(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If storing any part of a new room fails (here its facilitator token), nothing
    of it is stored: no orphan room without a token."""

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add_token", full)
    admin = await Peer.open(server.url)
    peers.append(admin)
    options = {"seed": 3, "bots": {"cfius": {}}}
    await admin.send({"type": "create_room", "options": options, "host_token": HOST_TOKEN})
    assert (await admin.expect("error"))["code"] == "storage_failed"
    assert not server.lobby.rooms
    for table in ("rooms", "bots", "tokens"):
        assert _rows(server.data, f"SELECT count(*) FROM {table}") == [(0,)], table


# -- loading -----------------------------------------------------------------------------


async def test_a_room_that_cannot_be_loaded_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After a restart, a room whose log no longer replays is skipped with a log line
    naming it and why; its data is kept, the server starts and serves the others."""
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
    admin = await Peer.open(url)
    broken = (await admin.create(seed=3))["room"]
    good = (await admin.create(seed=4))["room"]
    await admin.close()
    await stop_server(srv, lobby, store)
    with sqlite3.connect(tmp_path / DB) as db:  # an action this engine refuses
        db.execute(
            "INSERT INTO actions (room, version, actor, client_id, action, at)"
            " VALUES (?, 1, 'microsoft', 'x', ?, 0)",
            (broken, json.dumps({"type": "sign", "sheet": "ts-99"})),
        )
    caplog.set_level(logging.INFO, logger="divest.server")
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    try:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        assert good in lobby.rooms and broken not in lobby.rooms
        lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert any(broken in line and "ts-99" in line for line in lines), lines
        peer = await Peer.open(url)
        await peer.send({"type": "watch", "room": good})
        await peer.expect("joined", role="spectator")
        await peer.send({"type": "watch", "room": broken})
        assert (await peer.expect("error"))["code"] == "room_unavailable"
        await peer.close()
    finally:
        await stop_server(srv, lobby, store)
    assert _rows(tmp_path, "SELECT count(*) FROM actions WHERE room = ?", broken) == [(1,)]
    assert _rows(tmp_path, "SELECT count(*) FROM rooms WHERE code = ?", broken) == [(1,)]


@pytest.mark.parametrize(
    "bots",
    [
        {"seats": ["cfius"], "bot": {"personality": "zzz"}},
        {"seats": ["cfius", "bytedance"], "bot": {"personality": "strict"}},  # not bytedance's
    ],
)
async def test_a_bad_bot_request_changes_nothing(tmp_path: Path, bots: dict[str, Any]) -> None:
    """add_bots with a personality the rules do not have gets invalid_bot on an open
    connection; nothing is stored (not even the good seats), and a restart on the same
    data directory loads the room."""
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
    try:
        admin, code = await _facilitator(url)
        await admin.send({"type": "add_bots", **bots})
        error = await admin.expect("error")
        assert error["code"] == "invalid_bot" and "not a personality" in error["message"]
        await admin.send({"type": "hello", "protocol": 1})
        await admin.expect("welcome")
        assert not lobby.rooms[code].bots
        await admin.close()
    finally:
        await stop_server(srv, lobby, store)
    assert _rows(tmp_path, "SELECT count(*) FROM bots") == [(0,)]
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    try:
        assert code in lobby.rooms
    finally:
        await stop_server(srv, lobby, store)


# -- a reader that falls behind ----------------------------------------------------------


def _hang_up(*opened: Peer) -> None:
    """Drop these connections at once (they have unread messages, so a polite close
    would wait for its timeout)."""
    for peer in opened:
        peer.ws.transport.abort()


def _queued(conn: Any) -> int:
    out = conn._out
    return len(out) if isinstance(out, deque) else int(out.qsize())


def _choke(room: rooms.Room, seat: str) -> Any:
    """The server's connection for ``seat``, with small send buffers (so that a peer
    that does not read makes messages wait in the server's own queue soon)."""
    conn = next(m for m in room.members if m.role == seat)
    transport = conn.ws.transport  # type: ignore[attr-defined]
    transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    transport.set_write_buffer_limits(high=1024)
    return conn


async def _slow_reader(url: str, room: str, seat: str) -> Peer:
    """A peer in ``seat`` with tiny socket buffers and no compression: it reads the
    room's first messages, then nothing until told to."""
    host, port = url.removeprefix("ws://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    peer = Peer(await connect(url, sock=sock, max_size=None, max_queue=1, compression=None))
    await peer.send({"type": "hello", "protocol": 1})
    await peer.expect("welcome")
    await peer.join(room, seat, "Slow")
    await peer.expect("presence")
    return peer


async def test_a_slow_reader_gets_the_latest_view_not_a_backlog(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Views pile up for a connection that does not read: the queue stays bounded (only
    the latest view waits, with every event line of those it replaced), and when the
    reader catches up it has missed no line."""
    monkeypatch.setattr(app, "BEHIND", 4, raising=False)
    admin = await Peer.open(server.url)
    peers.append(admin)
    code = (await admin.create(seed=3))["room"]
    slow = await _slow_reader(server.url, code, "microsoft")
    peers.append(slow)
    room = server.lobby.rooms[code]
    conn = _choke(room, "microsoft")
    talkers = []
    for seat in ("white_house", "cfius", "bytedance"):
        talker = await Peer.open(server.url)
        peers.append(talker)
        await talker.join(code, seat, seat)
        talkers.append(talker)
    texts = []
    most = 0
    for n in range(10):
        for talker, seat in zip(talkers, ("white_house", "cfius", "bytedance"), strict=True):
            text = f"{seat} line {n} " + "x" * 200
            texts.append(text)
            # Private messages to the slow reader: the rules allow twelve a phase.
            private = {"type": "message", "to": ["microsoft"], "text": text}
            act = {"type": "act", "id": f"s{n}", "action": private}
            await talker.send(act)
            await talker.expect("ack")
            most = max(most, _queued(conn))
    assert 1 < most <= 4 + 1, most  # it did fall behind, and no further than BEHIND
    lines: list[str] = []
    while True:
        message = await slow.next()
        if message["type"] == "view":
            lines += [event["text"] for event in message["events"]]
            if message["version"] == room.state.version:
                break
    said = [line for line in lines if " line " in line]
    assert len(said) == len(texts) and all(t in s for t, s in zip(texts, said, strict=True))
    _hang_up(slow, *talkers)


async def test_a_reader_far_behind_is_closed_and_resumes(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Team lines (never dropped) pile up for a connection that does not read: past the
    limit it is closed with 1013, and it resumes with its token to the whole story."""
    monkeypatch.setattr(app, "FAR_BEHIND", 16, raising=False)
    monkeypatch.setattr(team, "TEAM_REPLAY", 5, raising=False)  # entering sends less
    admin = await Peer.open(server.url)
    peers.append(admin)
    code = (await admin.create(seed=3))["room"]
    slow = await _slow_reader(server.url, code, "microsoft")
    token = next(m for m in slow.received if m["type"] == "joined")["token"]
    _choke(server.lobby.rooms[code], "microsoft")
    sent = []
    mates = []
    for name in ("Mate", "Pal"):
        mate = await Peer.open(server.url)
        peers.append(mate)
        mates.append(mate)
        await mate.join(code, "microsoft", name)
        for n in range(35):
            sent.append(f"{name} {n} " + "y" * 450)
            await mate.send({"type": "team", "text": sent[-1]})
            await mate.expect("team", text=sent[-1])
    with pytest.raises(ConnectionClosed):
        while True:
            await slow.next()
    assert slow.ws.close_code == 1013
    back = await Peer.open(server.url)
    peers.append(back)
    await back.send({"type": "resume", "room": code, "token": token})
    await back.expect("joined")
    await back.expect("presence")
    assert [m["text"] for m in back.received if m["type"] == "team"] == sent[-5:]
    _hang_up(*mates)


# -- team lines --------------------------------------------------------------------------


async def test_team_history_is_the_seats_last_lines(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On entering a room, a seat gets its last TEAM_REPLAY team lines, not all of them,
    each numbered as it was when it was said (so a client coming back skips what it has)."""
    monkeypatch.setattr(team, "TEAM_REPLAY", 5, raising=False)
    admin = await Peer.open(server.url)
    code = (await admin.create(seed=3))["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(code, "microsoft")
    for n in range(12):
        await ann.send({"type": "team", "text": f"note {n}"})
        await ann.expect("team", text=f"note {n}", n=n + 1)
    bob = await Peer.open(server.url)
    peers.append(bob)
    await bob.join(code, "microsoft", "Bob")
    await bob.expect("presence")
    history = [(m["text"], m["n"]) for m in bob.received if m["type"] == "team"]
    assert history == [(f"note {n}", n + 1) for n in range(7, 12)]
