"""What a seat can ask the engine to do: one pydantic model per action, tagged by ``type``."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, model_validator

from divestiture.game.models import Frozen, frozen
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId, SheetId


@frozen
class Stake(Frozen):
    """A buyer's share of the business after the deal, in percent."""

    seat: SeatId
    percent: int = Field(ge=1, le=100)


@frozen
class Terms(Frozen):
    """The content of a term sheet (GAME.md, 'Term sheet')."""

    buyers: tuple[Stake, ...] = Field(min_length=1)
    seller_stake: int = Field(ge=0, le=99, description="Percent the seller keeps")
    scope: Scope
    price: int = Field(description="Price in $B for the buyers' stakes")
    algorithm: Algorithm
    us_storage: bool = False
    source_code_review: bool = False
    us_board_majority: bool = False
    security_committee: bool = False
    rounds_to_close: int = Field(ge=1, description="The sheet lapses if not signed by then")

    @model_validator(mode="after")
    def _stakes_add_up(self) -> Terms:
        seats = [b.seat for b in self.buyers]
        if len(set(seats)) != len(seats):
            raise ValueError("a buyer is listed twice")
        total = sum(b.percent for b in self.buyers) + self.seller_stake
        if total != 100:
            raise ValueError(f"stakes add up to {total}, not 100")
        if self.price <= 0:
            raise ValueError(f"price must be above 0, got {self.price}")
        return self

    # Cached: asked for by every check, view and bot (terms are frozen).
    @cached_property
    def buyer_seats(self) -> tuple[SeatId, ...]:
        return tuple(b.seat for b in self.buyers)

    @cached_property
    def mitigations(self) -> frozenset[Mitigation]:
        """The data and governance terms this sheet carries."""
        fields = self.__dict__
        return frozenset(m for m, name in _MITIGATION_FIELDS if fields[name])

    def stake_of(self, seat: SeatId) -> int:
        return next((b.percent for b in self.buyers if b.seat == seat), 0)

    def __str__(self) -> str:
        return self._text

    @cached_property
    def _text(self) -> str:
        buyers = " + ".join(f"{b.seat} {b.percent}%" for b in self.buyers)
        terms = ", ".join(sorted(m.value for m in self.mitigations)) or "no data terms"
        return (
            f"{buyers} (seller keeps {self.seller_stake}%) | {self.scope} | ${self.price}B | "
            f"algorithm {self.algorithm} | {terms} | {self.rounds_to_close} round(s) to close"
        )


_MITIGATION_FIELDS = tuple((m, m.value) for m in Mitigation)


@frozen
class _Action(Frozen):
    version: int | None = Field(
        default=None, description="The state version this action was made against"
    )
    rationale: str = Field(
        default="",
        max_length=300,
        description="Why (bots give one line); seen only by the facilitator and the seat",
    )


@frozen
class _DealMove(_Action):
    note: str = Field(
        default="", description="A cover note, delivered privately to the sheet's other parties"
    )


@frozen
class Propose(_DealMove):
    type: Literal["propose"] = "propose"
    terms: Terms
    replaces: SheetId | None = Field(default=None, description="The sheet this counters")


@frozen
class Sign(_DealMove):
    type: Literal["sign"] = "sign"
    sheet: SheetId


@frozen
class Reject(_DealMove):
    type: Literal["reject"] = "reject"
    sheet: SheetId


@frozen
class Withdraw(_DealMove):
    type: Literal["withdraw"] = "withdraw"
    sheet: SheetId


@frozen
class Message(_Action):
    type: Literal["message"] = "message"
    to: tuple[SeatId, ...] = Field(min_length=1)
    text: str = Field(min_length=1)


@frozen
class Statement(_Action):
    type: Literal["statement"] = "statement"
    text: str = Field(min_length=1)


@frozen
class UseLever(_Action):
    """Use one of the seat's levers from the rules (``levers:``)."""

    type: Literal["lever"] = "lever"
    lever: str
    sheet: SheetId | None = None
    option: str | None = None
    mitigations: tuple[Mitigation, ...] = ()


@frozen
class Pass(_Action):
    type: Literal["pass"] = "pass"


@frozen
class Timeout(_Action):
    """The phase timer ran out: every seat that has not finished passes."""

    type: Literal["timeout"] = "timeout"


# -- the facilitator's controls, each in the game's log --------------------------------------


@frozen
class StartWeek(_Action):
    """The facilitator starts the week: from now on the seats may act."""

    type: Literal["start"] = "start"


@frozen
class Pause(_Action):
    """The facilitator pauses play (``paused``) or resumes it: while paused no seat acts."""

    type: Literal["pause"] = "pause"
    paused: bool = True


@frozen
class Announce(_Action):
    """A public announcement by the facilitator, on the feed."""

    type: Literal["announce"] = "announce"
    text: str = Field(min_length=1, max_length=500)


@frozen
class PlayNews(_Action):
    """The facilitator reads out a news card now: ``card`` if it is still in the deck,
    else the deck's next."""

    type: Literal["news"] = "news"
    card: str | None = None


@frozen
class Note(_Action):
    """A control of the room's (a student moved, a timer changed), kept in the game's log
    for the debrief; the game does not change."""

    type: Literal["note"] = "note"
    text: str = Field(min_length=1, max_length=300)


Action = Annotated[
    Propose
    | Sign
    | Reject
    | Withdraw
    | Message
    | Statement
    | UseLever
    | Pass
    | Timeout
    | StartWeek
    | Pause
    | Announce
    | PlayNews
    | Note,
    Field(discriminator="type"),
]
# The actions only the facilitator (and its clock) may take.
FACILITATOR_ACTIONS = frozenset({"timeout", "start", "pause", "announce", "news", "note"})
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)

DEAL_MOVES = ("propose", "sign", "reject", "withdraw")


def parse_action(data: object) -> Action:
    """Validate a JSON-like object as an action (raises pydantic's ValidationError)."""
    return ACTION_ADAPTER.validate_python(data)
