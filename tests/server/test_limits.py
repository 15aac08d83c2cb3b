"""Per-address limits (server/limits.py), each checked with a small limit over real sockets
from 127.0.0.1; the defaults let a class of 30 on one address through."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from divestiture.server.limits import Bucket, Limits, Window, address_key
from tests.server.conftest import HOST_TOKEN, Peer, Running, running

DB = "divestiture.sqlite3"
SEATS = ("white_house", "cfius", "bytedance", "microsoft", "investors")


def _count(data: Path, sql: str) -> int:
    with sqlite3.connect(data / DB) as db:
        (n,) = db.execute(sql).fetchone()
        return int(n)


@pytest.fixture
async def opened() -> AsyncIterator[list[Peer]]:
    """Peers opened in a test, dropped after it (some have unread messages)."""
    peers: list[Peer] = []
    yield peers
    for peer in peers:
        peer.ws.transport.abort()


async def _open(url: str, opened: list[Peer], hello: bool = True) -> Peer:
    peer = await Peer.open(url, hello=hello)
    opened.append(peer)
    return peer


async def _closed(peer: Peer) -> tuple[int | None, str | None]:
    """Read until the server closes the connection: its close code and reason."""
    with pytest.raises(ConnectionClosed):
        while True:
            await peer.next()
    return peer.ws.close_code, peer.ws.close_reason


async def test_connections_per_address(tmp_path: Path, opened: list[Peer]) -> None:
    """Past connections_per_address open connections, a new one from the same address is
    closed with 1008 at once; when one closes, there is room again."""
    async with running(tmp_path, Limits(connections_per_address=2)) as server:
        first = await _open(server.url, opened)
        await _open(server.url, opened)
        third = await _open(server.url, opened, hello=False)
        code, reason = await _closed(third)
        assert code == 1008 and reason is not None and "too many connections" in reason
        await first.close()
        await asyncio.sleep(0.1)
        await _open(server.url, opened)  # it says hello and is welcomed


async def test_messages_per_address_are_shared_by_its_connections(
    tmp_path: Path, opened: list[Peer]
) -> None:
    """Three connections each under their own rate, but over the address's together: the
    frames past the address's burst get rate_limited, naming the address."""
    limits = Limits(messages_per_second=1, message_burst=10)
    async with running(tmp_path, limits) as server:
        peers = [await _open(server.url, opened, hello=False) for _ in range(3)]
        for peer in peers:
            for _ in range(6):  # 18 in all; each connection alone may send 40 at once
                await peer.send({"type": "hello", "protocol": 1})
        replies = [await peer.next() for peer in peers for _ in range(6)]
    limited = [r for r in replies if r["type"] == "error"]
    assert 5 <= len(limited) <= 8, replies  # 10 tokens, and a little refill
    assert all(r["code"] == "rate_limited" and "this address" in r["message"] for r in limited)


async def test_a_teachers_console_is_not_limited_by_the_students_at_its_address(
    tmp_path: Path, opened: list[Peer]
) -> None:
    """Students' connections have spent the address's messages; the console on the same
    address still has every control answered (only its own connection's rate counts)."""
    limits = Limits(messages_per_second=1, message_burst=10)
    async with running(tmp_path, limits) as server:
        console = await _open(server.url, opened)
        create = {"type": "create_class", "options": {"tables": 1}, "host_token": HOST_TOKEN}
        await console.send(create)
        await console.expect("class_created")
        students = [await _open(server.url, opened, hello=False) for _ in range(2)]
        for peer in students:
            for _ in range(8):
                await peer.send({"type": "hello", "protocol": 1})
        replies = [await peer.next() for peer in students for _ in range(8)]
        assert any(r["type"] == "error" and r["code"] == "rate_limited" for r in replies)
        for n in range(5):
            control = {"do": "announce", "text": f"Line {n}"}
            await console.send({"type": "control", "id": f"a{n}", "control": control})
            done = await console.expect("control_done", id=f"a{n}")
            assert set(done["results"].values()) == {"ok"}


async def test_an_address_flooding_together_is_closed_with_1008(
    tmp_path: Path, opened: list[Peer]
) -> None:
    """Connections that keep sending past their address's rate, each under its own, are
    closed with 1008 once the address is three bursts in debt."""
    limits = Limits(messages_per_second=1, message_burst=10)
    async with running(tmp_path, limits) as server:
        peers = [await _open(server.url, opened, hello=False) for _ in range(4)]
        for peer in peers:
            for _ in range(15):  # 60 in all: past 10 + 3 x 10 of debt
                await peer.send({"type": "hello", "protocol": 1})
        codes = []
        for peer in peers:
            try:
                while True:
                    await peer.next(timeout=2)
            except ConnectionClosed:
                codes.append(peer.ws.close_code)
            except TimeoutError:
                codes.append(None)
    assert 1008 in codes, codes


async def test_rooms_per_hour(tmp_path: Path, opened: list[Peer]) -> None:
    """Past rooms_per_hour, even the host token opens no room: too_many_rooms, nothing
    stored."""
    async with running(tmp_path, Limits(rooms_per_hour=2)) as server:
        admin = await _open(server.url, opened)
        await admin.create(seed=1)
        await admin.create(seed=2)
        await admin.send({"type": "create_room", "host_token": "x" * 32})
        assert (await admin.expect("error"))["code"] == "not_host"  # the token comes first
        await admin.send({"type": "create_room", "host_token": HOST_TOKEN})
        error = await admin.expect("error")
        assert error["code"] == "too_many_rooms" and "2 rooms" in error["message"]
        assert len(server.lobby.rooms) == 2
        assert _count(tmp_path, "SELECT COUNT(*) FROM rooms") == 2


def _seat_tokens(data: Path) -> int:
    return _count(data, "SELECT COUNT(*) FROM tokens WHERE role != 'facilitator'")


async def test_joins_per_room(tmp_path: Path, opened: list[Peer]) -> None:
    """Past joins_per_room in one room, a join from the address is refused with
    too_many_joins and no token is stored; a join that fails for another reason does not
    count, and another room can still be joined."""
    async with running(tmp_path, Limits(joins_per_room=2)) as server:
        admin = await _open(server.url, opened)
        room = (await admin.create(seed=1))["room"]
        other = (await admin.create(seed=2))["room"]
        peer = await _open(server.url, opened)
        await peer.send({"type": "join", "room": room, "seat": "congress", "name": "A"})
        assert (await peer.expect("error"))["code"] == "unknown_seat"
        await peer.join(room, "cfius", "Ann")
        await peer.join(room.lower(), "cfius", "Bob")  # the same room, however it is typed
        await peer.send({"type": "join", "room": room, "seat": "microsoft", "name": "Cy"})
        error = await peer.expect("error")
        assert error["code"] == "too_many_joins" and room in error["message"]
        assert _seat_tokens(tmp_path) == 2
        await peer.join(other, "cfius", "Cy")
        assert _seat_tokens(tmp_path) == 3


async def test_joins_per_hour(tmp_path: Path, opened: list[Peer]) -> None:
    """Past joins_per_hour over all rooms, a join is refused with too_many_joins and no
    token is stored."""
    async with running(tmp_path, Limits(joins_per_hour=3)) as server:
        admin = await _open(server.url, opened)
        rooms = [(await admin.create(seed=n))["room"] for n in (1, 2)]
        peer = await _open(server.url, opened)
        for room, seat in zip((*rooms, rooms[0]), ("cfius", "cfius", "microsoft"), strict=True):
            await peer.join(room, seat)
        await peer.send({"type": "join", "room": rooms[1], "seat": "microsoft", "name": "Ann"})
        error = await peer.expect("error")
        assert error["code"] == "too_many_joins" and "last hour" in error["message"]
        assert _seat_tokens(tmp_path) == 3


async def test_team_lines_per_seat_and_hour(tmp_path: Path, opened: list[Peer]) -> None:
    """Past team_lines_per_hour on one seat's channel, a line from any of its players is
    refused with too_many_team_lines and not stored; another seat still talks."""
    async with running(tmp_path, Limits(team_lines_per_hour=3)) as server:
        admin = await _open(server.url, opened)
        room = (await admin.create(seed=1))["room"]
        ann, bob, cy = [await _open(server.url, opened) for _ in range(3)]
        await ann.join(room, "microsoft", "Ann")
        await bob.join(room, "microsoft", "Bob")
        await cy.join(room, "cfius", "Cy")
        for n in range(3):
            await ann.send({"type": "team", "text": f"line {n}"})
            await ann.expect("team", text=f"line {n}")
        for peer in (ann, bob):
            await peer.send({"type": "team", "text": "one more"})
            error = await peer.expect("error")
            assert error["code"] == "too_many_team_lines" and "3 lines" in error["message"]
        await cy.send({"type": "team", "text": "cfius here"})
        await cy.expect("team", text="cfius here")
        assert _count(tmp_path, "SELECT COUNT(*) FROM team_lines WHERE seat = 'microsoft'") == 3


async def _not_reading(url: str) -> Any:
    """A client that reads nothing: a tiny receive buffer, and its library stops reading
    after one message (and so answers no ping)."""
    host, port = url.removeprefix("ws://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    return await connect(
        url, sock=sock, max_queue=1, ping_interval=None, compression=None, max_size=None
    )


def _narrow(room: Any, ws: Any) -> None:
    """Give the server's end of ``ws`` the send buffer of a slow network (on loopback the
    kernel grows it to megabytes, which would take minutes to fill)."""
    port = ws.transport.get_extra_info("sockname")[1]
    (conn,) = [m for m in room.members if m.ws.remote_address[1] == port]
    sock = conn.ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)


async def test_a_connection_that_reads_nothing_is_closed_however_much_it_sends(
    tmp_path: Path, opened: list[Peer]
) -> None:
    """A client that keeps asking for the room (each watch sends it the whole story) but
    reads nothing is closed once a message has waited unread_seconds to be written,
    although it never stops sending (and so never times out on a ping)."""
    async with running(tmp_path, Limits(unread_seconds=0.5)) as server:
        admin = await _open(server.url, opened)
        room = (await admin.create(seed=1))["room"]
        ws = await _not_reading(server.url)
        watch = f'{{"type": "watch", "room": "{room}"}}'
        loop = asyncio.get_running_loop()
        try:
            await ws.send('{"type": "hello", "protocol": 1}')
            await ws.send(watch)
            await asyncio.sleep(0.2)
            _narrow(server.lobby.rooms[room], ws)
            end = loop.time() + 15
            with pytest.raises(ConnectionClosed):
                while loop.time() < end:
                    await ws.send(watch)
                    await asyncio.sleep(0.06)  # under the rate limit
            assert loop.time() < end
            await asyncio.sleep(0.1)
            assert not server.lobby.rooms[room].members  # it left the room
        finally:
            ws.transport.abort()


async def test_a_class_of_thirty_on_one_address_is_under_every_default(
    server: Running, opened: list[Peer]
) -> None:
    """Thirty students behind one address (here 127.0.0.1) connect at once, join one room
    (six to a seat), and each says a line to their team: nobody is refused."""
    admin = await _open(server.url, opened)
    room = (await admin.create(seed=1))["room"]
    students = await asyncio.gather(*(Peer.open(server.url) for _ in range(30)))
    opened += students
    for n, student in enumerate(students):
        await student.send(
            {"type": "join", "room": room, "seat": SEATS[n % 5], "name": f"Student {n}"}
        )
    for student in students:
        await student.expect("joined")
    for n, student in enumerate(students):
        await student.send({"type": "team", "text": f"hello from {n}"})
    for n, student in enumerate(students):
        await student.expect("team", text=f"hello from {n}")
    assert not [m for s in students for m in s.received if m["type"] == "error"]


def test_limits_are_changed_by_name() -> None:
    """NAME=VALUE changes one limit; an unknown name, a value that is not a number, or
    one not above 0 is refused naming what is wrong."""
    changed = Limits().changed(["connections_per_address=300", "messages_per_second=2.5"])
    assert changed.connections_per_address == 300 and changed.messages_per_second == 2.5
    with pytest.raises(ValueError, match="connections_per_address"):
        Limits().changed(["connections=3"])
    with pytest.raises(ValueError, match="not a whole number"):
        Limits().changed(["rooms_per_hour=2.5"])
    with pytest.raises(ValueError, match="must be above 0"):
        Limits().changed(["joins_per_room=0"])


def test_an_ipv6_address_counts_by_its_network() -> None:
    """Devices of one IPv6 /64 share their limits, like devices behind one IPv4 NAT."""
    assert address_key("2001:db8:1:2::5") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::5") != address_key("2001:db8:1:3::5")
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key("::1") == "::1" and address_key("127.0.0.1") == "127.0.0.1"


def test_a_window_counts_the_last_hour_and_a_bucket_goes_into_debt() -> None:
    """A window allows ``most`` events in any hour (a given back one does not count); a
    bucket refuses past its burst and floods at three bursts of debt."""
    window = Window(2)
    assert window.take(0.0) and window.take(1.0) and not window.take(2.0)
    window.give_back()
    assert window.take(3.0) and not window.take(3599.0) and window.take(3600.5)
    bucket = Bucket(rate=1, burst=2, last=0.0)
    taken = [bucket.take(0.0) for _ in range(8)]
    assert taken == [True, True] + [False] * 6 and not bucket.flooding
    assert not bucket.take(0.0) and bucket.flooding
