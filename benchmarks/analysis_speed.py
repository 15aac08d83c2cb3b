"""How long the analysis of a game's deals takes on one core; writes docs/PERFORMANCE.md.

    .venv/bin/python -m benchmarks.analysis_speed [--games N]

Each seeded game between scripted bots is played first; then its deal space is worked
out (game/analysis.py: every deal the regulator could clear, the frontier, the Nash
point), timed alone. Target: at most 1 s a game.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from benchmarks._doc import machine, write_section
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.analysis import analyse
from divestiture.game.simulation import game_seeds, play_game, player_factory

TARGET = 1.0  # seconds a game


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sc = load_scenario(DEFAULT_SCENARIO)
    players = player_factory(sc)
    records = [play_game(sc, seed, players) for seed in game_seeds(11, args.games)]
    took = []
    for record in records:
        started = time.perf_counter()
        analyse(sc, record.seed, record.log)
        took.append(time.perf_counter() - started)
    ordered = sorted(took)
    lines = [
        f"`.venv/bin/python -m benchmarks.analysis_speed --games {args.games}`, one process",
        f"pinned to one core ({machine()}): the analysis of each of {args.games} games between",
        "scripted bots, at its end (the replay of its log included). Target: at most",
        f"{TARGET:.0f} s a game.",
        "",
        "| median | 90th percentile | slowest |",
        "| ---: | ---: | ---: |",
        f"| {1000 * statistics.median(took):.0f} ms"
        f" | {1000 * ordered[int(0.9 * len(ordered))]:.0f} ms"
        f" | {1000 * ordered[-1]:.0f} ms |",
    ]
    path = write_section(
        "PERFORMANCE.md",
        "analysis",
        "## The analysis of a game's deals\n\n" + "\n".join(lines),
        "Performance",
    )
    print("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
