"""A second scenario plays with scripted bots in every seat, keeping every rule.

``tests/fixtures/harbour/harbour.yaml`` (a terminal sold to a shipping line, a
pension fund or both, under a harbour board's review) shares no seat, track,
lever, flag or option id with the shipped scenario, and its numbers differ: that
bots play it to the end, using every lever they hold, shows they read roles and
tags from the rules, never one scenario's ids.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from divestiture.cli.main import main
from divestiture.game import DEFAULT_SCENARIO, Scenario, UseLever, load_scenario
from divestiture.game.bots import DIFFICULTIES
from divestiture.game.simulation import game_seeds, make_players, play_game, player_factory
from tests.game.rule_checks import play_and_check

HARBOUR = Path(__file__).resolve().parents[1] / "fixtures" / "harbour" / "harbour.yaml"
SCENARIO = load_scenario(HARBOUR)
GAMES = 200
CHUNKS = 4
DEEP_EVERY = 25  # one game in 25 checks every legal action and every view as JSON
SEEDS = game_seeds(1, GAMES)


def _ids(sc: Scenario) -> set[str]:
    """Every id a bot could name: seats, tracks, levers, flags, options and outcomes."""
    flags = {f for lv in sc.levers.values() for f in lv.effects.flags}
    options = {o for lv in sc.levers.values() for o in lv.options}
    scopes = {"us", "us_plus", "global"}  # the engine's scopes, named by every scenario
    return (
        {s.id for s in sc.seats}
        | set(sc.tracks)
        | set(sc.levers)
        | flags
        | (options - scopes)
        | {o.id for o in sc.outcomes}
    )


def test_the_second_scenario_is_another_game() -> None:
    """It shares no id with the shipped scenario, and has other numbers and fewer cards."""
    shipped = load_scenario(DEFAULT_SCENARIO)
    assert not _ids(SCENARIO) & _ids(shipped)
    assert SCENARIO.rounds.count != shipped.rounds.count
    assert len(SCENARIO.news.cards) < len(shipped.news.cards)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_bot_games_of_a_second_scenario_keep_every_rule(chunk: int) -> None:
    """A quarter of 200 seeded games with scripted bots in every seat (the difficulty
    taking turns), each played to its end and checked at every step."""
    size = GAMES // CHUNKS
    for i in range(chunk * size, (chunk + 1) * size):
        seed = SEEDS[i]
        table = player_factory(SCENARIO, "scripted", None, DIFFICULTIES[i % len(DIFFICULTIES)])
        players = make_players(seed, SCENARIO.seat_ids, table)
        state = play_and_check(
            SCENARIO, seed, players, random.Random(seed), deep=i % DEEP_EVERY == 0
        )
        assert state.over


def test_bots_use_every_lever_of_a_second_scenario() -> None:
    """Over the 200 games each seat's bot uses every lever it holds, found by its mechanic
    or its tags, and the games end in a sale, a closure and no decision."""
    used: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for i, seed in enumerate(SEEDS):
        table = player_factory(SCENARIO, "scripted", None, DIFFICULTIES[i % len(DIFFICULTIES)])
        record = play_game(SCENARIO, seed, table, strict=True)
        kinds[str(SCENARIO.outcome(str(record.state.outcome)).kind)] += 1
        for seat, action in record.log:
            if isinstance(action, UseLever) and "unplanned" not in action.rationale:
                used[f"{seat}:{action.lever}"] += 1
    for lever_id, lever in SCENARIO.levers.items():
        for seat in lever.seats:
            assert used[f"{seat}:{lever_id}"] > 0, f"{seat}'s bot never uses {lever_id}"
    assert set(kinds) == {"deal", "ban", "stalemate"}, kinds


def test_divest_checks_and_simulates_the_second_scenario() -> None:
    """``divest rules check`` accepts it, and ``divest simulate --rules`` plays 200 games
    with bots in every seat, none of whose actions the rules refuse."""
    runner = CliRunner()
    check = runner.invoke(main, ["rules", "check", str(HARBOUR)])
    assert check.exit_code == 0, check.output
    assert "valid scenario 'harbour_sale'" in check.output
    run = runner.invoke(
        main, ["simulate", "--rules", str(HARBOUR), "--games", "200", "--seed", "1"]
    )
    assert run.exit_code == 0, run.output
    assert "200 games in" in run.output and "refused" not in run.output
