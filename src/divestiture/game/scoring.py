"""Scores: 0-100 per seat, from the rules' weighted objectives, and for a party to a
closed deal, from its deal against its walk-away (rules: ``scoring``, ``deal_utility``).

A seat that is party to the deal that closed (the seller, its buyers) scores as it would
have with no deal (its objectives, on the game as it would have ended without the deal:
its walk-away), moved towards 100 by the deal's surplus over its walk-away in $B, or
towards 0 by a shortfall: so a better deal always scores more, and a deal worse than
walking away scores less than walking away.
"""

from __future__ import annotations

from dataclasses import dataclass

from divestiture.game.scenario import Objective
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import OutcomeKind, SeatId
from divestiture.game.valuation import surplus


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    label: str
    public: bool
    weight: float
    value: float  # 0..1


@dataclass(frozen=True, slots=True)
class SeatScore:
    seat: SeatId
    total: float  # 0..100 (not rounded: a better deal always scores more)
    objectives: tuple[ObjectiveScore, ...]
    # For a party to the closed deal: its score with no deal, and the deal's surplus in $B.
    walk_away: float | None = None
    surplus: float | None = None


def scores(state: GameState) -> dict[SeatId, SeatScore]:
    """Every seat's score. Before the end it scores the game as if it ended now in stalemate."""
    return {seat: score_seat(state, seat) for seat in state.seats}


def score_seat(state: GameState, seat: SeatId) -> SeatScore:
    """One seat's score: its objectives, or its deal against its walk-away."""
    sc = state.scenario
    half = sc.deal_utility.half.get(seat)
    deal = _closed(state)
    if half is None or deal is None or state.no_deal is None or seat not in deal.parties:
        return _objectives(state, seat)
    no_deal = state.no_deal
    walked = _objectives(
        state.evolve(outcome=no_deal.outcome, tracks=no_deal.tracks, closed_sheet=None), seat
    )
    gained = surplus(sc, state.brief(seat), seat, deal.terms, no_deal.under_ban)
    total = deal_score(walked.total, gained, half)
    share = toward(gained, half)
    line = ObjectiveScore(
        f"Your deal: ${gained:+.1f}B against your walk-away", False, 0.0, round((share + 1) / 2, 4)
    )
    return SeatScore(seat, total, (*walked.objectives, line), walked.total, gained)


def deal_score(walk_away: float, gained: float, half: float) -> float:
    """A deal party's score: its ``walk_away`` score moved by a surplus of ``gained`` $B,
    towards 100 (or, short of its walk-away, towards 0)."""
    share = toward(gained, half)
    return walk_away + (100 - walk_away if share >= 0 else walk_away) * share


def toward(gained: float, half: float) -> float:
    """How far a surplus of ``gained`` $B goes, from -1 to 1: half way at ``half``, never
    the whole way, and further for every $B more."""
    return gained / (abs(gained) + half)


def _objectives(state: GameState, seat: SeatId) -> SeatScore:
    parts = []
    for ob in state.scenario.scoring.get(seat, ()):
        weight = ob.weight + sum(c * state.number(seat, f) for f, c in ob.weight_from.items())
        weight = max(0.0, weight)
        value = min(1.0, max(0.0, _metric(state, seat, ob)))
        parts.append(ObjectiveScore(ob.label, ob.public, round(weight, 4), round(value, 4)))
    total_w = sum(p.weight for p in parts)
    total = 100.0 * sum(p.weight * p.value for p in parts) / total_w if total_w else 0.0
    return SeatScore(seat, total, tuple(parts))


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
    if m == "outcome":
        return _by_outcome(state, ob)
    if m == "track_low":
        return 1.0 - _track_fraction(state, str(ob.track))
    if m == "track_high":
        return _track_fraction(state, str(ob.track))
    if m == "risk_tolerance":
        over = state.tracks[state.scenario.deal_risk.track] - state.number(seat, "risk_tolerance")
        return 1.0 if over <= 0 else 1.0 - over / float(ob.spread or 1)
    deal = _closed(state)
    if deal is None:
        return _by_outcome(state, ob)
    if m == "essential_mitigations":
        essential = state.brief(seat).get("essential", ())
        wanted = essential if isinstance(essential, tuple) else ()
        have = {mi.value for mi in deal.terms.mitigations}
        return sum(1 for w in wanted if w in have) / len(wanted) if wanted else 1.0
    if m == "endorsed_deal":
        return 1.0 if deal.id in state.endorsed else _by_outcome(state, ob)
    raise AssertionError(f"unknown metric {m}")  # pragma: no cover
