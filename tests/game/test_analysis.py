"""The maths of a game's deals: each deal scores as the engine would close it, and the
frontier and the Nash point are what a brute-force search of every deal finds."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

from divestiture.game import DEFAULT_SCENARIO, load_scenario, scores
from divestiture.game.actions import Stake, Terms
from divestiture.game.analysis import JOINT_SPLITS, analyse, analyse_state, clearable_scopes
from divestiture.game.briefs import draw_briefs
from divestiture.game.engine import apply, close_now, end_without_deal, start
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId

SC = load_scenario(DEFAULT_SCENARIO)
HARBOUR = load_scenario(Path(__file__).resolve().parents[1] / "fixtures/harbour/harbour.yaml")


def test_every_point_scores_as_the_engine_would_close_it() -> None:
    """A frontier deal's scores are those of the game closed on it now (close_now)."""
    players = player_factory(SC)
    checked = 0
    for seed in game_seeds(4, 6):
        record = play_game(SC, seed, players)
        found = analyse(SC, seed, record.log[: len(record.log) // 2])
        state = start(SC, seed).state
        for actor, action in record.log[: len(record.log) // 2]:
            state = apply(state, actor, action).state
        for space in found.spaces:
            for point in space.frontier[:: max(1, len(space.frontier) // 4)]:
                final = scores(close_now(state, point.terms))
                for party, score in zip(space.parties, point.scores, strict=True):
                    assert math.isclose(final[party].total, score, abs_tol=1e-9)
                    checked += 1
    assert checked > 20


def _brute_force(state: GameState, parties: tuple[SeatId, ...]) -> list[tuple[float, ...]]:
    """Every deal between these parties the regulator could clear now, at every price the
    rules allow up to 60, scored by closing the game on it: the scores of those every
    party would take."""
    sc = state.scenario
    buyers = parties[1:]
    walk = tuple(scores(end_without_deal(state))[p].total for p in parties)
    stake_sets: list[tuple[Stake, ...]]
    if len(buyers) == 1:
        stake_sets = [(Stake(seat=buyers[0], percent=100),)]
    else:
        stake_sets = [
            (Stake(seat=buyers[0], percent=p), Stake(seat=buyers[1], percent=100 - p))
            for p in JOINT_SPLITS
        ]
    optional = [m for m in Mitigation if m not in state.required_mitigations]
    found = []
    for stakes, scope, algorithm, extra in itertools.product(
        stake_sets,
        clearable_scopes(state),
        Algorithm,
        itertools.chain.from_iterable(
            itertools.combinations(optional, n) for n in range(len(optional) + 1)
        ),
    ):
        carried = {*state.required_mitigations, *extra}
        for price in range(sc.term_sheets.price_min, 61):
            terms = Terms(
                buyers=stakes,
                seller_stake=0,
                scope=scope,
                price=price,
                algorithm=algorithm,
                rounds_to_close=1,
                **{m.value: m in carried for m in Mitigation},
            )
            final = scores(close_now(state, terms))
            point = tuple(final[p].total for p in parties)
            if all(s >= w for s, w in zip(point, walk, strict=True)):
                found.append(point)
    return found


def test_frontier_and_nash_point_match_a_brute_force_search() -> None:
    """On the small second scenario, the frontier is exactly the deals every party would
    take that no other betters for all, and the Nash point maximises the product of the
    gains, both among every deal the regulator could clear (every price, every set of data
    and governance terms)."""
    checked = 0
    for seed in (1, 2, 3):
        state = start(HARBOUR, seed).state
        found = analyse_state(state)
        for space in found.spaces:
            every = _brute_force(state, space.parties)
            front = {
                p
                for p in every
                if not any(all(x >= y for x, y in zip(o, p, strict=True)) and o != p for o in every)
            }
            assert {p.scores for p in space.frontier} == front
            products = [_gains(p, space.walk_away) for p in front]
            positive = [g for g in products if g is not None]
            if space.nash is None:
                assert not positive
            else:
                assert math.isclose(_gains(space.nash.scores, space.walk_away) or 0, max(positive))
            checked += len(front)
    assert checked > 10


def _gains(point: tuple[float, ...], walk: tuple[float, ...]) -> float | None:
    """The product of every party's gain over its walk-away (None if one gains nothing)."""
    gains = [s - w for s, w in zip(point, walk, strict=True)]
    return math.prod(gains) if min(gains) > 0 else None


def test_ten_thousand_briefs_are_consistent() -> None:
    """In every draw the seller's floor rises with the scope and a buyer's value never
    falls as the scope widens."""
    seller = SC.roles.seller
    for i in range(10_000):
        briefs = draw_briefs(SC, random.Random(i))
        floors = [briefs[seller][f"reservation_{s.value}"] for s in Scope]
        assert floors == sorted(floors), (i, floors)
        for buyer in SC.roles.buyers:
            bonuses = [briefs[buyer].get(f"scope_bonus_{s.value}", 0.0) for s in Scope]
            assert all(isinstance(b, float) and b >= 0 for b in bonuses), (i, buyer, bonuses)
