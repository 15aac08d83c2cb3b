"""The instruction-count benchmark's arithmetic, and its error without valgrind."""

from __future__ import annotations

import pytest

from benchmarks import instructions
from benchmarks.engine_speed import WARM_GAMES
from benchmarks.instructions import Counts, per_game


def test_parts_are_told_apart_by_the_differences_of_the_runs() -> None:
    """Counts made of known parts give those parts back, per game, in millions."""
    games, replayed_games = 30, 30 + WARM_GAMES
    idle, game, apply, view, legal = 500e6, 20e6, 8e6, 3e6, 4e6
    played = idle + games * game
    counts = Counts(
        games=games,
        idle=int(idle),
        played=int(played),
        replayed={
            "apply": int(played + replayed_games * apply),
            "view": int(played + replayed_games * (apply + view)),
            "legal": int(played + replayed_games * (apply + legal)),
            "view+legal": int(played + replayed_games * (apply + view + legal)),
        },
    )
    parts = per_game(counts)
    assert parts["whole game"] == pytest.approx(20)
    assert parts["applying the actions"] == pytest.approx(8)
    assert parts["views"] == pytest.approx(3)
    assert parts["legal moves"] == pytest.approx(4)
    assert parts["bots and the game loop"] == pytest.approx(20 - 8 - 3 - 4)


def test_without_valgrind_it_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("benchmarks.instructions.shutil.which", lambda name: None)
    with pytest.raises(SystemExit, match="valgrind is not installed"):
        instructions.measure(3)
