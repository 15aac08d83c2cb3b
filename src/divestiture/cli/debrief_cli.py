"""``divest debrief``: a class's (or a room's) debrief report as one HTML file, and its
grades as CSV, from a server's data directory (read-only) or from a running server."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from divestiture.debrief import ClassInput, GradeRow
    from divestiture.debrief.grades import Format, Grade, Roster

FORMAT_HELP = (
    "The grades file: plain (every column, bots included), moodle or canvas (a gradebook"
    " import: students only, matched by the roster's e-mail or IDs)."
)


@click.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The server's data directory (read-only; the server may be stopped).",
)
@click.option(
    "--server",
    "server_url",
    metavar="ws://HOST:PORT",
    help="A running server: the tables' logs are fetched as the facilitator (with --token).",
)
@click.option("--token", help="With --server: the class's (or room's) facilitator token.")
@click.option("--class", "class_code", metavar="CODE", help="A class: all its tables.")
@click.option("--room", "room_code", metavar="CODE", help="One room (one table).")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the report (HTML) here."
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the grades (CSV) here.",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV mapping students' names to e-mail and IDs (docs/FACILITATOR.md lists its headers).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plain", "moodle", "canvas"]),
    default="plain",
    show_default=True,
    help=FORMAT_HELP,
)
@click.option(
    "--grade",
    type=click.Choice(["percentile", "score"]),
    default="percentile",
    show_default=True,
    help="With moodle or canvas: the grade column (the percentile within the seat compares"
    " like with like; seats' scores measure different goals).",
)
@click.option("--assignment", help="With moodle or canvas: the grade column's name.")
@click.option(
    "--bot-games",
    type=click.IntRange(10, 5000),
    default=200,
    show_default=True,
    help="Games between bots the class is compared with.",
)
def debrief(  # noqa: PLR0917 - one parameter per option
    data_dir: Path | None,
    server_url: str | None,
    token: str | None,
    class_code: str | None,
    room_code: str | None,
    out: Path | None,
    csv_path: Path | None,
    roster: Path | None,
    fmt: str,
    grade: str,
    assignment: str | None,
    bot_games: int,
) -> None:
    """The debrief of a class (or a room): the report as one HTML file (--out) and the
    grades as CSV (--csv), from a server's data directory or from a running server."""
    from divestiture.debrief.grades import RosterError, check_roster, read_roster

    if (data_dir is None) == (server_url is None):
        _fail("give either --data DIR or --server ws://HOST:PORT (with --token)")
    if (class_code is None) == (room_code is None):
        _fail("give either --class CODE or --room CODE")
    if out is None and csv_path is None:
        _fail("give --out FILE.html, --csv FILE.csv, or both")
    if server_url is not None and not token:
        _fail("--server needs --token (the facilitator's token)")
    if (roster is not None or fmt != "plain") and csv_path is None:
        _fail("--roster and --format go with --csv")
    if fmt != "plain" and roster is None:
        _fail(f"--format {fmt} needs --roster (the students' e-mail or IDs)")
    for path in (out, csv_path):
        if path is not None and not path.resolve().parent.is_dir():
            _fail(f"cannot write {path}: {path.resolve().parent} is not a directory")
    people = None
    form: Format = "moodle" if fmt == "moodle" else "canvas" if fmt == "canvas" else "plain"
    if roster is not None:
        try:
            people = read_roster(_read(roster), str(roster))
            check_roster(people, form, str(roster))
        except RosterError as e:
            _fail(str(e))
    record = _tables(data_dir, server_url, token, class_code, room_code)
    report, grades = _made(record, bot_games, want_report=out is not None)
    files: list[tuple[Path, str]] = []
    if out is not None and report is not None:
        files.append((out, report))
    if csv_path is not None:
        marks: Grade = "score" if grade == "score" else "percentile"
        text = _grades_text(
            record.code, rows=grades, roster=people, fmt=form, grade=marks, assignment=assignment
        )
        files.append((csv_path, text))
    for path, text in files:
        _write(path, text)
        click.echo(f"wrote {path}", err=True)


def _tables(
    data_dir: Path | None,
    server_url: str | None,
    token: str | None,
    class_code: str | None,
    room_code: str | None,
) -> ClassInput:
    from divestiture.server.debrief_source import SourceError, read_class, read_room

    try:
        if data_dir is not None:
            if class_code is not None:
                return read_class(data_dir, class_code)
            return read_room(data_dir, str(room_code))
        from divestiture.cli.debrief_remote import fetch

        return fetch(str(server_url), str(token), class_code, room_code)
    except SourceError as e:
        _fail(str(e))


def _made(
    record: ClassInput, bot_games: int, *, want_report: bool
) -> tuple[str | None, list[GradeRow]]:
    from divestiture.debrief import build, grade_rows
    from divestiture.debrief.report import render
    from divestiture.game.errors import GameError

    try:
        made = build(record, bot_games=bot_games if want_report else 0)
    except GameError as e:
        _fail(f"a table's log does not replay with these rules ({e.code}: {e.message})")
    return (render(made) if want_report else None), list(grade_rows(made))


def _grades_text(
    code: str,
    *,
    rows: list[GradeRow],
    roster: Roster | None,
    fmt: Format,
    grade: Grade,
    assignment: str | None,
) -> str:
    from divestiture.debrief.grades import plain_csv, platform_csv

    if fmt == "plain":
        text = plain_csv(rows)
        missing = [r for r in rows if not r.bot and roster and roster.find(r.name) is None]
    else:
        name = assignment or f"Divestiture debrief ({code})"
        text, missing = platform_csv(rows, roster, fmt, name, grade)
        bots = sum(1 for r in rows if r.bot)
        if bots:
            click.echo(
                f"{bots} bots are left out of the {fmt} file (no student is a bot)", err=True
            )
    if missing:
        names = ", ".join(f"{r.name} ({_where(r)})" for r in missing)
        click.echo(f"not in the roster, kept with no e-mail or ID: {names}", err=True)
    return text


def _where(row: GradeRow) -> str:
    return f"table {row.table}, {row.seat}" if row.table else f"room {row.room}, {row.seat}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as e:
        _fail(f"cannot read {path}: {e.strerror or e}")
    except UnicodeDecodeError:
        _fail(f"{path} is not UTF-8 text (save the roster as CSV UTF-8)")


def _write(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all (a temporary file renamed over ``path``)."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file (mkstemp makes it private)
        os.replace(tmp, path)
    except OSError as e:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        _fail(f"cannot write {path}: {e.strerror or e}")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
