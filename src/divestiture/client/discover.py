"""Finding the teacher's server on the local network (the client's half of server/discovery.py).

A ``Listener`` binds the discovery UDP port on a daemon thread and keeps the
servers heard in the last ``FRESH_SECONDS``; the lobby reads ``servers()`` each
frame and never waits on it. If the port cannot be bound (another program has
it without sharing) the listener simply finds nothing. ``find_servers`` listens
for a few seconds, for ``divest join CODE``.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from divestiture.server.discovery import ANNOUNCE_SECONDS, FRESH_SECONDS, MAX_DATAGRAM, Announcement
from divestiture.server.discovery import discovery_port as _discovery_port

ROOM_CODE = re.compile(r"[A-HJKMNP-Z2-9]{4,8}")  # the server's alphabet: no I, O, L, 0 or 1
FIND_SECONDS = 1.5 * ANNOUNCE_SECONDS  # long enough to hear every server at least once
_POLL = 0.5  # how often the thread looks whether it should stop, or a server went quiet


@dataclass(frozen=True, slots=True)
class Heard:
    """A server heard on the network: where to connect, its name, and when it was heard."""

    url: str
    name: str
    at: float  # time.monotonic()

    @property
    def label(self) -> str:
        """``ws://10.0.0.5:8765 (teacher-laptop)``."""
        return f"{self.url} ({self.name})" if self.name else self.url


class Finder(Protocol):
    """What the lobby needs: the servers heard lately, and whether it is listening."""

    @property
    def listening(self) -> bool:
        """False if the discovery port could not be bound (nothing will be heard)."""

    @property
    def started(self) -> float:
        """When listening began (time.monotonic())."""

    def servers(self, now: float | None = None) -> tuple[Heard, ...]:
        """The servers heard in the last ``FRESH_SECONDS``, in the order of their addresses."""


class Listener:
    """Listens for announcements on ``port`` (DIVEST_DISCOVERY_PORT or 8766; 0: any free
    port, for tests) on a daemon thread. ``on_change`` is called from that thread when a
    server appears or goes quiet."""

    def __init__(
        self,
        port: int | None = None,
        *,
        host: str = "",
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.problem = ""  # why nothing can be heard, if so
        if port is None:
            try:
                port = _discovery_port()
            except ValueError as e:  # a bad DIVEST_DISCOVERY_PORT: listen nowhere, say why
                self.problem, port = str(e), 0
        self.port = port
        self.host = host
        self.on_change = on_change
        self.started = time.monotonic()
        self._heard: dict[str, Heard] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def listening(self) -> bool:
        return self._sock is not None and not self.problem

    def start(self) -> Listener:
        """Bind the port and start the thread; on failure, note why and hear nothing."""
        if self._thread is not None or self._sock is not None or self.problem:
            return self
        self.started = time.monotonic()
        try:
            self._sock = _bind(self.host, self.port)
        except OSError as e:
            self.problem = f"cannot listen on UDP port {self.port}: {e.strerror or e}"
            return self
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, name="discovery", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening (within ``_POLL`` seconds) and free the port."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2 * _POLL)
        if self._sock is not None:
            self._sock.close()

    def servers(self, now: float | None = None) -> tuple[Heard, ...]:
        now = time.monotonic() if now is None else now
        with self._lock:
            fresh = [h for h in self._heard.values() if now - h.at < FRESH_SECONDS]
        return tuple(sorted(fresh, key=lambda h: h.url))

    def hear(self, data: bytes, source: str, now: float | None = None) -> Heard | None:
        """Take one datagram from ``source`` (an IP address); the server it announces, or
        None if it is not an announcement this client can use."""
        announcement = Announcement.parse(data)
        if announcement is None:
            return None
        heard = Heard(
            announcement.url_for(source),
            announcement.name,
            time.monotonic() if now is None else now,
        )
        with self._lock:
            self._heard[heard.url] = heard
        return heard

    def _run(self) -> None:
        sock = self._sock
        assert sock is not None
        known = self._keys()
        try:
            while not self._stop.is_set():
                try:
                    data, source = sock.recvfrom(MAX_DATAGRAM + 1)
                except TimeoutError:
                    pass
                else:
                    self.hear(data, str(source[0]))
                now = self._keys()
                if now != known:
                    known = now
                    if self.on_change is not None:
                        self.on_change()
        except OSError as e:  # the socket was closed under us, or the network went away
            if not self._stop.is_set():
                self.problem = f"stopped listening on UDP port {self.port}: {e.strerror or e}"

    def _keys(self) -> tuple[str, ...]:
        return tuple(h.url for h in self.servers())


class Simulated:
    """A ``Finder`` that has heard ``servers`` (screenshots and tests)."""

    def __init__(self, servers: Sequence[tuple[str, str]] = (), *, listening: bool = True) -> None:
        self._servers = tuple(Heard(url, name, 0.0) for url, name in servers)
        self.listening = listening
        self.started = 0.0

    def servers(self, now: float | None = None) -> tuple[Heard, ...]:
        return self._servers


def _bind(host: str, port: int) -> socket.socket:
    """A UDP socket on ``port`` that hears broadcasts, shared with any other listener on
    this machine where the platform allows (SO_REUSEADDR, SO_REUSEPORT)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            with contextlib.suppress(OSError):  # defined but not supported (some kernels)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.settimeout(_POLL)
    except OSError:
        sock.close()
        raise
    return sock


def find_servers(seconds: float = FIND_SECONDS, port: int | None = None) -> tuple[Heard, ...]:
    """Listen for ``seconds``; the servers heard.

    Raises:
        OSError: the discovery port could not be bound.
    """
    listener = Listener(port).start()
    try:
        if not listener.listening:
            raise OSError(listener.problem)
        time.sleep(seconds)
        return listener.servers()
    finally:
        listener.close()


def server_for(code: str, heard: Sequence[Heard]) -> Heard:
    """The one server heard, for a room code typed without one.

    Raises:
        LookupError: none was heard, or several (the message says what to type instead).
    """
    instead = f"use ws://HOST:PORT/{code}"
    if not heard:
        raise LookupError(f"no server found on this network; {instead}")
    if len(heard) > 1:
        raise LookupError(f"several servers found: {', '.join(h.label for h in heard)}; {instead}")
    return heard[0]


def join_address(
    text: str,
    find: Callable[[], Sequence[Heard]] = find_servers,
    found: Callable[[Heard], object] = lambda heard: None,
) -> str:
    """The ``ws://HOST:PORT/ROOM`` to join for what a student typed: a room address as it
    is, or a bare room code on the one server ``find`` hears (``found`` is told which).

    Raises:
        ValueError: neither a room code nor a room address.
        LookupError: a room code, but no server or several were heard.
        OSError: a room code, but the network could not be listened on.
    """
    raw = text.strip()
    if "://" in raw:
        return raw
    code = raw.upper()
    if not ROOM_CODE.fullmatch(code):
        raise ValueError(
            f"'{raw[:40]}' is not a room code (4-8 letters and digits 2-9, no I, O, L, 0 or 1)"
            " or a room address (ws://HOST:PORT/ROOM)"
        )
    heard = server_for(code, find())
    found(heard)
    return f"{heard.url}/{code}"
