"""Terminal output for long runs: a progress bar and summary tables (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Summary

_err = Console(stderr=True)


@contextmanager
def progress(total: int, label: str = "games") -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for runs long enough to need one."""
    if total < 50 or not _err.is_terminal:
        yield lambda: None
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=_err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def summary_table(scenario: Scenario, result: Summary) -> None:
    """Print outcome classes and per-seat scores."""
    out = Console()
    outcomes = Table(title=f"{result.games} games, seed {result.seed}")
    outcomes.add_column("outcome")
    outcomes.add_column("games", justify="right")
    outcomes.add_column("share", justify="right")
    for oid, count in result.outcomes.items():
        outcomes.add_row(
            scenario.outcome(oid).name, str(count), f"{100 * count / result.games:.1f}%"
        )
    out.print(outcomes)
    seats = Table(title="Scores (0-100)")
    for col in ("seat", "mean", "p10", "p90"):
        seats.add_column(col, justify="left" if col == "seat" else "right")
    for seat, stats in result.scores.items():
        seats.add_row(
            scenario.seat(seat).name, *(f"{stats[k]:.1f}" for k in ("mean", "p10", "p90"))
        )
    out.print(seats)
