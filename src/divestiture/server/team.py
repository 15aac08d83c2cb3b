"""Each seat's team channel: what a seat's players say among themselves.

A seat can be a team of students; its channel is theirs, and the facilitator reads
every channel. Every line is stored; in memory the channel keeps only each seat's
last ``TEAM_REPLAY`` lines, which are what a member entering the room is sent again,
numbered as they were when said, so that a client coming back skips what it has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from divestiture.game.types import FACILITATOR, SeatId
from divestiture.server.protocol import Role, TeamLine
from divestiture.server.store import AsyncStore, Store

TEAM_REPLAY = 200  # team lines per seat sent again on entering a room (all are stored)

Line = tuple[SeatId, str, str]  # seat, sender, text


def hears(role: Role, seat: SeatId) -> bool:
    """Whether a member in ``role`` reads ``seat``'s channel: its players and the
    facilitator."""
    return role in (seat, FACILITATOR)


@dataclass(eq=False)
class TeamChannel:
    """The team lines of a room's seats."""

    code: str  # the room's
    store: AsyncStore
    seats: int  # how many seats the game has
    version: Callable[[], int]  # the game's version, which each line is sent with
    lines: list[Line] = field(default_factory=list)
    # How many lines each seat's channel has had (the store keeps them all).
    count: Counter[SeatId] = field(init=False)

    def __post_init__(self) -> None:
        self.count = Counter(seat for seat, _, _ in self.lines)
        self._trim()

    async def say(self, seat: SeatId, sender: str, text: str) -> TeamLine:
        """Store a line on ``seat``'s channel; the line to send to those who ``hears``.

        Raises:
            StoreError: it could not be stored; nothing changed.
        """
        await self.store.run(Store.team_line, self.code, seat, sender, text)
        self.lines.append((seat, sender, text))
        self.count[seat] += 1
        # Trimmed once in a while, not at every line: each seat keeps at least its last
        # TEAM_REPLAY lines in between.
        if len(self.lines) > 2 * TEAM_REPLAY * self.seats:
            self._trim()
        return TeamLine(
            version=self.version(), seat=seat, sender=sender, text=text, n=self.count[seat]
        )

    def replay(self, role: Role) -> list[TeamLine]:
        """The lines a member in ``role`` is sent on entering: the last TEAM_REPLAY of each
        channel it hears, numbered as when they were said."""
        replay = _last_of_each_seat((t for t in self.lines if hears(role, t[0])), TEAM_REPLAY)
        left = Counter(seat for seat, _, _ in replay)  # lines of each seat still to number
        sent = []
        for seat, sender, text in replay:
            n = self.count[seat] - left[seat] + 1
            left[seat] -= 1
            sent.append(
                TeamLine(
                    version=self.version(),
                    seat=seat,
                    sender=sender,
                    text=text,
                    history=True,
                    n=n,
                )
            )
        return sent

    def _trim(self) -> None:
        """Keep in memory the last TEAM_REPLAY lines of each seat (the store has them all)."""
        self.lines = _last_of_each_seat(self.lines, TEAM_REPLAY)


def _last_of_each_seat(lines: Iterable[Line], most: int) -> list[Line]:
    """The last ``most`` team lines of each seat, in their order."""
    lines = list(lines)
    left = Counter(seat for seat, _, _ in lines)
    kept = []
    for line in lines:
        if left[line[0]] <= most:
            kept.append(line)
        left[line[0]] -= 1
    return kept
