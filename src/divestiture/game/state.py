"""The frozen game state. Every accepted action makes a new one with ``version + 1``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pydantic import Field

from divestiture.game.actions import Terms
from divestiture.game.briefs import BriefValue
from divestiture.game.events import Finding
from divestiture.game.frozen import FrozenMap
from divestiture.game.models import Frozen, frozen
from divestiture.game.scenario import Scenario
from divestiture.game.types import (
    OPEN,
    OVER,
    Mitigation,
    Phase,
    Scope,
    SeatId,
    SheetId,
    SheetStatus,
)
from divestiture.game.valuation import number
from divestiture.game.wording import day_name

# A frozen dataclass's copy is made by hand (see GameState.evolve), with these two.
_new = object.__new__
_set = object.__setattr__
PUBLIC_STATUSES = frozenset(
    {SheetStatus.SIGNED, SheetStatus.CLEARED, SheetStatus.BLOCKED, SheetStatus.CLOSED}
)


@frozen
class TermSheet(Frozen):
    """A proposed deal and where it stands. ``parties`` and ``signatures`` are sorted."""

    id: SheetId
    proposer: SeatId
    terms: Terms
    seller: SeatId
    status: SheetStatus
    parties: tuple[SeatId, ...]
    signatures: tuple[SeatId, ...]
    round_proposed: int
    expires_round: int = Field(description="The last round in which it can still be signed")
    replaces: SheetId | None = None

    @classmethod
    def new(  # noqa: PLR0917 - one positional per field of a fresh sheet
        cls,
        sheet_id: SheetId,
        proposer: SeatId,
        terms: Terms,
        seller: SeatId,
        round_no: int,
        replaces: SheetId | None = None,
    ) -> TermSheet:
        """A freshly proposed sheet, signed by its proposer."""
        return cls(
            id=sheet_id,
            proposer=proposer,
            terms=terms,
            seller=seller,
            status=OPEN,
            parties=tuple(sorted({*terms.buyer_seats, seller})),
            signatures=(proposer,),
            round_proposed=round_no,
            expires_round=round_no + terms.rounds_to_close - 1,
            replaces=replaces,
        )

    def with_status(self, status: SheetStatus) -> TermSheet:
        return replace(self, status=status)

    def signed_by(self, seat: SeatId) -> TermSheet:
        return replace(self, signatures=tuple(sorted({*self.signatures, seat})))

    @property
    def fully_signed(self) -> bool:
        return set(self.signatures) >= set(self.parties)

    @property
    def public(self) -> bool:
        """Once every party has signed, a deal is announced and everyone sees it."""
        return self.status in PUBLIC_STATUSES


@frozen
class ChatMessage(Frozen):
    """A private message; ``kind`` is 'chat' or 'briefing'. ``to`` is sorted."""

    sender: SeatId
    to: tuple[SeatId, ...]
    text: str
    round: int
    kind: str = "chat"


@frozen
class FeedItem(Frozen):
    """A public line: news, a statement, an official action, a result."""

    round: int
    kind: str
    text: str
    seat: SeatId | None = None


@dataclass(frozen=True)
class SeatState:
    """One seat's private and per-phase bookkeeping."""

    brief: FrozenMap[str, BriefValue]
    brief_text: str  # the brief in words, its values filled in (rules: seats.*.brief)
    passed: bool = False
    deal_moves: int = 0
    messages: int = 0
    statements: int = 0
    officials: int = 0
    findings: tuple[Finding, ...] = ()  # what its due diligence learned

    def evolve(self, **changes: object) -> SeatState:
        """A copy with ``changes`` (see ``GameState.evolve``)."""
        new = _new(SeatState)
        _set(new, "__dict__", {**self.__dict__, **changes})
        return new


@dataclass(frozen=True)
class NoDeal:
    """How a game that ended in a deal would have ended without it, when it closed: the
    walk-away of the deal's parties (their scores count their deal against it)."""

    outcome: str  # a ban if the ban order was in force, else a stalemate
    tracks: FrozenMap[str, int]  # the tracks then, the ending's effects applied
    under_ban: bool  # the ban order was in force (the seller's walk-away is lower)


@dataclass(frozen=True)
class GameState:
    """Everything about a game at one version; replaying its log rebuilds it exactly."""

    scenario: Scenario = field(compare=False, repr=False)
    seed: int
    version: int
    round: int
    deadline: int
    phase: Phase
    tracks: FrozenMap[str, int]
    flags: frozenset[str]
    seats: FrozenMap[SeatId, SeatState]
    deck: tuple[str, ...]
    news: tuple[tuple[str, int], ...]  # the cards read out, each with its round
    sheets: tuple[TermSheet, ...] = ()
    for_sale: Scope = Scope.US
    divestiture_scope: Scope | None = None
    required_mitigations: frozenset[Mitigation] = frozenset()
    endorsed: frozenset[SheetId] = frozenset()
    opposed: frozenset[SheetId] = frozenset()
    used_once: frozenset[tuple[SeatId, str]] = frozenset()
    used_this_round: tuple[tuple[SeatId, str], ...] = ()
    messages: tuple[ChatMessage, ...] = ()
    feed: tuple[FeedItem, ...] = ()
    outcome: str | None = None
    closed_sheet: SheetId | None = None
    no_deal: NoDeal | None = None  # set when a deal closes
    started: bool = True  # the week has started (a class's waits for its facilitator)
    paused: bool = False  # the facilitator has paused play

    def evolve(self, **changes: object) -> GameState:
        """A copy with ``changes``: what ``dataclasses.replace`` does, at half the cost.

        The engine makes several copies per action and bots play thousands of games.
        """
        # No __slots__ on purpose: copying the instance dict is one C-level merge.
        new = _new(GameState)
        _set(new, "__dict__", {**self.__dict__, **changes})
        return new

    @property
    def over(self) -> bool:
        return self.phase == OVER

    @property
    def rounds_left(self) -> int:
        """Rounds after the current one before the deadline."""
        return max(0, self.deadline - self.round)

    @property
    def seat_ids(self) -> tuple[SeatId, ...]:
        return tuple(self.seats)

    def sheet(self, sheet_id: SheetId) -> TermSheet | None:
        """The sheet with this id, or None. The engine numbers sheets ts-1, ts-2, ... in order."""
        number = sheet_id[3:] if sheet_id.startswith("ts-") else ""
        if number.isdigit() and 0 < int(number) <= len(self.sheets):
            found = self.sheets[int(number) - 1]
            if found.id == sheet_id:
                return found
        return next((s for s in self.sheets if s.id == sheet_id), None)

    def round_name(self, round_no: int | None = None) -> str:
        return day_name(self.scenario, self.round if round_no is None else round_no)

    def brief(self, seat: SeatId) -> FrozenMap[str, BriefValue]:
        return self.seats[seat].brief

    def number(self, seat: SeatId, name: str, default: float = 0.0) -> float:
        """A numeric brief value (``default`` when the brief has no such number)."""
        return number(self.seats[seat].brief, name, default)
