"""The key property test: many seeded random games keep every rule.

Each game is played by random players and checked at every step by
``rule_checks.play_and_check``: every legal action applies, probes the rules
should refuse are refused and change nothing, no view holds another seat's
secret, and a replay of the log gives the same state.
"""

from __future__ import annotations

import random

import pytest

from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.simulation import Player, RandomPlayer, game_seeds
from divestiture.game.types import SeatId
from tests.game.rule_checks import play_and_check

GAMES = 500
CHUNKS = 10
DEEP_EVERY = 25  # one game in 25 checks every legal action and every view as JSON

SCENARIO = load_scenario(DEFAULT_SCENARIO)
SEEDS = game_seeds(20201, GAMES)


def _play_and_check(seed: int, deep: bool) -> None:
    rng = random.Random(seed)
    players: dict[SeatId, Player] = {
        s: RandomPlayer.make(s, random.Random(rng.getrandbits(32))) for s in SCENARIO.seat_ids
    }
    play_and_check(SCENARIO, seed, players, rng, deep=deep)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_games_keep_every_rule(chunk: int) -> None:
    """A tenth of the 500 seeded random games, each checked at every step."""
    size = GAMES // CHUNKS
    for i in range(chunk * size, (chunk + 1) * size):
        _play_and_check(SEEDS[i], deep=i % DEEP_EVERY == 0)


def test_random_games_reach_several_outcomes() -> None:
    """Random play reaches at least three outcome classes over 100 games."""
    from divestiture.game.simulation import play_game

    outcomes = {play_game(SCENARIO, s).state.outcome for s in SEEDS[:100]}
    assert len(outcomes) >= 3, outcomes
