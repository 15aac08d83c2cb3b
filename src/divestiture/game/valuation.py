"""What a deal's terms are worth: to a buyer and to the seller, from their briefs, and to
the security risk, from the public rules. The engine, the scores and the bots all use
these, so each is written once."""

from __future__ import annotations

from collections.abc import Mapping

from divestiture.game.actions import Terms
from divestiture.game.briefs import BriefValue
from divestiture.game.scenario import Scenario
from divestiture.game.types import Algorithm, Scope

BriefValues = Mapping[str, BriefValue]


def number(brief: BriefValues, name: str, default: float = 0.0) -> float:
    """A numeric brief value (``default`` when the brief has no such number)."""
    value = brief.get(name, default)
    return value if isinstance(value, float) else default


def buyer_value(brief: BriefValues, scope: Scope, algorithm: Algorithm, mitigations: int) -> float:
    """What the whole business is worth to a buyer (as its brief says) with this scope and
    algorithm, and this many data and governance terms to run."""
    value = number(brief, "walk_away")
    value += number(brief, f"scope_bonus_{scope}")
    value += number(brief, f"algorithm_bonus_{algorithm}")
    value -= number(brief, "mitigation_cost") * mitigations
    return value


def seller_floor(brief: BriefValues, scope: Scope) -> float:
    """The seller's reservation price for a scope."""
    return number(brief, f"reservation_{scope.value}")


def risk_relief(sc: Scenario, terms: Terms) -> int:
    """How much closing these terms lowers the risk (rules: deal_risk)."""
    rules = sc.deal_risk
    relief = sum(rules.mitigation_relief.get(m, 0) for m in terms.mitigations)
    relief += rules.algorithm_relief.get(terms.algorithm, 0)
    if terms.seller_stake <= rules.control_max_seller_stake:
        relief += rules.control_relief
    return relief


def projected_risk(sc: Scenario, current: int, terms: Terms) -> int:
    """The risk once these terms close, from ``current``."""
    track = sc.tracks[sc.deal_risk.track]
    return max(track.min, current - risk_relief(sc, terms))
