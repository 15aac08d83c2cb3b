"""How many full games a second one core plays; writes a section of docs/PERFORMANCE.md.

    .venv/bin/python -m benchmarks.engine_speed [--games N] [--repeats R] [--also-python P]

The process is pinned to one CPU. Each figure is the median of R runs of N
games. Two baselines are measured in the same run, so the ratios hold on a
noisy machine: replaying the scripted games' logs through ``apply`` alone (the
engine without views or bots), and games between random players.

``--also-python P`` plays the normal scripted games under another interpreter P as
well, in a child process pinned to the same core, taking turns with this one's runs
(P needs the project installed: ``P -m venv /tmp/other && /tmp/other/bin/pip install
-e .``, then pass ``/tmp/other/bin/python``). Interpreters built differently run the
same code at different speeds; the table shows how far apart.

Instructions rather than seconds (repeatable whatever else the machine is doing):
``python -m benchmarks.instructions`` runs ``--play-only N`` and ``--replay-only N
--part P`` under valgrind and gives one normal game's count and its parts.
``--play-only N`` only plays N normal games (after ten that make what the rules keep);
``--replay-only N --part P`` plays the same games, then replays their logs through
``apply``, for each action also building the acting seat's legal moves (``P`` =
legal), its view without them (view) or both (view+legal), or nothing more (apply).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks._doc import machine, write_section
from divestiture.cli.batch import batch_gc
from divestiture.game import DEFAULT_SCENARIO, load_scenario, replay
from divestiture.game.engine import apply, start
from divestiture.game.legal import legal_actions
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import (
    GameRecord,
    PlayerFactory,
    game_seeds,
    play_game,
    player_factory,
)
from divestiture.game.types import SeatId
from divestiture.game.views import view_for

FLOOR = 100  # scripted games a second on one core that play must not fall below
WARM_GAMES = 10  # games --play-only and --replay-only play first (they make what the rules keep)
PARTS = ("apply", "view", "legal", "view+legal")  # what --replay-only --part adds to apply

# Where the time goes now, and what it cost to make the engine plain (measured on
# 2026-12-04; the commands are in the lines).
_NOTES = [
    "Each decision of a scripted game builds the seat's view and its legal moves, runs",
    "the bot, and applies its action. Per decision, at commit a30eefe (perf_counter",
    "around each part over 30 games, 57 decisions a game): the view 20 us, its legal",
    "moves 22 us, applying the action 23 us, the bot 35 us, of which about 13 us is the",
    "bot's immutable memory (its generator's state read out with getstate, 7.5 us, and",
    "put back, 5.5 us, at every decision).",
    "",
    "The engine was made plain at the cost of half its speed: on the same day and",
    "machine, the code before it (commit 7b70633) played 306 normal games a second",
    "against 1000 for the replay (ratio 0.31), and this code plays about 155 against",
    "855 (0.18). Gone are the caches keyed by identity (views continued from a seat's",
    "last one, parts kept while their source was the same object, counters and",
    "examples kept per sheet), records built without validation, and the bots'",
    "mutable memory. What is still kept is kept inside the immutable value it comes",
    "from: examples of moves and the parts of a view that depend on the rules alone in",
    "the Scenario (Scenario.kept), a seat's brief in words in its SeatState. The one",
    "validation left on a hot path is the view itself (GameView, about 9 us a view).",
    "",
    "The floor is 100 normal games a second on one core. The machine's speed moves a",
    "lot from day to day (the fixed loop above took 0.22 to 0.61 s on different days),",
    "so compare a run with the replay's rate in the same run: at the ratio measured",
    "here, 100 games a second needs a replay of at least about 560 games a second.",
]


def _rates(games: int, repeats: int, run: Callable[[], object]) -> list[float]:
    """Games a second in each of ``repeats`` calls of ``run`` (which plays ``games``)."""
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        rates.append(games / (time.perf_counter() - started))
    return rates


def _median_rate(games: int, repeats: int, run: Callable[[], object]) -> float:
    return statistics.median(_rates(games, repeats, run))


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


def _interpreter() -> str:
    """Which interpreter this is: its version and where it lives."""
    return f"Python {platform.python_version()} at {sys.executable}"


def _normal_rates(games: int, repeats: int) -> list[float]:
    """Rates of normal scripted play, one per run (what ``--rates-only`` prints)."""
    sc = load_scenario(DEFAULT_SCENARIO)
    seeds = game_seeds(2024, games)
    players = player_factory(sc, "scripted", None, "normal")
    with batch_gc():
        for s in seeds[:20]:  # make what the rules keep, as main() does
            play_game(sc, s, players)
        return _rates(games, repeats, _games(sc, seeds, players))


def _other_rate(python: str, games: int, repeats: int) -> tuple[float, str]:
    """The median normal rate under ``python``, its runs taking turns with this
    interpreter's own (so both see the same machine), and which interpreter it was."""
    own: list[float] = []
    other: list[float] = []
    described = ""
    for _ in range(repeats):
        own += _normal_rates(games, 1)
        done = subprocess.run(
            [python, "-m", "benchmarks.engine_speed", "--rates-only", str(games)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"--also-python {python} failed:\n{done.stderr.strip()}")
        answer = json.loads(done.stdout)
        other += answer["rates"]
        described = answer["interpreter"]
    return statistics.median(other) / statistics.median(own), described


def _play_only(games: int) -> list[GameRecord]:
    sc = load_scenario(DEFAULT_SCENARIO)
    players = player_factory(sc, "scripted", None, "normal")
    seeds = game_seeds(2024, WARM_GAMES + games)
    with batch_gc():  # the first games make what the rules keep, and are in both counts
        return [play_game(sc, s, players) for s in seeds]


def _replay_only(games: int, part: str) -> None:
    """Play what --play-only plays, so the two counts differ by the replays, then replay."""
    records = _play_only(games)
    sc = records[0].state.scenario
    with batch_gc():
        for record in records:
            state = start(sc, record.seed).state
            for seat, action in record.log:
                if part == "view":
                    view_for(state, SeatId(seat), with_legal=False)
                elif part == "legal":
                    legal_actions(state, SeatId(seat))
                elif part == "view+legal":
                    view_for(state, SeatId(seat))
                state = apply(state, seat, action).state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--play-only", type=int, metavar="N", help="only play N normal games (for valgrind)"
    )
    parser.add_argument(
        "--also-python",
        metavar="P",
        help="also play the normal games under interpreter P (see the docstring)",
    )
    parser.add_argument(
        "--replay-only", type=int, metavar="N", help="only replay N normal games (for valgrind)"
    )
    parser.add_argument(
        "--part",
        choices=PARTS,
        default="apply",
        help="what --replay-only does besides apply (see the docstring)",
    )
    parser.add_argument("--rates-only", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.play_only is not None:
        _play_only(args.play_only)
        return
    if args.replay_only is not None:
        _replay_only(args.replay_only, args.part)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.rates_only is not None:  # the child of --also-python
        rates = _normal_rates(args.rates_only, 1)
        print(json.dumps({"rates": rates, "interpreter": _interpreter()}))
        return
    sc = load_scenario(DEFAULT_SCENARIO)
    seeds = game_seeds(2024, args.games)
    rows: list[tuple[str, float]] = []
    with batch_gc():
        for difficulty in ("easy", "normal", "hard"):
            players = player_factory(sc, "scripted", None, difficulty)
            for s in seeds[:20]:  # make what the rules keep, as a long run would
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
    also = f" --also-python {args.also_python}" if args.also_python else ""
    lines = [
        f"`.venv/bin/python -m benchmarks.engine_speed --games {args.games} "
        f"--repeats {args.repeats}{also}`, one process pinned to one core ({machine()}).",
        f"Median of {args.repeats} runs of {args.games} full games each; a scripted game at",
        f"normal difficulty takes {actions:.0f} actions on average. Floor: {FLOOR} scripted",
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
    normal_rate = dict(rows)["scripted bots, normal"]
    verdict = "above" if normal_rate >= FLOOR else "below"
    lines += [
        "",
        f"Normal scripted play: {normal_rate:.0f} games a second, {verdict} the floor of {FLOOR}.",
    ]
    if args.also_python:
        ratio, other = _other_rate(args.also_python, args.games, args.repeats)
        lines += [
            "",
            f"The normal scripted games again, under {other}, taking turns with runs",
            f"under this interpreter ({_interpreter()}):",
            "",
            "| interpreter | games/s | vs this one |",
            "| --- | ---: | ---: |",
            f"| this one, {platform.python_version()} | {normal_rate:.0f} | 1.00 |",
            f"| {other.split(' at ')[0]}, `{args.also_python}` | {normal_rate * ratio:.0f} |"
            f" {ratio:.2f} |",
            "",
            "The same code on the same core: only the interpreters differ.",
        ]
    lines += ["", *_NOTES]
    path = write_section(
        "PERFORMANCE.md", "engine", "## Engine and bots\n\n" + "\n".join(lines), "Performance"
    )
    print("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
