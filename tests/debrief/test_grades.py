"""The grades: one row per seat-holder (bots marked), each seat's percentile taken among
the same seat at the class's tables; and the files Moodle and Canvas import, through a
roster of names to e-mail addresses and IDs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from divestiture.debrief.grades import RosterError, check_roster, read_roster
from tests.debrief.classroom import CODE, STUDENTS
from tests.debrief.conftest import Debriefed, run

COLUMNS = ["class", "table", "room", "seat", "team", "name", "score", "outcome", "percentile",
           "bot"]  # fmt: skip


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_seat_holder_with_bots_marked(debriefed: Debriefed) -> None:
    table = list(csv.reader(io.StringIO(debriefed.csv)))
    assert table[0] == COLUMNS
    found = rows(debriefed.csv)
    students = sum(len(names) for seats in STUDENTS.values() for names in seats.values())
    student_seats = sum(len(seats) for seats in STUDENTS.values())
    assert len(found) == 6 * 5 - student_seats + students
    assert sum(r["bot"] == "no" for r in found) == students
    assert all(r["name"].startswith("bot (") for r in found if r["bot"] == "yes")
    cfius = [r for r in found if r["table"] == "1" and r["seat"] == "CFIUS"]
    assert [r["name"] for r in cfius] == ["Bo", "Cy"]
    assert {r["team"] for r in cfius} == {"Bo; Cy"}, "a team shares its seat's score"
    assert len({r["score"] for r in cfius}) == 1
    assert {r["class"] for r in found} == {CODE}


def test_the_percentile_is_within_the_seat(debriefed: Debriefed) -> None:
    """Worked out again from the scores in the file: the share of the same seat's other
    tables this score beats, a tie counting half."""
    by_table = {(r["seat"], r["table"]): r for r in rows(debriefed.csv)}
    seats = {seat for seat, _ in by_table}
    assert len(seats) == 5
    for seat in seats:
        scores = {t: float(r["score"]) for (s, t), r in by_table.items() if s == seat}
        assert len(scores) == 6
        for table, score in scores.items():
            others = [v for t, v in scores.items() if t != table]
            beaten = sum(v < score for v in others) + 0.5 * sum(v == score for v in others)
            expected = 100 * beaten / len(others)
            assert float(by_table[seat, table]["percentile"]) == pytest.approx(expected, abs=0.05)


ROSTER_MOODLE = "Display name,E-mail address,Student ID\nAnn Lee,ann@school.test,S1\n"
ROSTER_MOODLE += "bo,bo@school.test,S2\nDee,dee@school.test,S4\nZed,zed@school.test,S9\n"


def test_moodle_file_matched_by_email_with_unknown_names_kept(
    debriefed: Debriefed, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_MOODLE, encoding="utf-8")
    out = tmp_path / "moodle.csv"
    result = run(
        "--data", str(debriefed.made.data), "--class", CODE, "--csv", str(out),
        "--roster", str(roster), "--format", "moodle",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0] == ["Full name", "Email address", "ID number", f"Divestiture debrief ({CODE})",
                        "Feedback"]  # fmt: skip
    body = {r[0]: r for r in table[1:]}
    assert set(body) == {"Ann Lee", "bo", "Cy", "Dee"}, "students only, bots left out"
    assert body["Ann Lee"][1:3] == ["ann@school.test", "S1"]
    assert body["bo"][1] == "bo@school.test", "names match whatever their case"
    assert body["Cy"][1:3] == ["", ""], "not in the roster: kept, with no e-mail"
    plain = {r["name"]: r for r in rows(debriefed.csv)}
    assert body["Dee"][3] == plain["Dee"]["percentile"]
    assert "Table 3, Microsoft" in body["Dee"][4]
    assert "not in the roster" in result.stderr and "Cy (table 1, CFIUS)" in result.stderr
    assert "bots are left out" in result.stderr


def test_canvas_file_from_a_canvas_export_as_roster(debriefed: Debriefed, tmp_path: Path) -> None:
    """A Canvas gradebook export serves as the roster: its "Last, First" names match the
    names students typed, and its ID columns go back in the import's."""
    roster = tmp_path / "export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        '"Lee, Ann",101,S1,alee,Seminar A\nBo,102,S2,bo,Seminar A\n'
        "Cy,103,S3,cy,Seminar B\nDee,104,S4,dee,Seminar B\n",
        encoding="utf-8",
    )
    out = tmp_path / "canvas.csv"
    result = run(
        "--data", str(debriefed.made.data), "--class", CODE, "--csv", str(out),
        "--roster", str(roster), "--format", "canvas", "--grade", "score",
        "--assignment", "Negotiation (12345)",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "Negotiation (12345)"]  # fmt: skip
    assert table[1][0].strip() == "Points Possible" and table[1][5] == "100"
    body = {r[0]: r for r in table[2:]}
    assert body["Lee, Ann"][1:5] == ["101", "S1", "alee", "Seminar A"]
    plain = {r["name"]: r for r in rows(debriefed.csv)}
    assert body["Dee"][5] == plain["Dee"]["score"], "--grade score: the seat's score"
    assert "not in the roster" not in result.stderr


def test_roster_headers_are_read_loosely_and_refused_clearly() -> None:
    roster = read_roster("Full Name,EMAIL,id number\nAnn,a@b.test,7\n", "r.csv")
    assert roster.columns == {"name", "email", "student_id"}
    assert roster.find("  ann ") is not None
    with pytest.raises(RosterError, match="no name column"):
        read_roster("email\na@b.test\n", "r.csv")
    with pytest.raises(RosterError, match="empty"):
        read_roster("", "r.csv")
    only_names = read_roster("name\nAnn\n", "r.csv")
    with pytest.raises(RosterError, match="moodle"):
        check_roster(only_names, "moodle", "r.csv")
    with pytest.raises(RosterError, match="canvas"):
        check_roster(read_roster("name,email\nAnn,a@b.test\n"), "canvas")
    check_roster(only_names, "plain")
