"""How long the debrief report takes to draw, and what it costs a server's event loop while
it does; writes a section of docs/PERFORMANCE.md.

    .venv/bin/python -m benchmarks.debrief_speed [--tables N] [--repeats R]

A class of N seeded tables of scripted bots is played first. Then, on one core (where
the server's loop and its worker thread share the interpreter): the class's report
(``report_html``: every table replayed and analysed, 200 bots' games, the charts), its
parts (the 200 bots' games alone are the baseline the ratios are taken against), and one
seat's copy (``seat_copy``, for the student's end screen), also with the bots' games
played already, as the server keeps them (``server/reports.py``). Last, the event loop's lag: a
task that sleeps 5 ms at a time, how late it wakes, alone and while the report is drawn
on a worker thread as the server draws it (``server/reports.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import textwrap
import time
from collections.abc import Callable

from benchmarks._doc import machine, write_section
from divestiture.debrief import ClassInput, TableInput, build, report_html
from divestiture.debrief.build import BOT_GAMES, BOT_SEED, baseline
from divestiture.debrief.seat_copy import seat_copy
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.types import SeatId

TICK = 0.005  # seconds the loop's probe sleeps


def a_class(sc: Scenario, tables: int) -> ClassInput:
    """``tables`` seeded tables of scripted bots, as the debrief reads a class."""
    players = player_factory(sc)
    played = [play_game(sc, seed, players) for seed in game_seeds(101, tables)]
    records = tuple(
        TableInput(n=n, room=f"T{n:04d}", seed=r.seed, log=r.log)
        for n, r in enumerate(played, start=1)
    )
    return ClassInput("BENCH", sc, records)


def timed(run: Callable[[], object], repeats: int) -> float:
    """The median of ``repeats`` runs, in seconds."""
    took = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        took.append(time.perf_counter() - started)
    return statistics.median(took)


async def lag(during: Callable[[], object] | None, seconds: float) -> list[float]:
    """How late (seconds) a task sleeping TICK at a time wakes, for ``seconds`` or while
    ``during`` runs on a worker thread."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    work = asyncio.ensure_future(asyncio.to_thread(during)) if during else None
    end = loop.time() + seconds
    while (work is not None and not work.done()) or (work is None and loop.time() < end):
        asked = loop.time()
        await asyncio.sleep(TICK)
        late.append(loop.time() - asked - TICK)
    if work is not None:
        await work
    return late


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sc = load_scenario(DEFAULT_SCENARIO)
    record = a_class(sc, args.tables)
    one = ClassInput("BENCH", sc, record.tables[:1], is_class=False)
    seat = SeatId(sc.seat_ids[0])
    report_html(record, bot_games=2)  # matplotlib imported and its fonts found, once

    bots = timed(lambda: baseline(sc, BOT_GAMES, BOT_SEED), args.repeats)
    tables = timed(lambda: build(record, bot_games=0), args.repeats)
    page = timed(lambda: report_html(record), args.repeats)
    copy = timed(lambda: seat_copy(one, seat), args.repeats)
    played = baseline(sc, BOT_GAMES, BOT_SEED)
    kept = timed(lambda: seat_copy(one, seat, bots=played), args.repeats)
    size = len(report_html(record).encode())
    quiet = asyncio.run(lag(None, 3.0))
    busy = asyncio.run(lag(lambda: report_html(record), 0.0))

    ms = 1000
    head = (
        f"`.venv/bin/python -m benchmarks.debrief_speed --tables {args.tables} --repeats"
        f" {args.repeats}`, one process pinned to one core ({machine()}). A class of"
        f" {args.tables} tables of scripted bots; the median of {args.repeats} runs each. The"
        f" baseline is the {BOT_GAMES} bots' games every report is compared with, played in"
        " the same run."
    )
    loop_words = (
        f"The event loop while a report is drawn on a worker thread: a task sleeping"
        f" {ms * TICK:.0f} ms wakes late by {ms * statistics.median(busy):.1f} ms at the"
        f" median and {ms * p99(busy):.1f} ms at the 99th percentile"
        f" ({ms * statistics.median(quiet):.1f} and {ms * p99(quiet):.1f} ms with no"
        " report). The loop goes on serving the class, each wait a little longer while the"
        " thread holds the interpreter (its switch interval is 5 ms); the server draws one"
        " report at a time."
    )
    lines = [
        textwrap.fill(head, 88),
        "",
        "| what | seconds | vs the bots' games |",
        "| --- | ---: | ---: |",
        f"| {BOT_GAMES} bots' games (baseline) | {bots:.2f} | 1.00 |",
        f"| the {args.tables} tables replayed and analysed | {tables:.2f} | {tables / bots:.2f} |",
        f"| the class's whole report, charts included ({size // 1024} KiB)"
        f" | {page:.2f} | {page / bots:.2f} |",
        f"| one seat's copy of one table (end screen) | {copy:.2f} | {copy / bots:.2f} |",
        f"| the same, the bots' games played already (as the server keeps them)"
        f" | {kept:.2f} | {kept / bots:.2f} |",
        "",
        textwrap.fill(loop_words, 88),
    ]
    path = write_section(
        "PERFORMANCE.md",
        "debrief",
        "## The debrief report\n\n" + "\n".join(lines),
        "Performance",
    )
    print("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
