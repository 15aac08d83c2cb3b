"""Where views come from, behind one interface, so the UI never cares.

A ``Connection`` takes actions (``send``) and puts what arrives on a thread-safe
``inbox`` queue: a new view, events, an error, the connection's status, the
phase timer, and (asked for once the game is over) the seat's copy of the debrief.
The render loop drains the inbox once per frame and never waits on
it; a connection calls its ``waker`` after each put so a loop that sleeps on
pygame's event queue wakes up at once instead of polling.

The implementation is ``RemoteConnection`` (client/ws.py): a seat on a
server, the embedded one of a solo game included.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from divestiture.game.actions import Action
from divestiture.game.views import GameView

LinkState = Literal["connecting", "connected", "reconnecting", "offline", "closed"]
REMOVED = "removed"  # the error code of a student the teacher took out of the seat


@dataclass(frozen=True, slots=True)
class ViewUpdate:
    """The latest view of the game for this client's seat (it says who still has to act)."""

    view: GameView


@dataclass(frozen=True, slots=True)
class EventLines:
    """What just happened that this seat may see, as readable lines."""

    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErrorNotice:
    """An action was refused (a GameError on the other side) or the link failed."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Status:
    """The state of the link; ``attempt`` counts reconnection tries."""

    state: LinkState
    detail: str = ""
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class PhaseTimer:
    """The facilitator's phase timer: ``ends_at`` on ``time.monotonic()``; None = off.
    While the clock waits (the week not started, play paused) it is ``stopped`` at that
    many seconds left, and does not count down."""

    ends_at: float | None
    stopped: float | None = None

    @classmethod
    def seconds_from_now(cls, seconds: float | None, running: bool = True) -> PhaseTimer:
        if seconds is None:
            return cls(None)
        if not running:
            return cls(None, stopped=max(0.0, seconds))
        return cls(time.monotonic() + seconds)

    def seconds_left(self, now: float) -> int | None:
        """Whole seconds left at ``now`` (rounded up), or None if the phase is not timed."""
        if self.stopped is not None:
            return int(self.stopped + 0.999)
        if self.ends_at is None:
            return None
        return max(0, int(self.ends_at - now + 0.999))


@dataclass(frozen=True, slots=True)
class TeamChat:
    """A line on the seat's team channel (students sharing one seat)."""

    sender: str
    text: str


@dataclass(frozen=True, slots=True)
class Moved:
    """The teacher moved this connection: it now plays ``role`` (a seat, or
    ``"spectator"`` when a bot took its seat) in ``room``. The new seat's whole
    story follows, as a history view."""

    room: str
    role: str
    before: str  # the room it was in


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the player should know that is not a refusal (shown, not as an error)."""

    message: str


@dataclass(frozen=True, slots=True)
class SeatReport:
    """The seat's copy of its table's debrief, once the game is over: its score out of
    100, the share of the bots' games in the same seat it beat (``percentile``, 0-100,
    of ``games``), the table's deal map (a PNG) and the report itself (a self-contained
    HTML page, to be saved as ``file_name``)."""

    seat: str
    score: float
    percentile: float
    games: int
    outcome: str
    deal_map: bytes = field(repr=False)
    file_name: str
    html: str = field(repr=False)


Inbound = (
    ViewUpdate
    | EventLines
    | ErrorNotice
    | Status
    | PhaseTimer
    | TeamChat
    | Moved
    | Notice
    | SeatReport
)


class Connection(Protocol):
    """What the client needs from wherever the game is played."""

    inbox: queue.Queue[Inbound]

    def send(self, action: Action) -> None:
        """Submit an action for this client's seat; never blocks the caller."""

    def send_team(self, text: str) -> None:
        """Say something on the seat's team channel."""

    def ask_debrief(self) -> None:
        """Ask for the seat's copy of its table's debrief (a ``SeatReport``, or an
        ``ErrorNotice`` saying why not); asked again after a reconnect until it comes."""

    def set_waker(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (thread-safe) whenever something is put on the inbox."""

    def start(self) -> None:
        """Begin delivering to the inbox (threads and sockets start here, not in __init__)."""

    def close(self) -> None:
        """Stop; safe to call twice."""
