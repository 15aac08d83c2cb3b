"""How many full games a second one core plays; writes a section of docs/PERFORMANCE.md.

    .venv/bin/python -m benchmarks.engine_speed [--games N] [--repeats R]

The process is pinned to one CPU. Each figure is the median of R runs of N
games. Two baselines are measured in the same run, so the ratios hold on a
noisy machine: replaying the scripted games' logs through ``apply`` alone (the
engine without views or bots), and games between random players.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from benchmarks._doc import machine, write_section
from divest.batch import batch_gc
from game import DEFAULT_SCENARIO, load_scenario, replay
from game.scenario import Scenario
from game.simulation import GameRecord, PlayerFactory, game_seeds, play_game, player_factory
from game.types import SeatId


def _median_rate(games: int, repeats: int, run: Callable[[], object]) -> float:
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        rates.append(games / (time.perf_counter() - started))
    return statistics.median(rates)


def _games(
    sc: Scenario, seeds: list[int], players: dict[SeatId, PlayerFactory]
) -> Callable[[], object]:
    return lambda: [play_game(sc, s, players) for s in seeds]


def _loop_seconds() -> float:
    """A fixed pure-Python loop: how fast this machine is today, to compare runs across days."""

    def loop() -> int:
        total = 0
        for i in range(10_000_000):
            total += i
        return total

    times = []
    for _ in range(3):
        started = time.perf_counter()
        loop()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sc = load_scenario(DEFAULT_SCENARIO)
    seeds = game_seeds(2024, args.games)
    rows: list[tuple[str, float]] = []
    with batch_gc():
        for difficulty in ("easy", "normal", "hard"):
            players = player_factory(sc, "scripted", None, difficulty)
            for s in seeds[:20]:  # warm the memos as a long run would
                play_game(sc, s, players)
            rate = _median_rate(args.games, args.repeats, _games(sc, seeds, players))
            rows.append((f"scripted bots, {difficulty}", rate))
        normal = player_factory(sc, "scripted", None, "normal")
        records: list[GameRecord] = [play_game(sc, s, normal) for s in seeds]
        replay_rate = _median_rate(
            args.games, args.repeats, lambda: [replay(sc, r.seed, r.log) for r in records]
        )
        random_players = player_factory(sc, "random")
        random_rate = _median_rate(args.games, args.repeats, _games(sc, seeds, random_players))
    actions = statistics.fmean(len(r.log) for r in records)
    reference = _loop_seconds()
    lines = [
        f"`.venv/bin/python -m benchmarks.engine_speed --games {args.games} "
        f"--repeats {args.repeats}`, one process pinned to one core ({machine()}).",
        f"Median of {args.repeats} runs of {args.games} full games each; a scripted game at",
        f"normal difficulty takes {actions:.0f} actions on average. Target: 200 scripted",
        "games a second on one core. Machine speed in the same run: a 10-million-step",
        f"Python loop takes {reference:.2f} s (compare runs made on different days by it).",
        "",
        "| what | games/s | vs engine replay |",
        "| --- | ---: | ---: |",
        f"| engine replay of the normal games' logs (baseline) | {replay_rate:.0f} | 1.00 |",
    ]
    for label, rate in rows:
        lines.append(f"| {label} | {rate:.0f} | {rate / replay_rate:.2f} |")
    lines.append(f"| random players | {random_rate:.0f} | {random_rate / replay_rate:.2f} |")
    path = write_section(
        "PERFORMANCE.md", "engine", "## Engine and bots\n\n" + "\n".join(lines), "Performance"
    )
    print("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
