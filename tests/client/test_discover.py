"""The client's listener and ``divest join CODE``'s choice of server, on 127.0.0.1 only."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from divestiture.client.discover import (
    Heard,
    Listener,
    find_servers,
    join_address,
    server_for,
)
from divestiture.server.discovery import FRESH_SECONDS, Announcement

TEACHER = Announcement(("ws://192.168.1.20:8765",), "teacher-laptop")
OTHER = Announcement(("ws://192.168.1.34:8765",), "room-12-desk")


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A listener on a free loopback port, closed after the test."""
    made = Listener(0, host="127.0.0.1").start()
    try:
        yield made
    finally:
        made.close()


def _send(port: int, *datagrams: bytes) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for data in datagrams:
            sock.sendto(data, ("127.0.0.1", port))


def _wait_for(listener: Listener, count: int) -> tuple[Heard, ...]:
    deadline = time.monotonic() + 5
    while len(found := listener.servers()) < count:
        assert time.monotonic() < deadline, f"heard {found}"
        time.sleep(0.01)
    return found


def test_the_listener_hears_a_server(listener: Listener) -> None:
    """A datagram sent to the listener's port is a server heard, with its name."""
    assert listener.listening and listener.port != 0
    _send(listener.port, TEACHER.encode())
    (heard,) = _wait_for(listener, 1)
    assert heard.url == "ws://192.168.1.20:8765"
    assert heard.label == "ws://192.168.1.20:8765 (teacher-laptop)"


def test_the_listener_ignores_garbage_and_other_products(listener: Listener) -> None:
    """Junk, another product's datagram and another protocol version are not servers."""
    _send(
        listener.port,
        b"\x00\x01garbage",
        b'{"product": "other", "protocol": 1, "urls": ["ws://10.0.0.9:8765"]}',
        b'{"product": "divestiture", "protocol": 9, "urls": ["ws://10.0.0.9:8765"]}',
        OTHER.encode(),  # sent last: once it is heard, the others have been read
    )
    (heard,) = _wait_for(listener, 1)
    assert heard.url == "ws://192.168.1.34:8765"


def test_a_server_not_heard_lately_is_gone(listener: Listener) -> None:
    """A server heard more than FRESH_SECONDS ago is no longer offered."""
    listener.hear(TEACHER.encode(), "192.168.1.20", now=100.0)
    assert [h.url for h in listener.servers(now=100.0 + FRESH_SECONDS - 0.1)] == [TEACHER.urls[0]]
    assert listener.servers(now=100.0 + FRESH_SECONDS + 0.1) == ()


def test_hearing_a_server_again_keeps_one_entry(listener: Listener) -> None:
    """The same server heard twice is one server, heard at the later time."""
    listener.hear(TEACHER.encode(), "192.168.1.20", now=10.0)
    listener.hear(TEACHER.encode(), "192.168.1.20", now=12.0)
    (heard,) = listener.servers(now=12.0)
    assert heard.at == 12.0


def test_the_listener_says_when_it_hears_a_change(listener: Listener) -> None:
    """on_change is called from the listener's thread when a server appears."""
    changed = threading.Event()
    listener.on_change = changed.set
    _send(listener.port, TEACHER.encode())
    assert changed.wait(5)


def test_a_port_that_cannot_be_bound_finds_nothing() -> None:
    """If the port is taken (without sharing), the listener is not listening and finds nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))  # no SO_REUSEADDR: the port cannot be shared
        listener = Listener(taken.getsockname()[1], host="127.0.0.1").start()
        try:
            assert not listener.listening
            assert "cannot listen on UDP port" in listener.problem
            assert listener.servers() == ()
        finally:
            listener.close()


def test_two_listeners_can_share_the_port(listener: Listener) -> None:
    """A second client on the same machine binds the same port too (SO_REUSEADDR)."""
    second = Listener(listener.port, host="127.0.0.1").start()
    try:
        assert second.listening
    finally:
        second.close()


def test_a_bad_port_variable_means_not_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DIVEST_DISCOVERY_PORT that is not a port: the lobby still opens, hearing nothing."""
    monkeypatch.setenv("DIVEST_DISCOVERY_PORT", "lots")
    listener = Listener().start()
    assert not listener.listening
    assert "DIVEST_DISCOVERY_PORT" in listener.problem


def test_find_servers_listens_for_a_while() -> None:
    """find_servers returns what was heard during its window."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stop = threading.Event()

    def announce() -> None:
        while not stop.wait(0.05):
            _send(port, TEACHER.encode())

    sender = threading.Thread(target=announce, daemon=True)
    sender.start()
    try:
        heard = find_servers(0.5, port=port)
    finally:
        stop.set()
        sender.join()
    assert [h.url for h in heard] == ["ws://192.168.1.20:8765"]


def _heard(*announcements: Announcement) -> tuple[Heard, ...]:
    return tuple(Heard(a.urls[0], a.name, 0.0) for a in announcements)


def test_a_room_code_joins_the_one_server_heard() -> None:
    """With exactly one server heard, a bare code becomes ws://HOST:PORT/CODE on it."""
    told: list[Heard] = []
    url = join_address(" k7qm2 ", lambda: _heard(TEACHER), told.append)
    assert url == "ws://192.168.1.20:8765/K7QM2"
    assert [h.url for h in told] == ["ws://192.168.1.20:8765"]


def test_a_room_code_with_no_server_heard_says_what_to_type() -> None:
    """None heard: the error says so and names the full form."""
    with pytest.raises(
        LookupError, match=r"no server found on this network; use ws://HOST:PORT/K7QM2"
    ):
        join_address("K7QM2", lambda: ())


def test_a_room_code_with_several_servers_heard_names_them() -> None:
    """Several heard: the error lists them and names the full form."""
    with pytest.raises(LookupError) as e:
        server_for("K7QM2", _heard(TEACHER, OTHER))
    message = str(e.value)
    assert message.startswith("several servers found: ")
    assert "ws://192.168.1.20:8765 (teacher-laptop)" in message
    assert "ws://192.168.1.34:8765 (room-12-desk)" in message
    assert message.endswith("; use ws://HOST:PORT/K7QM2")


def test_a_full_address_is_not_looked_up() -> None:
    """ws://HOST:PORT/ROOM is used as typed; the network is not listened to."""

    def never() -> tuple[Heard, ...]:
        raise AssertionError("listened")

    assert join_address("ws://10.0.0.5:8765/K7QM2", never) == "ws://10.0.0.5:8765/K7QM2"


@pytest.mark.parametrize("text", ["K1O0", "AB", "K7QM2-X", "room 12", ""])
def test_what_is_neither_code_nor_address_is_refused(text: str) -> None:
    """Not a room code and not an address: a clear error, and nothing is listened for."""
    with pytest.raises(ValueError, match="is not a room code"):
        join_address(text, lambda: _heard(TEACHER))
