"""How much one address may ask of the server, and what each address has used of it.

The per-connection rate limit (``protocol.RATE_PER_SECOND``) alone lets one machine
open a hundred connections and send a hundred times as much, so the numbers below
are counted per address, shared by all of its connections. One address is often a
whole class: students behind a school's NAT reach a server outside it from one
public address. Every default leaves a class of 30 on one address far below it;
``divest serve --limit NAME=VALUE`` changes one (docs/PROTOCOL.md lists them).

An address is an IPv4 address, or an IPv6 address's /64 (the network one home or
school gets, where each device may pick any address of it). Everything is kept in
memory: a restart starts every count again.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from divestiture.server.protocol import Refusal

HOUR = 3600.0
FLOOD_BURSTS = 3  # a bucket this many bursts in debt is a flood: the connection is closed


@dataclass(frozen=True, slots=True)
class Limits:
    """The per-address limits, and how long any connection may leave what it is sent
    unread, with the defaults ``divest serve`` uses."""

    connections_per_address: int = 100
    """Connections open at once from one address: a class of 30 with one connection each
    (two for a while when a laptop's Wi-Fi drops and it reconnects before the server
    has noticed), the teacher's and a projector's; a further one is closed with 1008."""

    messages_per_second: float = 200.0
    """Messages a second from one address, all its connections together (a token bucket,
    beside each connection's own 20): a student sends one when they click, so a class
    of 30 sends about 30 a second at its busiest, and ``divest simulate --server``'s
    five bot clients at most 90."""

    message_burst: float = 400.0
    """Messages from one address at once, above the rate (a class joining together: a
    hello and a join each, and a few actions)."""

    rooms_per_hour: int = 200
    """Rooms one address may create in any hour. Only a holder of the host token can
    create one at all, so this bounds what a leaked token costs: a teacher opens a few
    rooms a class, and ``divest simulate --server`` one a game (100 by default)."""

    joins_per_room: int = 60
    """Seats one address may join in one room, each join a new seat token (a team joining
    again counts again): a class of 30 all in one room, each joining twice."""

    joins_per_hour: int = 1000
    """Seat tokens one address may get in any hour, over all rooms: a few classes of 30
    joining through one school address, or ``divest simulate --server``'s 100 games of
    five seats."""

    team_lines_per_hour: int = 1000
    """Team lines one seat of a room may store in any hour (every line is kept): a team
    of six typing a line every 25 seconds each for the whole hour."""

    unread_seconds: float = 20.0
    """Seconds a message may wait to be written to a connection whose buffers are full
    (it does not read) before the connection is closed, however much it sends; as long
    as the server's ping timeout."""

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if value <= 0:
                raise ValueError(f"{name} must be above 0, not {value}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def changed(self, settings: Iterable[str]) -> Limits:
        """These limits with ``NAME=VALUE`` settings applied.

        Raises:
            ValueError: not NAME=VALUE, an unknown name, or not a number above 0.
        """
        changes: dict[str, Any] = {}
        for setting in settings:
            name, sep, text = setting.partition("=")
            name = name.strip()
            if not sep or name not in self.names():
                raise ValueError(
                    f"'{setting}' is not NAME=VALUE with NAME one of {', '.join(self.names())}"
                )
            whole = isinstance(getattr(self, name), int)
            try:
                changes[name] = int(text) if whole else float(text)
            except ValueError:
                kind = "a whole number" if whole else "a number"
                raise ValueError(f"{name}: '{text.strip()}' is not {kind}") from None
        return dataclasses.replace(self, **changes)


def address_key(address: str) -> str:
    """What the limits count by: the IPv4 address, or the IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if not ip.is_loopback:
            return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


@dataclass(slots=True)
class Bucket:
    """A token bucket that may go into debt: every message costs a token, refused or not,
    so a client that keeps sending past the rate sinks until it is flooding."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    last: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self, now: float | None = None) -> bool:
        """Spend a token; whether there was one."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        self.tokens -= 1
        return self.tokens >= 0

    @property
    def flooding(self) -> bool:
        return self.tokens < -FLOOD_BURSTS * self.burst

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.last) * self.rate >= self.burst


@dataclass(slots=True)
class Window:
    """At most ``most`` events in any ``seconds``."""

    most: int
    seconds: float = HOUR
    times: deque[float] = field(default_factory=deque)

    def take(self, now: float) -> bool:
        """Count one more event now, if there is room; whether there was."""
        self.forget(now)
        if len(self.times) >= self.most:
            return False
        self.times.append(now)
        return True

    def give_back(self) -> None:
        """Uncount the last event (what it was for did not happen)."""
        if self.times:
            self.times.pop()

    def forget(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()


@dataclass(slots=True)
class _Address:
    bucket: Bucket
    rooms: Window
    joins: Window
    connections: int = 0


class Quotas:
    """What each address has used of its ``Limits``."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._addresses: dict[str, _Address] = {}
        self._room_joins: dict[tuple[str, str], int] = {}  # (address, room) -> joins
        self._team: dict[tuple[str, str], Window] = {}  # (room, seat) -> lines
        self._pruned = clock()

    def connect(self, address: str) -> bool:
        """Count a new connection from ``address``, unless it has too many open already."""
        self._prune()
        used = self._of(address)
        if used.connections >= self.limits.connections_per_address:
            return False
        used.connections += 1
        return True

    def disconnect(self, address: str) -> None:
        """A connection ``connect`` counted has closed."""
        used = self._of(address)
        used.connections = max(0, used.connections - 1)

    def message(self, address: str) -> bool:
        """Spend a message of the address's; whether it had one."""
        return self._of(address).bucket.take(self._clock())

    def flooding(self, address: str) -> bool:
        """Whether the address is so far past its rate that its connections are closed."""
        return self._of(address).bucket.flooding

    @contextmanager
    def room(self, address: str) -> Iterator[None]:
        """Around creating a room: counted if it is created.

        Raises:
            Refusal: ``too_many_rooms``.
        """
        window = self._of(address).rooms
        if not window.take(self._clock()):
            raise Refusal(
                "too_many_rooms",
                f"this address has created {window.most} rooms in the last hour; no more for now",
            )
        try:
            yield
        except BaseException:
            window.give_back()
            raise

    @contextmanager
    def join(self, address: str, room: str) -> Iterator[None]:
        """Around joining a seat of ``room``: counted if it is joined.

        Raises:
            Refusal: ``too_many_joins``, in this room or in the last hour.
        """
        key = (address, room)
        if self._room_joins.get(key, 0) >= self.limits.joins_per_room:
            raise Refusal(
                "too_many_joins",
                f"this address has joined seats of room {room} {self.limits.joins_per_room}"
                " times; no more joins from it",
            )
        window = self._of(address).joins
        if not window.take(self._clock()):
            raise Refusal(
                "too_many_joins",
                f"this address has joined {window.most} seats in the last hour; no more for now",
            )
        self._room_joins[key] = self._room_joins.get(key, 0) + 1
        try:
            yield
        except BaseException:
            window.give_back()
            self._room_joins[key] -= 1
            if not self._room_joins[key]:
                del self._room_joins[key]
            raise

    @contextmanager
    def team_line(self, room: str, seat: str) -> Iterator[None]:
        """Around storing a line on ``seat``'s team channel in ``room``.

        Raises:
            Refusal: ``too_many_team_lines``.
        """
        window = self._team.setdefault((room, seat), Window(self.limits.team_lines_per_hour))
        if not window.take(self._clock()):
            raise Refusal(
                "too_many_team_lines",
                f"your team has sent {window.most} lines in the last hour, as many as"
                " the server keeps; this one was not sent",
            )
        try:
            yield
        except BaseException:
            window.give_back()
            raise

    def _of(self, address: str) -> _Address:
        used = self._addresses.get(address)
        if used is None:
            limits = self.limits
            used = self._addresses[address] = _Address(
                Bucket(limits.messages_per_second, limits.message_burst, last=self._clock()),
                Window(limits.rooms_per_hour),
                Window(limits.joins_per_hour),
            )
        return used

    def _prune(self) -> None:
        """Once a minute, forget the addresses with nothing open and nothing counted."""
        now = self._clock()
        if now - self._pruned < 60:
            return
        self._pruned = now
        for address, used in list(self._addresses.items()):
            used.rooms.forget(now)
            used.joins.forget(now)
            idle = not used.connections and not used.rooms.times and not used.joins.times
            if idle and used.bucket.full(now):
                del self._addresses[address]
        for key, window in list(self._team.items()):
            window.forget(now)
            if not window.times:
                del self._team[key]
