"""Bad input is one clear line and exit code 2, and nothing is written; reading a class
changes nothing in the server's data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.debrief.classroom import Made
from tests.debrief.conftest import files, run


def _fails(result: object, *words: str) -> str:
    from click.testing import Result

    assert isinstance(result, Result)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def test_a_missing_data_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run("--data", str(tmp_path / "nowhere"), "--class", "ABCDE", "--out",
                 str(out / "c.html"))  # fmt: skip
    _fails(result, "nowhere", "not a directory")
    empty = tmp_path / "empty"
    empty.mkdir()
    _fails(run("--data", str(empty), "--class", "ABCDE", "--out", str(out / "c.html")),
           "holds no server data")  # fmt: skip
    assert files(out) == set()
    assert files(empty) == set(), "nothing is made in a directory that holds no store"


def test_an_unknown_class_or_room(made: Made, tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    _fails(run("--data", str(made.data), "--class", "NOPE9", "--out", str(out)),
           "no class NOPE9", made.code)  # fmt: skip
    _fails(run("--data", str(made.data), "--room", "NOPE9", "--out", str(out)), "no room NOPE9")
    assert not out.exists()


@pytest.mark.parametrize(
    ("roster", "fmt", "words"),
    [
        ("email\na@b.test\n", "plain", ("no name column",)),
        ("name\nAnn\n", "moodle", ("moodle", "email")),
        ("name,email\nAnn,a@b.test\n", "canvas", ("canvas", "student id")),
        ("", "moodle", ("empty",)),
    ],
)
def test_a_roster_without_the_columns_needed(
    made: Made, tmp_path: Path, roster: str, fmt: str, words: tuple[str, ...]
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        "--data", str(made.data), "--class", made.code, "--out", str(out / "c.html"),
        "--csv", str(out / "g.csv"), "--roster", str(path), "--format", fmt,
    )  # fmt: skip
    _fails(result, *words)
    assert files(out) == set(), "nothing written, not even the report"


def test_options_that_do_not_go_together(made: Made, tmp_path: Path) -> None:
    data = str(made.data)
    _fails(run("--class", made.code, "--out", str(tmp_path / "c.html")), "--data")
    _fails(run("--data", data, "--out", str(tmp_path / "c.html")), "--class")
    _fails(run("--data", data, "--class", made.code), "--out")
    _fails(run("--data", data, "--class", made.code, "--csv", str(tmp_path / "g.csv"),
               "--format", "moodle"), "--roster")  # fmt: skip
    _fails(run("--server", "ws://127.0.0.1:9", "--class", made.code, "--csv", "g.csv"), "--token")
    _fails(run("--data", data, "--class", made.code, "--out", str(tmp_path / "no" / "c.html")),
           "not a directory")  # fmt: skip
    assert files(tmp_path) == set()


def test_reading_a_class_changes_nothing(made: Made, tmp_path: Path) -> None:
    """The store is opened read-only: its bytes are the same after, and no journal or
    shared-memory file is left beside it."""
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in made.data.iterdir()}
    result = run("--data", str(made.data), "--room", made.rooms[0], "--csv",
                 str(tmp_path / "g.csv"))  # fmt: skip
    assert result.exit_code == 0, result.output
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in made.data.iterdir()}
    assert after == before
    lines = (tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 6, "the header, and table 1's six seat-holders (a team of two)"


def test_a_room_alone_keeps_its_table_number(made: Made, tmp_path: Path) -> None:
    out = tmp_path / "room.html"
    result = run("--data", str(made.data), "--room", made.rooms[2].lower(), "--out", str(out),
                 "--bot-games", "10")  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Debrief: room R3T3X" in html and 'id="t3"' in html
