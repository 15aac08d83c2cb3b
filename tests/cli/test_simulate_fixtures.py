"""The bots' games stay the same: ``divest simulate``'s JSON matches the saved runs byte for byte.

The fixtures in ``tests/fixtures/`` were written by the command itself. A change meant to
leave play alone (a refactor) must keep both; a change meant to alter play refreshes them
in its own commit, saying why::

    divest simulate --games 2000 --seed 7 --json tests/fixtures/simulate_2000_seed7.json
    divest simulate --games 500 --seed 1 --json tests/fixtures/simulate_500_seed1.json
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from divestiture.cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize(("games", "seed"), [(2000, 7), (500, 1)])
def test_simulate_json_is_byte_identical_to_the_fixture(
    tmp_path: Path, games: int, seed: int
) -> None:
    """The scripted bots' outcomes and scores over a seeded run are exactly the saved ones."""
    out = tmp_path / "run.json"
    result = CliRunner().invoke(
        main, ["simulate", "--games", str(games), "--seed", str(seed), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = FIXTURES / f"simulate_{games}_seed{seed}.json"
    assert out.read_bytes() == expected.read_bytes()
