"""Instructions a normal scripted game takes, and its parts, counted by valgrind.

    .venv/bin/python -m benchmarks.instructions [--games N] [--write]

Seconds on a shared machine wander by a fifth from one run to the next;
valgrind's count of the instructions a process runs does not (with
PYTHONHASHSEED=0 it is the same every time), so a change of a few per cent shows.
This runs ``benchmarks.engine_speed`` under ``valgrind --tool=callgrind`` six
times: playing 0 and N normal games (``--play-only``), and playing them, then
replaying their logs through ``apply`` alone or with each seat's view, its legal
moves, or both (``--replay-only N --part P``). The differences give one game's
count and its parts: applying the actions, the views, the legal moves, and the
bots with the game loop (what the full game costs beyond the other three).
It takes a few minutes. ``--write`` puts the table in docs/PERFORMANCE.md.

Needs valgrind (``apt install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

from benchmarks._doc import machine, write_section
from benchmarks.engine_speed import PARTS, WARM_GAMES

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


@dataclass(frozen=True)
class Counts:
    """What valgrind counted for each run of ``engine_speed``."""

    games: int
    idle: int  # --play-only 0: start-up and imports
    played: int  # --play-only N
    replayed: dict[str, int]  # --replay-only N --part P, for each part


def per_game(counts: Counts) -> dict[str, float]:
    """Instructions of one game and of its parts, in millions."""
    played = counts.games + WARM_GAMES

    def replay_cost(part: str) -> float:
        return (counts.replayed[part] - counts.played) / played

    apply = replay_cost("apply")
    view = replay_cost("view") - apply
    legal = replay_cost("legal") - apply
    both = replay_cost("view+legal") - apply
    game = (counts.played - counts.idle) / counts.games
    parts = {
        "whole game": game,
        "applying the actions": apply,
        "views": view,
        "legal moves": legal,
        "views with their legal moves": both,
        "bots and the game loop": game - apply - both,
    }
    return {name: value / 1e6 for name, value in parts.items()}


def _count(args: list[str]) -> int:
    """Instructions valgrind counts for one run of engine_speed with ``args``."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "benchmarks.engine_speed",
        *args,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise SystemExit(f"valgrind run {' '.join(args)} failed:\n{tail}")
    return int(found[1])


def measure(games: int) -> Counts:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind); it counts the work")
    return Counts(
        games=games,
        idle=_count(["--play-only", "0"]),
        played=_count(["--play-only", str(games)]),
        replayed={p: _count(["--replay-only", str(games), "--part", p]) for p in PARTS},
    )


def table(counts: Counts) -> list[str]:
    parts = per_game(counts)
    whole = parts["whole game"]
    lines = [
        f"`.venv/bin/python -m benchmarks.instructions --games {counts.games}` ({machine()}):",
        "valgrind's count of the instructions one normal scripted game runs, and its parts",
        "(see the module's docstring for how each is told apart).",
        "",
        "| part | M instructions a game | share |",
        "| --- | ---: | ---: |",
    ]
    for name, value in parts.items():
        if name != "views with their legal moves":
            lines.append(f"| {name} | {value:.2f} | {value / whole:.0%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=30, help="normal games to count (30)")
    parser.add_argument("--write", action="store_true", help="write docs/PERFORMANCE.md")
    args = parser.parse_args()
    if args.games < 1:
        parser.error("--games must be at least 1")
    lines = table(measure(args.games))
    print("\n".join(lines))
    if args.write:
        body = "## Instructions a game\n\n" + "\n".join(lines)
        path = write_section("PERFORMANCE.md", "instructions", body, "Performance")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
