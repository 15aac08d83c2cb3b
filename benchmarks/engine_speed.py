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
``--play-only N`` only plays N normal games (after ten that warm the memos);
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

TARGET = 200  # scripted games a second on one core (the bots' issue)
WARM_GAMES = 10  # games --play-only and --replay-only play first, to warm the memos
PARTS = ("apply", "view", "legal", "view+legal")  # what --replay-only --part adds to apply

# Where the time goes, from valgrind's instruction counts (deterministic, unlike the
# clock on a shared machine); benchmarks/instructions.py measures them again.
_NOTES = [
    "Each decision of a scripted game builds the seat's view and its legal moves, runs",
    "the bot, and applies its action, and the time is spread thinly over all four:",
    "per normal game, about 24.2 M instructions in all, of which applying the actions",
    "9.1 M, the legal moves 3.8 M, the views 3.4 M, and the bots with the game loop",
    "8.0 M (valgrind's counts, from replaying the games' logs with and without each",
    "part: benchmarks.instructions). No function takes more than a few per cent of it.",
    "",
    "What made it faster (from 76 games a second, 40.0 M instructions a game):",
    "views and legal moves that keep each part while its source is the same object;",
    "examples that depend only on the rules made once per scenario; records built",
    "from parts already checked, without a second validation; dispatch on an",
    "action's tag; the bots' per-move prices worked out once; (31.1 M to 26.3 M)",
    "the rules, actions, records and views made pydantic dataclasses instead of",
    "BaseModel classes (game/models.py): a BaseModel class defines __getattr__, so",
    "CPython reads every field of it down its slow, unspecialised path; (26.3 M to",
    "24.6 M) enum members read from module names (game/types.py): Python 3.11's",
    "EnumType defines __getattr__ too, so each `SheetStatus.OPEN` cost about 650",
    "instructions, some 1,800 times a game; (24.6 M to 23.6 M) a seat's view",
    "continued from its last one, building again only the fields whose source changed;",
    "and (23.6 M to 22.9 M) the bots sorting legal moves by class, not by each one's",
    "tag, and no pydantic Field objects left on the classes (game/models.py): CPython",
    "3.11 will not specialise reads of a field that a class attribute of a",
    "Python-defined type shadows. Term sheets and moves put into words from the rules",
    "for the feed and the bots' reasons (game/wording.py) cost 0.2% of a game,",
    "and refusals in words with verbs that agree with a plural seat's name 1.8%.",
    "Bots that use every lever their seat holds cost 5.2% (23.35 M to 24.56 M): the",
    "White House's extension of the deadline makes games 2.5% longer (59.0 moves,",
    "from 57.6), and each decision costs 2.6% more (varied lines, answers that",
    "restate an offer, counters priced on their own terms). Buyers that keep a joint",
    "bid to one price, leave it when a partner holds it down, and sign at a price they",
    "hold, and that wait while a deal is before CFIUS, lowered it 1.4% (24.53 M to",
    "24.19 M): more games end in a deal, sooner (56.9 moves a game, from 59.0).",
    "",
    "Why the rest of the gap is not closed by more of the same: 200 games a second",
    "needs about 18 M instructions a game, 26% fewer again, and what is left is",
    "the amount of Python run per decision (about 400 k instructions), spread over",
    "the view, the legal moves, the bot and the engine. Even an engine that cost",
    "nothing would leave 15.1 M, and free views and legal moves 17.0 M: no one part",
    "holds the gap, nor any one kind of work. Removing one kind at a time (throwaway",
    "changes on commit c088474, none kept) saves little: no check of the action in",
    "apply, 0.67 M (2.8%); the bots' actions built without validation, 0.62 M (2.6%);",
    "no events made, 0.39 M (1.6%). Measured the same way on commit 145c145:",
    "compiling the engine, checks, legal moves, scores and bots with mypyc saved 14%",
    "(on commit 7dcdbcf, with the views, the wording and the game loop too, 12%:",
    "23.7 M to 20.8 M a game; it needs a C compiler at install), and Cython 3.3",
    "over game/ (without types, as the annotations name pydantic classes) ran 310",
    "games in 3.6-4.2 s against 3.6-4.0 s, no faster; keeping legal",
    "moves from one move to the next cannot help much, as a seat's legal moves are",
    "the same as at its last turn in only 15% of its turns. Closing the gap means",
    "less Python per decision in all four parts at once (one draft of the state per",
    "action instead of four copies, gates that share their reads, bots that decide",
    "from fewer passes over the view), or an interpreter that runs the same code",
    "faster (the table above), not a fix in one place.",
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
        for s in seeds[:20]:  # warm the memos, as main() does
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
    with batch_gc():  # the first games warm the memos, and are in both counts
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
    also = f" --also-python {args.also_python}" if args.also_python else ""
    lines = [
        f"`.venv/bin/python -m benchmarks.engine_speed --games {args.games} "
        f"--repeats {args.repeats}{also}`, one process pinned to one core ({machine()}).",
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
    normal_rate = dict(rows)["scripted bots, normal"]
    verdict = "meeting" if normal_rate >= TARGET else "below"
    lines += [
        "",
        f"Normal scripted play: {normal_rate:.0f} games a second, {verdict} the target of"
        f" {TARGET}.",
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
