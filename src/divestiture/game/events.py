"""What happened: a closed set of kinds, each with typed data, and who may see it.

The engine says what happened as data; the words are made from the data at the edges
(``narration.event_text``), so the server can send both, and clients and bots read the
data and never parse English.
"""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from pydantic import Field, TypeAdapter

from divestiture.game.actions import Action, Terms
from divestiture.game.models import Frozen, frozen
from divestiture.game.types import (
    FACILITATOR,
    SPECTATOR,
    Mitigation,
    Phase,
    SeatId,
    SheetId,
    Viewer,
)

# -- the game's course ------------------------------------------------------------------


@frozen
class NewsDrawn(Frozen):
    """A news card read out at the start of a round."""

    kind: Literal["news"] = "news"
    round: int
    card: str


@frozen
class PhaseBegan(Frozen):
    kind: Literal["phase"] = "phase"
    round: int
    phase: Phase


@frozen
class TrackMove(Frozen):
    track: str
    before: int
    after: int


@frozen
class TracksMoved(Frozen):
    kind: Literal["tracks"] = "tracks"
    moves: tuple[TrackMove, ...]


@frozen
class TimedOut(Frozen):
    """The phase timer ran out; these seats had not finished and pass."""

    kind: Literal["timeout"] = "timeout"
    phase: Phase
    seats: tuple[SeatId, ...]


@frozen
class RoundEnded(Frozen):
    """A round ended without a deal closing."""

    kind: Literal["round_end"] = "round_end"
    round: int


@frozen
class DeadlineMoved(Frozen):
    kind: Literal["deadline"] = "deadline"
    deadline: int  # the new last round


@frozen
class GameEnded(Frozen):
    kind: Literal["game_over"] = "game_over"
    outcome: str
    terms: Terms | None = None  # the deal that closed, if one did


# -- what seats do ----------------------------------------------------------------------


@frozen
class Passed(Frozen):
    kind: Literal["pass"] = "pass"
    seat: SeatId


@frozen
class StatementMade(Frozen):
    kind: Literal["statement"] = "statement"
    seat: SeatId
    text: str


@frozen
class MessageSent(Frozen):
    """A private message; ``sheet`` names the term sheet it is the cover note of."""

    kind: Literal["message"] = "message"
    seat: SeatId
    to: tuple[SeatId, ...]
    text: str
    sheet: SheetId | None = None


@frozen
class Proposed(Frozen):
    """A term sheet put on the table; ``replaces`` is the sheet it counters, told only to
    those who may know of that sheet."""

    kind: Literal["proposed"] = "proposed"
    seat: SeatId
    sheet: SheetId
    terms: Terms
    replaces: SheetId | None = None


@frozen
class Signed(Frozen):
    kind: Literal["signed"] = "signed"
    seat: SeatId
    sheet: SheetId


@frozen
class DealSigned(Frozen):
    """Every party has signed: the deal is public and goes to CFIUS."""

    kind: Literal["deal_signed"] = "deal_signed"
    seat: SeatId  # the seat whose signature completed it
    sheet: SheetId
    parties: tuple[SeatId, ...]
    terms: Terms


@frozen
class Rejected(Frozen):
    kind: Literal["rejected"] = "rejected"
    seat: SeatId
    sheet: SheetId


@frozen
class Withdrawn(Frozen):
    kind: Literal["withdrawn"] = "withdrawn"
    seat: SeatId
    sheet: SheetId


@frozen
class Lapsed(Frozen):
    kind: Literal["lapsed"] = "lapsed"
    sheet: SheetId


@frozen
class LeverUsed(Frozen):
    """A lever used; its option is left out where the choice is private."""

    kind: Literal["lever"] = "lever"
    seat: SeatId
    lever: str
    sheet: SheetId | None = None
    option: str | None = None
    mitigations: tuple[Mitigation, ...] = ()


@frozen
class Briefed(Frozen):
    """A private recommendation to the President."""

    kind: Literal["briefing"] = "briefing"
    seat: SeatId
    president: SeatId
    option: str


@frozen
class Finding(Frozen):
    """What due diligence learned: the range the seller's floor for the US business
    looks to lie in (rules: ``due_diligence``)."""

    kind: Literal["intel"] = "intel"
    seat: SeatId
    round: int
    seller: SeatId
    low: int
    high: int


@frozen
class WeekStarted(Frozen):
    kind: Literal["started"] = "started"


@frozen
class PlayPaused(Frozen):
    """Play paused (``paused``) or resumed by the facilitator."""

    kind: Literal["paused"] = "paused"
    paused: bool


@frozen
class Announced(Frozen):
    """The facilitator's public announcement."""

    kind: Literal["announcement"] = "announcement"
    text: str


@frozen
class Noted(Frozen):
    """A control of the room's, for the facilitator and the debrief."""

    kind: Literal["note"] = "note"
    text: str


@frozen
class Reason(Frozen):
    """Why a seat acted as it did (a bot's one line), for the seat and the facilitator."""

    kind: Literal["rationale"] = "rationale"
    seat: SeatId
    action: Action


EventData = Annotated[
    NewsDrawn
    | PhaseBegan
    | TracksMoved
    | TimedOut
    | RoundEnded
    | DeadlineMoved
    | GameEnded
    | Passed
    | StatementMade
    | MessageSent
    | Proposed
    | Signed
    | DealSigned
    | Rejected
    | Withdrawn
    | Lapsed
    | LeverUsed
    | Briefed
    | Finding
    | WeekStarted
    | PlayPaused
    | Announced
    | Noted
    | Reason,
    Field(discriminator="kind"),
]
EVENT_DATA: TypeAdapter[EventData] = TypeAdapter(EventData)


class Event(NamedTuple):
    """One thing that happened, and who may see it (``visible_to`` None: everyone)."""

    data: EventData
    visible_to: frozenset[SeatId] | None = None

    @property
    def kind(self) -> str:
        return self.data.kind

    def visible(self, viewer: Viewer) -> bool:
        """Whether ``viewer`` may see this event."""
        if viewer == FACILITATOR or self.visible_to is None:
            return True
        if viewer == SPECTATOR:
            return False
        return viewer in self.visible_to
