"""Scores (0-100 per seat, from the rules' weighted objectives) and the outcome class."""

from __future__ import annotations

from dataclasses import dataclass

from divestiture.game.scenario import Objective
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import OutcomeKind, SeatId
from divestiture.game.valuation import buyer_value, seller_floor


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    label: str
    public: bool
    weight: float
    value: float  # 0..1


@dataclass(frozen=True, slots=True)
class SeatScore:
    seat: SeatId
    total: float  # 0..100
    objectives: tuple[ObjectiveScore, ...]


def scores(state: GameState) -> dict[SeatId, SeatScore]:
    """Every seat's score. Before the end it scores the game as if it ended now in stalemate."""
    return {seat: score_seat(state, seat) for seat in state.seats}


def score_seat(state: GameState, seat: SeatId) -> SeatScore:
    """One seat's score against its objectives (``scoring.<seat>`` in the rules)."""
    parts = []
    for ob in state.scenario.scoring.get(seat, ()):
        weight = ob.weight + sum(c * state.number(seat, f) for f, c in ob.weight_from.items())
        weight = max(0.0, weight)
        value = min(1.0, max(0.0, _metric(state, seat, ob)))
        parts.append(ObjectiveScore(ob.label, ob.public, round(weight, 4), round(value, 4)))
    total_w = sum(p.weight for p in parts)
    total = 100.0 * sum(p.weight * p.value for p in parts) / total_w if total_w else 0.0
    return SeatScore(seat, round(total, 2), tuple(parts))


def _closed(state: GameState) -> TermSheet | None:
    return state.sheet(state.closed_sheet) if state.closed_sheet else None


def _by_outcome(state: GameState, ob: Objective) -> float:
    outcome = state.outcome or OutcomeKind.STALEMATE.value
    if outcome in ob.by_outcome:
        return ob.by_outcome[outcome]
    kind = next((o.kind for o in state.scenario.outcomes if o.id == outcome), outcome)
    return ob.by_outcome.get(str(kind), 0.0)


def _track_fraction(state: GameState, track: str) -> float:
    t = state.scenario.tracks[track]
    return (state.tracks[track] - t.min) / (t.max - t.min)


def _metric(state: GameState, seat: SeatId, ob: Objective) -> float:
    m = ob.metric
    deal = _closed(state)
    if m == "outcome":
        return _by_outcome(state, ob)
    if m == "track_low":
        return 1.0 - _track_fraction(state, str(ob.track))
    if m == "track_high":
        return _track_fraction(state, str(ob.track))
    if m == "risk_tolerance":
        over = state.tracks[state.scenario.deal_risk.track] - state.number(seat, "risk_tolerance")
        return 1.0 if over <= 0 else 1.0 - over / float(ob.spread or 1)
    if deal is None or (m in _BUYER_METRICS and seat not in deal.terms.buyer_seats):
        return _by_outcome(state, ob)
    terms = deal.terms
    if m == "essential_mitigations":
        essential = state.brief(seat).get("essential", ())
        wanted = essential if isinstance(essential, tuple) else ()
        have = {mi.value for mi in terms.mitigations}
        return sum(1 for w in wanted if w in have) / len(wanted) if wanted else 1.0
    if m == "seller_price":
        reservation = seller_floor(state.brief(seat), terms.scope)
        return 0.5 + (terms.price - reservation) / (2 * float(ob.spread or 1))
    if m == "buyer_surplus":
        value = buyer_value(state.brief(seat), terms.scope, terms.algorithm, len(terms.mitigations))
        surplus = value - terms.price
        return 0.5 + surplus / (2 * float(ob.spread or 1))
    if m == "within_capital":
        share = terms.stake_of(seat) / sum(b.percent for b in terms.buyers)
        return 1.0 if share * terms.price <= state.number(seat, "capital") else 0.0
    if m == "keeps_algorithm":
        return ob.by_algorithm.get(terms.algorithm, 0.0)
    if m == "keeps_world":
        return ob.by_scope.get(terms.scope, 0.0)
    if m == "endorsed_deal":
        return 1.0 if deal.id in state.endorsed else _by_outcome(state, ob)
    if m == "us_ownership":
        return 1.0 - terms.seller_stake / 100
    if m == "in_deal":
        return 1.0
    raise AssertionError(f"unknown metric {m}")  # pragma: no cover


_BUYER_METRICS = frozenset({"buyer_surplus", "within_capital", "in_deal"})
