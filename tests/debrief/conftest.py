"""One class of six seeded tables in a store, and its debrief made once for the module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from divestiture.cli.main import main
from tests.debrief.classroom import Made, make_class

BOT_GAMES = "20"  # enough to draw the bots' distribution; quick


@dataclass(frozen=True)
class Debriefed:
    made: Made
    html: str
    csv: str
    stderr: str


@pytest.fixture(scope="package")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    return make_class(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="package")
def debriefed(made: Made, tmp_path_factory: pytest.TempPathFactory) -> Debriefed:
    out = tmp_path_factory.mktemp("out")
    result = run(
        "--data", str(made.data), "--class", made.code, "--out", str(out / "class.html"),
        "--csv", str(out / "grades.csv"), "--bot-games", BOT_GAMES,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (out / "class.html").read_text(encoding="utf-8")
    grades = (out / "grades.csv").read_text(encoding="utf-8")
    return Debriefed(made, html, grades, result.stderr)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["debrief", *args])


def files(path: Path) -> set[str]:
    return {p.name for p in path.iterdir()}
