"""``divest analyze`` as a teacher or a designer runs it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from divestiture.cli.main import main
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.simulation import play_game, player_factory
from divestiture.server.store import DB_FILE, LoggedAction, NewRoom, Store

SC = load_scenario(DEFAULT_SCENARIO)


def test_one_seeded_game_shows_its_deal_space() -> None:
    """--seed prints each deal space: walk-aways, zones, the frontier, the Nash point."""
    result = CliRunner().invoke(main, ["analyze", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "walk-away price" in result.output
    assert "Zone of agreement for the US business" in result.output
    assert "Nash point: $" in result.output
    assert "No deal was struck" in result.output or "The deal struck:" in result.output


def test_json_has_every_space_and_the_deal_struck() -> None:
    """--json gives the same analysis as data."""
    result = CliRunner().invoke(main, ["analyze", "--seed", "5", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["spaces"]) == 3
    assert {"agreed", "frontier_distance", "nash_distance", "missed"} <= set(data)


def test_many_games_print_the_negotiation_table() -> None:
    """--games N --seed S gives the agreement rate, the distances and, per deal party, how
    much of its score its deal's terms explain."""
    result = CliRunner().invoke(main, ["analyze", "--games", "30", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Agreement:" in result.output and "Missed:" in result.output
    assert "| ByteDance |" in result.output


def test_a_stored_room_is_analysed_from_a_servers_data(tmp_path: Path) -> None:
    """--data DIR --room CODE reads a room's log from the store, with no server running."""
    record = play_game(SC, 11, player_factory(SC))
    store = Store(tmp_path / DB_FILE)
    try:
        store.create_room(NewRoom("ABCDE", SC.id, 11, "{}", "token", {}, 0.0))
        for version, (actor, action) in enumerate(record.log, start=1):
            store.append("ABCDE", LoggedAction(version, actor, f"c{version}", action))
    finally:
        store.close()
    stored = CliRunner().invoke(main, ["analyze", "--data", str(tmp_path), "--room", "abcde"])
    seeded = CliRunner().invoke(main, ["analyze", "--seed", "11"])
    assert stored.exit_code == 0, stored.output
    assert stored.output == seeded.output


def test_bad_flags_are_refused_with_what_is_wrong(tmp_path: Path) -> None:
    """A missing partner flag, a room that is not there, exit 2 with one clear line."""
    runner = CliRunner()
    alone = runner.invoke(main, ["analyze", "--data", str(tmp_path)])
    assert alone.exit_code == 2 and "--data and --room go together" in alone.output
    nothing = runner.invoke(main, ["analyze"])
    assert nothing.exit_code == 2 and "give --seed" in nothing.output
    missing = runner.invoke(main, ["analyze", "--data", str(tmp_path), "--room", "ZZZZZ"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
