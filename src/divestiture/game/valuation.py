"""What a deal's terms are worth: to a buyer and to the seller, from their briefs, and to
the security risk, from the public rules. The engine, the scores and the bots all use
these, so each is written once."""

from __future__ import annotations

from collections.abc import Mapping

from divestiture.game.actions import Terms
from divestiture.game.briefs import BriefValue
from divestiture.game.scenario import Scenario
from divestiture.game.types import Algorithm, Scope, SeatId

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


def seller_walkaway(
    sc: Scenario, brief: BriefValues, scope: Scope, algorithm: Algorithm, ban: float = 0.0
) -> float:
    """The lowest price the seller may take for the whole business: its floor for the
    scope (the algorithm kept), plus what it gives up of the algorithm, less ``ban`` times
    what a ban would cost it (1 once a ban is coming: then a sale down to there beats it)."""
    given_up = sc.deal_utility.algorithm_given_up.get(algorithm, 0.0)
    floor = seller_floor(brief, scope) + number(brief, "keep_algorithm") * given_up
    return floor - ban * number(brief, "ban_loss")


def buyer_walkaway(brief: BriefValues, terms: Terms, seat: SeatId) -> float:
    """The most the buyers together may pay for these terms, as ``seat`` sees it: what its
    stake is worth to it, and no more than its capital covers, grossed up to the price."""
    stake = terms.stake_of(seat) / sum(b.percent for b in terms.buyers)  # its part of the price
    value = buyer_value(brief, terms.scope, terms.algorithm, len(terms.mitigations)) * sold(terms)
    capital = number(brief, "capital")
    return min(value, capital / stake) if capital and stake else value


def surplus(sc: Scenario, brief: BriefValues, seat: SeatId, terms: Terms, under_ban: bool) -> float:
    """How much better than its walk-away these terms are for ``seat``, in $B: the seller's
    price over its walk-away; a buyer's part of the business over its part of the price."""
    if seat == sc.roles.seller:
        walkaway = seller_walkaway(sc, brief, terms.scope, terms.algorithm, float(under_ban))
        return terms.price - walkaway * sold(terms)
    stake = terms.stake_of(seat) / sum(b.percent for b in terms.buyers)
    return stake * (buyer_walkaway(brief, terms, seat) - terms.price)


def sold(terms: Terms) -> float:
    """The part of the business the buyers take (the seller may keep a stake)."""
    return (100 - terms.seller_stake) / 100
