"""The announcement datagram and the announcer, on real sockets on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import ifaddr
import pytest
from websockets.asyncio.client import connect

from divestiture.cli.serve import Announce, announcer_for
from divestiture.server import announce as announce_module
from divestiture.server.announce import Announcer, announced_urls, broadcast_addresses
from divestiture.server.app import start_server, stop_server
from divestiture.server.discovery import (
    DISCOVERY_PORT,
    MAX_DATAGRAM,
    PRODUCT,
    Announcement,
    discovery_port,
)
from divestiture.server.protocol import PROTOCOL_VERSION
from tests.server.conftest import HOST_TOKEN


@pytest.fixture
def receiver() -> Iterator[socket.socket]:
    """A UDP socket on a free loopback port, standing in for a listening client."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(3)
    try:
        yield sock
    finally:
        sock.close()


def _port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def test_the_datagram_names_the_product_protocol_urls_and_name() -> None:
    """The datagram is small JSON: product, protocol version, ws:// URLs, the display name."""
    data = Announcement(("ws://10.0.0.5:8765", "ws://192.168.1.20:8765"), "teacher-laptop").encode()
    assert len(data) <= MAX_DATAGRAM
    assert json.loads(data) == {
        "product": PRODUCT,
        "protocol": PROTOCOL_VERSION,
        "urls": ["ws://10.0.0.5:8765", "ws://192.168.1.20:8765"],
        "name": "teacher-laptop",
    }


def test_the_datagram_holds_no_room_or_token() -> None:
    """Only the four fields go out: no room code and no token can be in it."""
    data = json.loads(Announcement(("ws://10.0.0.5:8765",), "x").encode())
    assert set(data) == {"product", "protocol", "urls", "name"}


def test_a_datagram_round_trips() -> None:
    """What a server encodes, a client parses back to the same announcement."""
    sent = Announcement(("ws://10.0.0.5:8765",), "teacher-laptop")
    assert Announcement.parse(sent.encode()) == sent


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe not utf-8",
        b"not json",
        b"[1, 2]",
        b"[" * 5000,
        b"[" * 1000,
        b'{"product": "other-game", "protocol": 1, "urls": ["ws://10.0.0.5:8765"]}',
        b'{"protocol": 1, "urls": ["ws://10.0.0.5:8765"]}',
        b'{"product": "divestiture", "protocol": 2, "urls": ["ws://10.0.0.5:8765"]}',
        b'{"product": "divestiture", "protocol": true, "urls": ["ws://10.0.0.5:8765"]}',
        b'{"product": "divestiture", "protocol": "1", "urls": ["ws://10.0.0.5:8765"]}',
        b'{"product": "divestiture", "protocol": 1, "urls": "ws://10.0.0.5:8765"}',
        b'{"product": "divestiture", "protocol": 1, "urls": []}',
        b'{"product": "divestiture", "protocol": 1, "urls": ["http://10.0.0.5:8765"]}',
        b'{"product": "divestiture", "protocol": 1, "urls": ["ws://10.0.0.5:99999"]}',
        b'{"product": "divestiture", "protocol": 1, "urls": ["ws://10.0.0.5:8765/ROOM"]}',
        b'{"product": "divestiture", "protocol": 1, "urls": ["ws://10.0.0.5:8765"], "name": 5}',
        b'{"product": "divestiture", "protocol": 1, "urls": ["ws://a:1"], "x": "'
        + b"y" * MAX_DATAGRAM
        + b'"}',
    ],
)
def test_garbage_and_other_datagrams_are_ignored(data: bytes) -> None:
    """Anything but a usable announcement of this product and protocol parses to None."""
    assert Announcement.parse(data) is None


def test_parse_keeps_the_usable_addresses_and_cleans_the_name() -> None:
    """An address of an unknown shape is left out; control characters leave the name."""
    data = json.dumps(
        {
            "product": PRODUCT,
            "protocol": PROTOCOL_VERSION,
            "urls": ["ws://[fe80::1]:8765", "ws://10.0.0.5:8765"],
            "name": "teacher\x1b[31m-laptop\n" + "x" * 80,
            "future_field": {"ignored": True},
        }
    ).encode()
    heard = Announcement.parse(data)
    assert heard is not None
    assert heard.urls == ("ws://10.0.0.5:8765",)
    assert heard.name.startswith("teacher[31m-laptop") and len(heard.name) == 40


def test_url_for_prefers_the_address_the_datagram_came_from() -> None:
    """A server on two networks lists both; the one the datagram came from is used."""
    a = Announcement(("ws://172.17.0.1:8765", "ws://192.168.1.20:8765"))
    assert a.url_for("192.168.1.20") == "ws://192.168.1.20:8765"
    assert a.url_for("10.9.9.9") == "ws://172.17.0.1:8765"


def test_a_bad_announcement_is_refused_when_made() -> None:
    """The server cannot announce no address, or an address that is not ws://HOST:PORT."""
    with pytest.raises(ValueError, match="ws://HOST:PORT"):
        Announcement(()).encode()
    with pytest.raises(ValueError, match="ws://HOST:PORT"):
        Announcement(("10.0.0.5:8765",)).encode()


def test_the_discovery_port_can_be_overridden() -> None:
    """8766 unless DIVEST_DISCOVERY_PORT names another; a bad value is a clear error."""
    assert discovery_port({}) == DISCOVERY_PORT == 8766
    assert discovery_port({"DIVEST_DISCOVERY_PORT": "40001"}) == 40001
    for bad in ("0", "70000", "port", "-1"):
        with pytest.raises(ValueError, match="DIVEST_DISCOVERY_PORT"):
            discovery_port({"DIVEST_DISCOVERY_PORT": bad})


def test_announced_urls_follow_what_the_server_listens_on() -> None:
    """Every LAN address for 0.0.0.0, the address itself for a LAN one, none for loopback."""
    lan = lambda: ["10.0.0.5", "192.168.1.20"]  # noqa: E731
    assert announced_urls(["0.0.0.0"], 8765, lan) == [
        "ws://10.0.0.5:8765",
        "ws://192.168.1.20:8765",
    ]
    assert announced_urls(["0.0.0.0", "::"], 9000, lan) == [
        "ws://10.0.0.5:9000",
        "ws://192.168.1.20:9000",
    ]
    assert announced_urls(["192.168.1.20"], 8765, lan) == ["ws://192.168.1.20:8765"]
    assert announced_urls(["127.0.0.1"], 8765, lan) == []
    assert announced_urls(["127.0.0.1", "::1"], 8765, lan) == []
    assert announced_urls(["169.254.3.4"], 8765, lan) == []


def test_broadcast_addresses_come_from_the_interfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each LAN interface's broadcast address; loopback, link-local and /32 are left out;
    255.255.255.255 when none is known."""

    def ip(address: str, prefix: int) -> SimpleNamespace:
        return SimpleNamespace(ip=address, network_prefix=prefix, is_IPv4=True)

    adapters = [
        SimpleNamespace(ips=[ip("127.0.0.1", 8)]),
        SimpleNamespace(ips=[ip("192.168.1.20", 24), ip("169.254.1.1", 16)]),
        SimpleNamespace(ips=[ip("10.1.2.3", 16), ip("10.8.0.2", 32)]),
    ]
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: adapters)
    assert broadcast_addresses() == ["10.1.255.255", "192.168.1.255"]
    assert broadcast_addresses(["192.168.1.20"]) == ["192.168.1.255"]
    assert announce_module.lan_addresses() == ["10.1.2.3", "10.8.0.2", "192.168.1.20"]
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: adapters[:1])
    assert broadcast_addresses() == ["255.255.255.255"]


async def test_the_announcer_sends_the_datagram(receiver: socket.socket) -> None:
    """Pointed at a loopback port, the announcer's task sends the datagram again and again."""
    announcement = Announcement(("ws://192.168.1.20:8765",), "teacher-laptop")
    announcer = Announcer(announcement, [("127.0.0.1", _port(receiver))], interval=0.05)
    task = asyncio.create_task(announcer.run())
    try:
        first = await asyncio.to_thread(receiver.recvfrom, 2048)
        second = await asyncio.to_thread(receiver.recvfrom, 2048)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert Announcement.parse(first[0]) == announcement
    assert second[0] == first[0]
    assert announcer.sent >= 2


async def test_a_failing_send_is_logged_once_and_the_server_keeps_serving(
    tmp_path: Path, receiver: socket.socket, caplog: pytest.LogCaptureFixture
) -> None:
    """A target the system refuses gets one warning, the other targets still get the
    datagram, and the server answers clients meanwhile."""
    server, lobby, store = await start_server("127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN)
    port = server.sockets[0].getsockname()[1]
    announcement = Announcement((f"ws://192.168.1.20:{port}",))
    targets = [("127.0.0.1", 0), ("127.0.0.1", _port(receiver))]  # port 0: EINVAL
    announcer = Announcer(announcement, targets, interval=0.02)
    caplog.set_level(logging.WARNING, logger="divest.server")
    task = asyncio.create_task(announcer.run())
    try:
        await asyncio.to_thread(receiver.recvfrom, 2048)
        await asyncio.sleep(0.2)  # several rounds, each failing on the first target
        async with connect(f"ws://127.0.0.1:{port}") as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION}))
            welcome = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert welcome["type"] == "welcome"
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await stop_server(server, lobby, store)
    warnings = [r for r in caplog.records if "could not announce" in r.getMessage()]
    assert len(warnings) == 1
    assert "127.0.0.1:0" in warnings[0].getMessage()
    assert announcer.failed >= 5 and announcer.sent >= 5


async def test_an_announcer_that_cannot_open_a_socket_just_stops(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No socket (a sandbox without UDP, say): one warning, and the task ends quietly."""
    announcer = Announcer(Announcement(("ws://10.0.0.5:8765",)), [("127.0.0.1", 9)])

    def refuse() -> socket.socket:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(announcer, "open", refuse)
    caplog.set_level(logging.WARNING, logger="divest.server")
    await asyncio.wait_for(announcer.run(), 2)
    assert "cannot announce" in caplog.text


def test_loopback_or_no_announce_makes_no_announcer(caplog: pytest.LogCaptureFixture) -> None:
    """Serving on loopback, or with --no-announce, nothing is announced."""
    caplog.set_level(logging.INFO, logger="divest.server")
    assert announcer_for(["127.0.0.1"], 8765, Announce(to=("127.0.0.1",))) is None
    assert "only this machine" in caplog.text
    assert announcer_for(["192.168.1.20"], 8765, Announce(enabled=False)) is None
    assert "--no-announce" in caplog.text


def test_a_lan_address_makes_an_announcer_for_it(caplog: pytest.LogCaptureFixture) -> None:
    """On a LAN address the announcer names it, and the teacher is told students will see it."""
    caplog.set_level(logging.INFO, logger="divest.server")
    made = announcer_for(
        ["192.168.1.20"], 8765, Announce(port=40000, to=("127.0.0.1",), name="Room 12")
    )
    assert made is not None
    assert made.targets == (("127.0.0.1", 40000),)
    assert Announcement.parse(made.data) == Announcement(("ws://192.168.1.20:8765",), "Room 12")
    assert "will see this server in the lobby" in caplog.text
