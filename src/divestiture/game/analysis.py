"""The maths of a game's deals: what each party would walk away with, the deals the
regulator could clear, the Pareto frontier and the Nash point among them, the zone of
possible agreement on price, and how the deal struck compares (for the debrief and
``divest analyze``).

Pure: it replays the game and reads it through the engine's public functions
(``end_without_deal`` for the walk-aways) and the rules' valuations and scores; a deal
scores here as ``close_now`` would close it (tests/game/test_analysis.py checks). Every
candidate deal is one the regulator could clear now: a scope for sale and covering any
divestiture order, the published requirements carried, any algorithm, any price in whole
$B; the frontier and the Nash point are among those every party would take.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from divestiture.game.actions import Action, Stake, Terms
from divestiture.game.engine import apply, end_without_deal, start
from divestiture.game.moves import Actor
from divestiture.game.scenario import Scenario
from divestiture.game.scoring import SeatScore, deal_score, scores
from divestiture.game.state import GameState
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId
from divestiture.game.valuation import buyer_walkaway, seller_walkaway, surplus

JOINT_SPLITS = (70, 60, 50, 40, 30)  # the first buyer's percent in a joint deal considered


@dataclass(frozen=True, slots=True)
class Point:
    """A deal the regulator could clear, and each party's score if it closed now."""

    terms: Terms
    scores: tuple[float, ...]  # in the order of its space's parties


@dataclass(frozen=True, slots=True)
class Zone:
    """The prices every party of a scope's deal would take: from the seller's walk-away to
    the most the buyers together would pay, on the terms that leave the widest zone."""

    scope: Scope
    algorithm: Algorithm
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class DealSpace:
    """The deals between the seller and one set of buyers."""

    buyers: tuple[SeatId, ...]
    parties: tuple[SeatId, ...]  # the seller, then the buyers
    walk_away: tuple[float, ...]  # each party's score with no deal
    # The deals every party would take that no other such deal betters for every party.
    frontier: tuple[Point, ...]
    nash: Point | None  # the deal that maximises the product of the parties' gains
    zones: tuple[Zone, ...]  # per scope, where every party gains

    @property
    def possible(self) -> bool:
        """Whether some deal leaves every party better off than no deal."""
        return self.nash is not None


@dataclass(frozen=True, slots=True)
class Analysis:
    """A game's deal space at one moment, and the deal it struck."""

    version: int  # the state analysed: before the action that ended the game, if it ended
    seller: SeatId
    walk_away_price: dict[Scope, float]  # the seller's, the algorithm kept
    spaces: tuple[DealSpace, ...]
    agreed: Point | None  # the deal that closed, scored for its parties
    agreed_space: DealSpace | None
    frontier_distance: float | None  # from the deal struck to the nearest frontier deal
    nash_distance: float | None  # from the deal struck to the Nash point

    @property
    def missed(self) -> bool:
        """No deal closed although one would have left every party of it better off."""
        return self.agreed is None and any(s.possible for s in self.spaces)


def analyse(
    sc: Scenario,
    seed: int,
    log: Sequence[tuple[Actor, Action]],
    *,
    version: int | None = None,
    rounds: int | None = None,
    wait_for_start: bool = False,
) -> Analysis:
    """The analysis of a game from its seed and log, at ``version`` (its end if None);
    ``rounds`` and ``wait_for_start`` as the game was started with (a class's table waits
    for its teacher, and its log begins with the facilitator starting the week).

    A game that has ended is analysed as it stood before its last action (whose deal or
    deadline ended it), so the deals that were possible then are the ones shown.
    """
    state = start(sc, seed, rounds, wait_for_start=wait_for_start).state
    for actor, action in log:
        if version is not None and state.version >= version:
            break
        after = apply(state, actor, action).state
        if after.over:
            return analyse_state(state, closed=after)
        state = after
    return analyse_state(state)


def analyse_state(state: GameState, closed: GameState | None = None) -> Analysis:
    """The deal space of ``state``; ``closed`` is the state the next action led to, if
    it ended the game (its deal, if one closed, is the one struck)."""
    sc = state.scenario
    seller = sc.roles.seller
    walked = scores(end_without_deal(state))
    spaces = tuple(_space(state, buyers, walked) for buyers in _buyer_sets(sc))
    agreed, agreed_space = None, None
    deal = closed.sheet(closed.closed_sheet) if closed and closed.closed_sheet else None
    if closed is not None and deal is not None:
        agreed_space = next(s for s in spaces if set(s.buyers) == set(deal.terms.buyer_seats))
        final = scores(closed)  # as the deal really scored
        agreed = Point(deal.terms, tuple(final[p].total for p in agreed_space.parties))
    brief = state.brief(seller)
    walk_price = {s: seller_walkaway(sc, brief, s, Algorithm.EXCLUDED) for s in Scope}
    return Analysis(
        version=state.version,
        seller=seller,
        walk_away_price=walk_price,
        spaces=spaces,
        agreed=agreed,
        agreed_space=agreed_space,
        frontier_distance=_nearest(agreed, agreed_space.frontier) if agreed_space else None,
        nash_distance=_nearest(agreed, (agreed_space.nash,))
        if agreed_space and agreed_space.nash
        else None,
    )


def _buyer_sets(sc: Scenario) -> list[tuple[SeatId, ...]]:
    buyers = sc.roles.buyers
    return [(b,) for b in buyers] + [pair for pair in itertools.combinations(buyers, 2)]


def _space(
    state: GameState, buyers: tuple[SeatId, ...], walked: dict[SeatId, SeatScore]
) -> DealSpace:
    sc = state.scenario
    seller = sc.roles.seller
    parties = (seller, *buyers)
    walk = tuple(walked[p].total for p in parties)
    under_ban = sc.endings.ban_flag in state.flags
    points: list[Point] = []
    zones: list[Zone] = []
    for scope in clearable_scopes(state):
        best: Zone | None = None
        for algorithm in Algorithm:
            for stakes in _stakes(buyers):
                base = _terms(state, stakes, scope, algorithm, 1)
                low = seller_walkaway(sc, state.brief(seller), scope, algorithm, float(under_ban))
                high = min(buyer_walkaway(state.brief(b), base, b) for b in buyers)
                if best is None or high - low > best.high - best.low:
                    best = Zone(scope, algorithm, low, high)
                points += _priced(
                    state,
                    parties,
                    walk,
                    stakes=stakes,
                    scope=scope,
                    algorithm=algorithm,
                    low=low,
                    high=high,
                )
        if best is not None and best.high > best.low:
            zones.append(best)
    # Only the deals every party would take (none scores below its walk-away).
    acceptable = [p for p in points if all(s >= w for s, w in zip(p.scores, walk, strict=True))]
    frontier = pareto(acceptable)
    return DealSpace(buyers, parties, walk, frontier, nash(frontier, walk), tuple(zones))


def clearable_scopes(state: GameState) -> list[Scope]:
    """The scopes a deal may cover now: for sale, and covering any divestiture order."""
    ordered = state.divestiture_scope.rank if state.divestiture_scope is not None else 0
    return [s for s in Scope if ordered <= s.rank <= state.for_sale.rank]


def _stakes(buyers: tuple[SeatId, ...]) -> list[tuple[Stake, ...]]:
    if len(buyers) == 1:
        return [(Stake(seat=buyers[0], percent=100),)]
    first, second = buyers
    return [
        (Stake(seat=first, percent=p), Stake(seat=second, percent=100 - p)) for p in JOINT_SPLITS
    ]


def _terms(
    state: GameState, stakes: tuple[Stake, ...], scope: Scope, algorithm: Algorithm, price: int
) -> Terms:
    """Terms the regulator could clear: exactly its published requirements (more would
    only cost the buyers)."""
    required = state.required_mitigations
    return Terms(
        buyers=stakes,
        seller_stake=0,
        scope=scope,
        price=price,
        algorithm=algorithm,
        rounds_to_close=1,
        **{m.value: m in required for m in Mitigation},
    )


def _priced(
    state: GameState,
    parties: tuple[SeatId, ...],
    walk: tuple[float, ...],
    *,
    stakes: tuple[Stake, ...],
    scope: Scope,
    algorithm: Algorithm,
    low: float,
    high: float,
) -> Iterable[Point]:
    """The deals of one shape at each whole-$B price from the seller's walk-away to the
    buyers' (the only prices every party could take)."""
    sc = state.scenario
    rules = sc.term_sheets
    under_ban = sc.endings.ban_flag in state.flags
    start_at = max(rules.price_min, math.floor(low))
    stop_at = min(rules.price_max, math.ceil(high))
    for price in range(start_at, stop_at + 1):
        terms = _terms(state, stakes, scope, algorithm, price)
        yield Point(
            terms,
            tuple(
                deal_score(
                    w, surplus(sc, state.brief(p), p, terms, under_ban), sc.deal_utility.half[p]
                )
                for p, w in zip(parties, walk, strict=True)
            ),
        )


def pareto(points: Iterable[Point]) -> tuple[Point, ...]:
    """The points no other point betters for every party (at least as good for all, and
    better for one), in order of the first party's score."""
    ordered = sorted(points, key=lambda p: p.scores, reverse=True)
    front: list[Point] = []
    for point in ordered:
        if not any(_dominates(other.scores, point.scores) for other in front):
            front.append(point)
    return tuple(sorted(front, key=lambda p: p.scores[0]))


def _dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(x >= y for x, y in zip(a, b, strict=True)) and a != b


def nash(points: Iterable[Point], walk: tuple[float, ...]) -> Point | None:
    """The point that maximises the product of every party's gain over its walk-away,
    among those where each gains (None if no point leaves every party better off)."""
    best, best_product = None, 0.0
    for point in points:
        gains = [s - w for s, w in zip(point.scores, walk, strict=True)]
        if min(gains) <= 0:
            continue
        product = math.prod(gains)
        if product > best_product:
            best, best_product = point, product
    return best


def _nearest(agreed: Point | None, points: Iterable[Point]) -> float | None:
    if agreed is None:
        return None
    return min((math.dist(agreed.scores, p.scores) for p in points), default=None)
