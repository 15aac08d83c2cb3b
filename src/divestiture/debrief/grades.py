"""The grades: one row per seat-holder, each scored against the same seat at the class's
other tables; and the same rows for a learning platform's gradebook import (Moodle, which
matches students by e-mail or ID number; Canvas, by its ID, SIS User ID or SIS Login ID),
with a roster mapping the names students typed to their e-mail and IDs.

Text in, text out: reading and writing the files is the caller's.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from divestiture.debrief.build import ClassDebrief, bot_name

Format = Literal["plain", "moodle", "canvas"]
Grade = Literal["percentile", "score"]
FORMATS: tuple[Format, ...] = ("plain", "moodle", "canvas")
GRADES: tuple[Grade, ...] = ("percentile", "score")

PLAIN_COLUMNS = (
    "class",
    "table",
    "room",
    "seat",
    "team",
    "name",
    "score",
    "outcome",
    "percentile",
    "bot",
)
MOODLE_COLUMNS = ("Full name", "Email address", "ID number")  # then the grade and "Feedback"
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")  # then the grade

# A roster's columns, by what they hold; headers are read ignoring case, spaces and
# punctuation ("E-mail address" is "emailaddress").
ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "displayname", "fullname", "student", "studentname"),
    "email": ("email", "emailaddress", "mail"),
    "student_id": ("studentid", "idnumber", "sisuserid", "studentnumber"),
    "login": ("sisloginid", "loginid", "login", "username"),
    "canvas_id": ("id", "canvasid", "canvasuserid"),
    "section": ("section",),
}
# What each platform matches a row of the import by (at least one is needed).
NEEDS: dict[Format, tuple[str, ...]] = {
    "plain": (),
    "moodle": ("email", "student_id"),
    "canvas": ("canvas_id", "student_id", "login"),
}


class RosterError(ValueError):
    """The roster cannot be used (one line saying why)."""


@dataclass(frozen=True, slots=True)
class GradeRow:
    """One seat-holder's grade."""

    klass: str
    table: int  # 0: a room on its own
    room: str
    seat: str  # the seat's name
    team: str  # every name sharing the seat, "; " between them
    name: str  # this holder's name ("bot (Hawk)" for a bot)
    score: float
    outcome: str
    percentile: float  # within the seat, across the class's tables
    bot: bool

    def plain(self) -> list[str]:
        return [
            self.klass,
            str(self.table),
            self.room,
            self.seat,
            self.team,
            self.name,
            f"{self.score:.2f}",
            self.outcome,
            f"{self.percentile:.1f}",
            "yes" if self.bot else "no",
        ]

    def feedback(self) -> str:
        where = f"Table {self.table}" if self.table else f"Room {self.room}"
        return (
            f"{where}, {self.seat}: score {self.score:.1f} of 100, percentile"
            f" {self.percentile:.0f} among the class's {self.seat}; {self.outcome}."
        )


def grade_rows(debrief: ClassDebrief) -> list[GradeRow]:
    """One row per name holding a seat (and one per bot), in table and seat order."""
    sc = debrief.scenario
    rows = []
    for t in debrief.tables:
        outcome = sc.outcome(str(t.state.outcome)).name if t.over else "in play"
        for seat in sc.seat_ids:
            names = tuple(dict.fromkeys(t.table.holders.get(seat, ())))
            bot = t.table.bots.get(seat)
            holders = [(n, False) for n in names]
            if bot is not None:
                holders.append((bot_name(sc, seat, bot), True))
            team = "; ".join(n for n, _ in holders)
            for name, is_bot in holders:
                rows.append(
                    GradeRow(
                        klass=debrief.input.code,
                        table=t.n,
                        room=t.table.room,
                        seat=sc.seat_name(seat),
                        team=team,
                        name=name,
                        score=t.scores[seat].total,
                        outcome=outcome,
                        percentile=t.standings[seat].percentile,
                        bot=is_bot,
                    )
                )
    return rows


def plain_csv(rows: Iterable[GradeRow]) -> str:
    return _csv([list(PLAIN_COLUMNS), *(r.plain() for r in rows)])


# --- the roster and the platforms' imports ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str = ""
    student_id: str = ""
    login: str = ""
    canvas_id: str = ""
    section: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    people: dict[str, Person]  # by every way their name is matched (``name_key``)
    columns: frozenset[str] = field(default_factory=frozenset)  # which ROSTER_HEADERS it has

    def find(self, name: str) -> Person | None:
        return self.people.get(name_key(name))


def name_key(name: str) -> str:
    """A name as it is matched: case and spacing ignored."""
    return " ".join(name.casefold().split())


def read_roster(text: str, where: str = "the roster") -> Roster:
    """A roster from CSV text: a name column and e-mail or ID columns (ROSTER_HEADERS).

    Raises:
        RosterError: no header, no name column, or no row.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise RosterError(f"{where} is empty: it needs a header row and a row per student")
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        plain = re.sub(r"[^a-z0-9]", "", title.casefold())
        for kind, names in ROSTER_HEADERS.items():
            if plain in names and kind not in columns:
                columns[kind] = i
    if "name" not in columns:
        accepted = ", ".join(ROSTER_HEADERS["name"])
        raise RosterError(f"{where} has no name column (a header such as: {accepted})")
    people: dict[str, Person] = {}
    for row in reader:
        cells = {k: row[i].strip() if i < len(row) else "" for k, i in columns.items()}
        if not cells["name"]:
            continue
        person = Person(**cells)
        for key in _keys(cells["name"]):
            people.setdefault(key, person)
    if not people:
        raise RosterError(f"{where} has a header but no student in it")
    return Roster(people, frozenset(columns))


def _keys(name: str) -> list[str]:
    """How a roster's name is matched: as written, and "Lee, Ann" also as "Ann Lee"."""
    keys = [name_key(name)]
    last, comma, first = name.partition(",")
    if comma and first.strip() and last.strip():
        keys.append(name_key(f"{first} {last}"))
    return keys


def check_roster(roster: Roster, fmt: Format, where: str = "the roster") -> None:
    """Raise ``RosterError`` unless the roster has a column ``fmt`` matches students by."""
    needed = NEEDS[fmt]
    if needed and not roster.columns & set(needed):
        kinds = " or ".join(
            f"{k.replace('_', ' ')} ({', '.join(ROSTER_HEADERS[k])})" for k in needed
        )
        raise RosterError(f"{where} has no column {fmt} matches students by: give {kinds}")


def platform_csv(
    rows: Sequence[GradeRow],
    roster: Roster | None,
    fmt: Format,
    assignment: str,
    grade: Grade = "percentile",
) -> tuple[str, list[GradeRow]]:
    """The students' rows (bots are left out: no platform knows them) as ``fmt`` imports
    them, and the rows whose name is not in the roster (kept, with no e-mail or ID)."""
    if fmt == "plain":
        return plain_csv(rows), []
    missing = []
    out: list[list[str]] = []
    if fmt == "moodle":
        out.append([*MOODLE_COLUMNS, assignment, "Feedback"])
    else:
        out.append([*CANVAS_COLUMNS, assignment])
        out.append(["    Points Possible", "", "", "", "", "100"])
    for row in rows:
        if row.bot:
            continue
        person = roster.find(row.name) if roster is not None else None
        if person is None:
            missing.append(row)
            person = Person(row.name)
        value = f"{row.percentile:.1f}" if grade == "percentile" else f"{row.score:.2f}"
        if fmt == "moodle":
            out.append([person.name, person.email, person.student_id, value, row.feedback()])
        else:
            out.append(
                [
                    person.name,
                    person.canvas_id,
                    person.student_id,
                    person.login,
                    person.section,
                    value,
                ]
            )
    return _csv(out), missing


def _csv(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()
