"""How fast the client draws, and how soon its window shows; writes docs/PERFORMANCE.md.

    .venv/bin/python -m benchmarks.client_speed [--games N] [--launches L] [--idle S]

Frames: the table screen at 1280x800 under SDL's dummy driver is fed one seat's
view after every action of N seeded bot games; after each new view it draws a
frame (the view taken in, counted in that frame) and two frames with nothing new
(in which the table lays out the view's text, and hover and tooltips cost what
they cost), and after a game's last view, frames with nothing new until its text
has shown. Each frame is what the app's loop does: the new view if there is
one, the screen's tick, pygame_gui's update, the screen's and the widgets'
drawing, the flip. "every frame" is all of them together, the number the target
is about. The baseline, measured in the same run, is a frame that only clears
the window and flips it.

Text shown: for each view, how many frames after its own the table showed its
term-sheet cards (text and buttons), its feed and its open chat thread, counting
on into the next views' frames when it had not yet (hidden threads and the
length of the cards' scroll bar may follow later).

Idle: the app's loop on a table with nothing happening (after the table has
settled: its spare widgets made) for S seconds, and the CPU its main thread
used. The baseline, in the same run, is pygame's ``event.wait(500)`` alone, what
the loop idled in before.

First frame: ``divest solo --autoplay --headless`` launched L times; each run
reports how long after its process started the first frame was shown. The
baseline is the launch of ``divest --help`` (the interpreter and the command
line alone), timed from outside.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame

from benchmarks._doc import machine, write_section
from divestiture.client import theme
from divestiture.client.net import ViewUpdate
from divestiture.client.screens.table import TableScreen
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.simulation import game_seeds, seat_views
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

SIZE = (1280, 800)
SEAT = SeatId("bytedance")


def _views(games: int) -> list[list[GameView]]:
    sc = load_scenario(DEFAULT_SCENARIO)
    return [seat_views(sc, seed, SEAT) for seed in game_seeds(17, games)]


def _q(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _behind(screen: TableScreen) -> bool:
    """Whether the table does not yet show its latest view's cards, feed and open thread."""
    return screen.sheets.cards_pending or screen.feed.pending or screen.chat.log.pending


def measure_frames(games: int) -> tuple[dict[str, list[float]], list[int]]:
    """Milliseconds per frame (after a new view, with nothing new, and the blank
    baseline), and for each view the frames after its own until its text showed."""
    sc = load_scenario(DEFAULT_SCENARIO)
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(SIZE)
    manager = theme.make_manager(SIZE)
    times: dict[str, list[float]] = {"new view": [], "nothing new": [], "blank (baseline)": []}
    lags: list[int] = []
    for views in _views(games):
        waiting: list[int] = []  # frames each view not yet shown has waited
        screen = TableScreen(manager, sc, views[0], SIZE)
        for _ in range(5):  # the first frames lay out fonts once per screen: not measured
            manager.update(1 / 30)
            screen.draw(surface)
            manager.draw_ui(surface)
        for view in views[1:]:
            for kind in ("new view", "nothing new", "nothing new"):
                t = time.perf_counter()
                if kind == "new view":
                    screen.receive(ViewUpdate(view))
                screen.tick(time.monotonic())
                manager.update(1 / 30)
                screen.draw(surface)
                manager.draw_ui(surface)
                pygame.display.flip()
                times[kind].append((time.perf_counter() - t) * 1000)
                if kind == "new view":
                    waiting.append(-1)  # its own frame is not counted
                waiting = [n + 1 for n in waiting]
                if not _behind(screen):
                    lags += waiting
                    waiting = []
            t = time.perf_counter()
            surface.fill(theme.BG)
            pygame.display.flip()
            times["blank (baseline)"].append((time.perf_counter() - t) * 1000)
        while waiting:  # after the last view, frames with nothing new until it shows
            t = time.perf_counter()
            screen.tick(time.monotonic())
            manager.update(1 / 30)
            screen.draw(surface)
            manager.draw_ui(surface)
            pygame.display.flip()
            times["nothing new"].append((time.perf_counter() - t) * 1000)
            waiting = [n + 1 for n in waiting]
            if not _behind(screen):
                lags += waiting
                waiting = []
        screen.kill()
    pygame.quit()
    return times, lags


def measure_idle(seconds: float) -> tuple[float, float]:
    """Percent of a core the main thread uses idling: the app's loop on a table, and
    pygame's ``event.wait(500)`` alone."""
    from divestiture.client.app import ClientApp

    sc = load_scenario(DEFAULT_SCENARIO)
    app = ClientApp(sc, size=SIZE)
    app.show(TableScreen(app.manager, sc, _views(1)[0][0], SIZE))
    for _ in range(60):  # settle: the idle frames that make spare widgets, not measured
        app.screen.tick(time.monotonic())
        app.manager.update(1 / 30)
    app.render()
    pygame.event.clear()
    cpu, wall = time.thread_time(), time.monotonic()
    while time.monotonic() - wall < seconds:
        app.frame()
    ours = (time.thread_time() - cpu) / (time.monotonic() - wall) * 100
    cpu, wall = time.thread_time(), time.monotonic()
    while time.monotonic() - wall < seconds:
        pygame.event.wait(500)
    theirs = (time.thread_time() - cpu) / (time.monotonic() - wall) * 100
    app.screen.kill()
    pygame.quit()
    return ours, theirs


def measure_launch(launches: int) -> tuple[list[float], list[float]]:
    """Seconds to the first frame of a solo game, and to the end of ``divest --help``."""
    exe = Path(sys.executable).parent / "divest"
    first, bare = [], []
    for n in range(launches):
        run = subprocess.run(
            [str(exe), "solo", "--autoplay", "--headless", "--seed", str(n + 1)],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"first frame ([0-9.]+) s", run.stdout)
        assert found, run.stdout
        first.append(float(found.group(1)))
        t = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        bare.append(time.perf_counter() - t)
    return first, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=3)
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds of each idle run")
    args = parser.parse_args()
    measured, lags = measure_frames(args.games)
    idle, wait = measure_idle(args.idle)
    first, bare = measure_launch(args.launches)
    frames = {"every frame": measured["new view"] + measured["nothing new"], **measured}
    base = statistics.median(frames["blank (baseline)"])
    lines = [
        f"`.venv/bin/python -m benchmarks.client_speed --games {args.games} "
        f"--launches {args.launches}` ({machine()}), SDL dummy driver, 1280x800.",
        "Targets: frame render p99 at most 8 ms (every frame of play, those with a new view",
        "included); first frame within 1.5 s of launch.",
        "",
        "| frame | frames | p50 ms | p99 ms | p50 vs blank |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, values in frames.items():
        med = statistics.median(values)
        lines.append(
            f"| {kind} | {len(values)} | {med:.2f} | {_q(values, 0.99):.2f} | {med / base:.0f}x |"
        )
    shown_at = sorted(lags)
    lines += [
        "",
        "| text of a view shown | views | p50 frames after | p99 | most |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| cards, feed and open thread | {len(lags)} | {statistics.median(lags):.0f} | "
        f"{_q([float(n) for n in lags], 0.99):.0f} | {shown_at[-1]} |",
    ]
    lines += [
        "",
        "| idle | seconds | main thread, % of a core |",
        "| --- | ---: | ---: |",
        f"| `event.wait(500)` alone, what the loop idled in before (baseline) | {args.idle:g} | "
        f"{wait:.1f} |",
        f"| the app's loop on a table with nothing happening | {args.idle:g} | {idle:.1f} |",
        "",
        "| launch | runs | median s | worst s |",
        "| --- | ---: | ---: | ---: |",
        f"| `divest --help`, whole process (baseline) | {len(bare)} | "
        f"{statistics.median(bare):.2f} | {max(bare):.2f} |",
        f"| first frame of `divest solo` after its process started | {len(first)} | "
        f"{statistics.median(first):.2f} | {max(first):.2f} |",
        "",
        "A frame with a new view brings only what changed up to date: the table screen",
        "repaints just the regions whose part of the view changed, from a kept picture of",
        "what never changes; buttons are kept, hidden, when not needed and shown again;",
        "pygame_gui's theme-id lookup, which built a multi-megabyte key for every widget",
        "made, is keyed by a tuple. The feed, the chat threads and the term-sheet cards",
        "are pygame_gui text boxes; laying out their text is the dearest thing a view",
        "costs (about 2 ms a card), so the frames after a view lay it out a piece at a",
        "time (a card, or a few lines), one piece a frame; the feed's and the threads'",
        "boxes render only the lines they append, lay their text out beside their scroll",
        "bar's room from the start, and get their scroll bar made ahead of need; fonts",
        "keep the sizes pygame_gui measures by rendering. Frames with nothing else to do",
        "make such widgets (scroll bars, spare buttons) ahead of need. All of it is",
        "counted above, in the frames it happens in.",
        "",
        "Idle, the loop sleeps on an event the connection's thread sets and looks for",
        "input 30 times a second; pygame's event.wait pumps SDL's events every millisecond.",
        "",
        "The window shows its first frame before the embedded server starts (a worker",
        "thread sets the table up), and the rules load with libyaml when PyYAML has it.",
    ]
    path = write_section(
        "PERFORMANCE.md", "client", "## Client\n\n" + "\n".join(lines), "Performance"
    )
    print("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
