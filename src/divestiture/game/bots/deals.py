"""The bots' arithmetic of deals: shares, valid terms, and threads of counter-offers.

Everything here reads public rules, the bot's own view or its own brief, never another
seat's. What terms are worth to each side is ``game.valuation``'s.
"""

from __future__ import annotations

from divestiture.game.actions import Stake, Terms
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId


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
