"""A class: several tables (rooms) opened together, one code students type, one
facilitator token, and the console's view of them all.

Students are seated as they arrive (``place``): at the seat the teacher named, or, if
none, at an empty seat of the table with fewest students; then at a seat a bot plays
(the bot gives it up); then in the seat with fewest students, as a team. The teacher
moves anyone afterwards (``controls``).

Whoever watches the class (its consoles) is sent a ``class_view`` after every change at
any table, at most a few times a second.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from divestiture.game.types import SeatId
from divestiture.server.overview import table_status
from divestiture.server.protocol import ClassOptions, ClassView, Refusal
from divestiture.server.rooms import Room
from divestiture.server.table import Member

SEND_EVERY = 0.25  # seconds: a class's consoles hear of changes at most this often


@dataclass(eq=False)
class Classroom:
    """One class of a server."""

    code: str
    scenario_id: str
    options: ClassOptions
    rooms: list[Room]  # its tables, in order (table 1 first)
    created: float
    broken: list[str] = field(default_factory=list)  # tables that could not be loaded
    watchers: set[Member] = field(default_factory=set)
    # Held while a student is seated: two arriving together do not both take one seat.
    seating: asyncio.Lock = field(default_factory=asyncio.Lock)
    _due: asyncio.TimerHandle | None = None

    def __post_init__(self) -> None:
        for room in self.rooms:
            room.watchers.append(self.changed)

    def add(self, room: Room) -> None:
        """One more table."""
        self.rooms.append(room)
        room.watchers.append(self.changed)
        self.changed()

    def table(self, code: str) -> Room:
        """The table with this room code.

        Raises:
            Refusal: the class has no such table.
        """
        for room in self.rooms:
            if room.code == code.strip().upper():
                return room
        raise Refusal("unknown_table", f"class {self.code} has no table '{code}'")

    def number(self, room: Room) -> int:
        return self.rooms.index(room) + 1

    def place(self, seat: SeatId | None = None, table: int | None = None) -> tuple[Room, SeatId]:
        """Where a student arriving now sits: ``table`` (from 1) and ``seat`` if given,
        else the best free place (see the module's docstring). A bot may be playing the
        seat chosen; the caller has it give the seat up.

        Raises:
            Refusal: no such table or seat, or every table is over or closed.
        """
        rooms = self.rooms
        if table is not None:
            if not 1 <= table <= len(rooms):
                raise Refusal("unknown_table", f"class {self.code} has tables 1 to {len(rooms)}")
            rooms = [rooms[table - 1]]
        open_rooms = [r for r in rooms if not r.state.over and not r.seats_locked]
        if not open_rooms:
            raise Refusal(
                "seats_locked",
                f"no table of class {self.code} is taking students now: ask your teacher",
            )
        if seat is not None and seat not in open_rooms[0].state.seats:
            seats = ", ".join(open_rooms[0].state.seats)
            raise Refusal("unknown_seat", f"'{seat}' is not a seat (choose from {seats})")

        def crowd(room: Room) -> int:
            return sum(len(names) for names in room.holders.values())

        places = [
            (len(room.holders[s]), s in room.bots, crowd(room), self.number(room), i, room, s)
            for room in open_rooms
            for i, s in enumerate(room.state.seats)
            if seat is None or s == seat
        ]
        best = min(places, key=lambda p: p[:5])
        return best[5], best[6]

    def status(self) -> ClassView:
        """The class as its consoles show it."""
        return ClassView(
            code=self.code,
            scenario=self.scenario_id,
            tables=tuple(table_status(room, n) for n, room in enumerate(self.rooms, start=1)),
            broken=tuple(self.broken),
        )

    def watch(self, member: Member) -> None:
        self.watchers.add(member)
        member.send(self.status())

    def leave(self, member: Member) -> None:
        self.watchers.discard(member)

    def changed(self) -> None:
        """Something changed at a table: the consoles hear of it shortly (changes that
        come together are sent as one)."""
        if not self.watchers or self._due is not None:
            return
        self._due = asyncio.get_running_loop().call_later(SEND_EVERY, self._send)

    def close(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def _send(self) -> None:
        self._due = None
        status = self.status()
        for member in list(self.watchers):
            member.send(status)
