"""What a deal is worth, and what it would do to the risk: the bots' arithmetic.

Everything here reads public rules or the bot's own brief, never another seat's.
"""

from __future__ import annotations

from divestiture.game.actions import Stake, Terms
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId

BriefValues = dict[str, float | tuple[str, ...]]


def number(brief: BriefValues, name: str, default: float = 0.0) -> float:
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
    """How much closing these terms would lower the risk (rules: deal_risk)."""
    rules = sc.deal_risk
    relief = sum(rules.mitigation_relief.get(m, 0) for m in terms.mitigations)
    relief += rules.algorithm_relief.get(terms.algorithm, 0)
    if terms.seller_stake <= rules.control_max_seller_stake:
        relief += rules.control_relief
    return relief


def projected_risk(sc: Scenario, current: int, terms: Terms) -> int:
    track = sc.tracks[sc.deal_risk.track]
    return max(track.min, current - risk_relief(sc, terms))


def share_of(terms: Terms, seat: SeatId) -> float:
    """A buyer's part of what the buyers pay (and gain)."""
    total = sum(b.percent for b in terms.buyers)
    return terms.stake_of(seat) / total if total else 0.0


def make_terms(  # noqa: PLR0917 - the fields of a term sheet, in order
    sc: Scenario,
    stakes: tuple[tuple[SeatId, int], ...],
    scope: Scope,
    price: float,
    algorithm: Algorithm,
    mitigations: frozenset[Mitigation],
    rounds_to_close: int = 2,
) -> Terms:
    """Valid terms: the price rounded and kept within the rules' bounds."""
    rules = sc.term_sheets
    return Terms(
        buyers=tuple(Stake(seat=s, percent=p) for s, p in stakes),
        seller_stake=100 - sum(p for _, p in stakes),
        scope=scope,
        price=max(rules.price_min, min(rules.price_max, round(price))),
        algorithm=algorithm,
        us_storage=Mitigation.US_STORAGE in mitigations,
        source_code_review=Mitigation.SOURCE_CODE_REVIEW in mitigations,
        us_board_majority=Mitigation.US_BOARD_MAJORITY in mitigations,
        security_committee=Mitigation.SECURITY_COMMITTEE in mitigations,
        rounds_to_close=min(rounds_to_close, rules.rounds_to_close_max),
    )


def chain_root(sheets: tuple[TermSheet, ...], sheet: TermSheet) -> str:
    """The first sheet of a chain of counters, naming one negotiation thread."""
    by_id = {s.id: s for s in sheets}
    while sheet.replaces and sheet.replaces in by_id:
        sheet = by_id[sheet.replaces]
    return sheet.id


def named_last(sheets: tuple[TermSheet, ...], sheet: TermSheet, seat: SeatId) -> TermSheet | None:
    """The latest sheet ``seat`` proposed in ``sheet``'s chain of counters (``sheet`` itself
    or one it answers), or None if it has proposed none in it."""
    by_id = {s.id: s for s in sheets}
    found: TermSheet | None = sheet
    while found is not None and found.proposer != seat:
        found = by_id.get(found.replaces) if found.replaces else None
    return found
