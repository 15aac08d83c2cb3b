"""The ``bots:`` section of a rules file: concession curves, difficulties, personalities.

Bots concede with time-dependent tactics from negotiation research (Faratin,
Sierra & Jennings 1998): at time t in [0, 1] a bot has given up the fraction
F(t) = k + (1 - k) * t ** (1 / beta) of the gap between its opening and its
reservation value. beta < 1 is Boulware (holds firm, concedes late), beta = 1
is linear, beta > 1 is a conceder. A tit-for-tat weight mirrors the other
side's last concession (behaviour-dependent tactics, same paper).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from divestiture.game.models import Frozen, frozen
from divestiture.game.types import Scope, SeatId

# The situations a bot speaks in (rules: bots.lines and a personality's lines).
SITUATIONS = frozenset(
    {
        "news", "reply", "reply_official", "reply_partner",  # answering the news, a message
        "propose", "joint", "counter", "hold", "accept", "reject", "withdraw", "step_back",
        "go_alone", "part_ways",  # a buyer leaving a joint bid: to the seller, the partner
        "announce_ban", "warn", "endorse", "oppose",  # the president
        "answer_ban", "rival",  # the seller: a ban is ordered; another buyer offers more
        "requirements", "block",  # the regulator
    }
)  # fmt: skip

# The reasons a bot gives (for the debrief) that are worded in the scenario's own terms
# (rules: bots.reasons); each has a plain default in the bots' code.
Reason = Literal["lobbying", "review", "announce_ban", "answer_ban"]


def _known_situations(lines: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    unknown = sorted(set(lines) - SITUATIONS)
    if unknown:
        known = ", ".join(sorted(SITUATIONS))
        raise ValueError(f"no bot speaks in {', '.join(unknown)} (the situations: {known})")
    return lines


@frozen
class Curve(Frozen):
    """A time-dependent concession curve."""

    description: str
    beta: float = Field(gt=0)
    k: float = Field(default=0.0, ge=0, le=1)

    def conceded(self, t: float) -> float:
        """The fraction of the opening-to-reservation gap given up at time ``t``."""
        t = min(1.0, max(0.0, t))
        return float(self.k + (1 - self.k) * t ** (1 / self.beta))


@frozen
class Difficulty(Frozen):
    """How well a bot plays, whatever its personality."""

    description: str
    misjudge: float = Field(ge=0, description="$B of error in judging a price")
    slip: float = Field(ge=0, le=1, description="chance of an unplanned legal action")
    investigates: bool = Field(description="buyers do due diligence before bidding")
    reads_requirements: bool = Field(description="offers carry the regulator's public requirements")
    deadline_sense: float = Field(
        ge=0, le=1, description="how fully it concedes to its reservation on the last day"
    )


@frozen
class Personality(Frozen):
    """How a seat's bot bargains: its curve, opening, mirroring and seat-specific traits."""

    name: str
    description: str
    curve: str
    opening: float = Field(ge=0, le=2, description="opening margin beyond the reservation value")
    tit_for_tat: float = Field(default=0.0, ge=0, le=1)
    talk: float = Field(
        default=0.5, ge=0, le=1, description="chance of a statement when news breaks"
    )
    traits: dict[str, float] = Field(default_factory=dict)
    lines: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    _lines_known = field_validator("lines")(_known_situations)


@frozen
class BotRules(Frozen):
    anchors: dict[Scope, float] = Field(
        description="What each scope is worth as a multiple of the public value track"
    )
    walk_margin: float = Field(
        ge=0,
        description="$B above a buyer's limit at which it takes back its own offer, and "
        "past which it no longer holds at a price it named before",
    )
    curves: dict[str, Curve]
    difficulties: dict[str, Difficulty]
    personalities: dict[SeatId, dict[str, Personality]]
    lines: dict[SeatId, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    reasons: dict[Reason, str] = Field(
        default_factory=dict, description="Reasons in the scenario's words, by situation"
    )

    @field_validator("lines")
    @classmethod
    def _situations(
        cls, lines: dict[SeatId, dict[str, tuple[str, ...]]]
    ) -> dict[SeatId, dict[str, tuple[str, ...]]]:
        for seat_lines in lines.values():
            _known_situations(seat_lines)
        return lines
