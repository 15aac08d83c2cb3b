"""The report of a seeded class of six tables: one self-contained HTML page, with every
chart and table, whose figures are the engine's (``divest analyze`` on the same games)."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from divestiture.cli.main import main
from divestiture.debrief import report_html
from divestiture.server.debrief_source import read_class
from tests.debrief.classroom import ANNOUNCEMENT, NOTE, STUDENTS
from tests.debrief.conftest import Debriefed


class Page(HTMLParser):
    """Every element with its attributes, the text, and each element's text by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def with_attr(self, name: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if name in a]


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def sections(html: str) -> dict[str, str]:
    """Each section's HTML, by its id."""
    found = re.findall(r'<section id="([^"]+)"[^>]*>(.*?)</section>', html, flags=re.S)
    return dict(found)


def test_the_page_parses_and_fetches_nothing(debriefed: Debriefed) -> None:
    """No script, no stylesheet or image or font from anywhere: every link is to a place in
    the page, and no address at all appears (the source is named, not linked)."""
    page = parsed(debriefed.html)
    tags = {t for t, _ in page.tags}
    assert {"html", "head", "style", "body", "svg", "table"} <= tags
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "image"}
    for attrs in page.with_attr("href") + page.with_attr("xlink:href"):
        ref = attrs.get("href") or attrs.get("xlink:href", "")
        assert ref.startswith("#"), ref
    assert not page.with_attr("src")
    assert "@import" not in debriefed.html and "@font-face" not in debriefed.html
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", debriefed.html))
    assert "http://" not in debriefed.html and "https://" not in debriefed.html
    assert not any(k.startswith("on") for _, a in page.tags for k in a), "no event handlers"


def test_ids_are_unique_across_the_charts(debriefed: Debriefed) -> None:
    ids = [a["id"] for a in parsed(debriefed.html).with_attr("id")]
    assert len(ids) == len(set(ids))


def test_every_chart_and_every_table_is_there(debriefed: Debriefed) -> None:
    page = parsed(debriefed.html)
    charts = [a["aria-label"] for t, a in page.tags if t == "svg"]
    rooms = debriefed.made.rooms
    expected = ["outcomes", "seat-scores", "anchoring"]
    expected += [f"{kind}-{room}" for room in rooms for kind in ("deal-map", "concessions")]
    assert sorted(charts) == sorted(expected)
    found = sections(debriefed.html)
    assert {"outcomes", "seats", "anchoring", "real", "questions"} <= set(found)
    for n in range(1, len(rooms) + 1):
        table = found[f"t{n}"]
        for part in ('class="players"', 'class="spaces"', 'class="log"', 'class="struck"'):
            assert part in table, (n, part)
    outcomes = found["outcomes"]
    assert all(f">Table {n}<" in outcomes for n in range(1, 7))


def test_each_seat_is_ranked_only_against_the_same_seat(debriefed: Debriefed) -> None:
    """Per seat, the tables' scores in falling order, ranked 1 to 6."""
    seats = sections(debriefed.html)["seats"]
    blocks = re.findall(r'<div class="seat" data-seat="(\w+)">(.*?)</table>', seats, re.S)
    assert [seat for seat, _ in blocks] == list(debriefed.made.scenario.seat_ids)
    for _, block in blocks:
        scores = [float(s) for s in re.findall(r'data-score="([^"]+)"', block)]
        assert len(scores) == 6 and scores == sorted(scores, reverse=True)
        ranks = re.findall(r"<td>(\d) of 6</td>", block)
        assert ranks[0] == "1" and len(ranks) == 6


def test_the_figures_are_those_of_divest_analyze(debriefed: Debriefed) -> None:
    """For every table: each deal space's walk-aways, zones, Pareto frontier and Nash point,
    and the deal struck with its distances, equal ``divest analyze --json`` on its room."""
    found = sections(debriefed.html)
    made = debriefed.made
    deals = 0
    for n, room in enumerate(made.rooms, start=1):
        result = CliRunner().invoke(
            main, ["analyze", "--data", str(made.data), "--room", room, "--json"]
        )
        assert result.exit_code == 0, result.output
        analysis = json.loads(result.output)
        table = found[f"t{n}"]
        rows = [dict(re.findall(r'data-([a-z]+)="([^"]*)"', r)) for r in
                re.findall(r"<tr (data-parties=[^>]*)>", table)]  # fmt: skip
        assert len(rows) == len(analysis["spaces"])
        for row, space in zip(rows, analysis["spaces"], strict=True):
            assert row["parties"].split(",") == space["parties"]
            assert [float(w) for w in row["walk"].split(",")] == space["walk_away"]
            zones = [z.split(":") for z in row["zones"].split(";") if z]
            assert [(s, float(lo), float(hi)) for s, lo, hi in zones] == [
                (z["scope"], z["low"], z["high"]) for z in space["zones"]
            ]
            assert int(row["frontier"]) == len(space["frontier"])
            nash = [float(s) for s in row["nash"].split(",")] if row["nash"] else None
            assert nash == (space["nash"]["scores"] if space["nash"] else None)
        struck = re.search(r'<p class="struck" ([^>]*)>', table)
        assert struck is not None
        attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', struck.group(1)))
        if analysis["agreed"] is None:
            assert attrs == {"missed": "true" if analysis["missed"] else "false"}
            continue
        deals += 1
        assert [float(s) for s in attrs["agreed"].split(",")] == analysis["agreed"]["scores"]
        assert attrs["frontier-distance"] == repr(analysis["frontier_distance"])
        assert attrs["nash-distance"] == repr(analysis["nash_distance"])
        text = f"{analysis['frontier_distance']:.1f} points from the Pareto frontier"
        assert text in table
    assert deals == 4


def test_the_transcript_has_the_bots_reasons_and_the_facilitators_controls(
    debriefed: Debriefed,
) -> None:
    table = sections(debriefed.html)["t1"]
    assert ANNOUNCEMENT in table and NOTE in table
    assert "The facilitator starts the week." in table
    assert "The facilitator pauses play." in table and "resumes play" in table
    reasons = re.findall(r"<td class=why>([^<]+)</td>", table)
    assert len(reasons) > 20
    rows = re.findall(r'<tr class="([^"]*)"><td class=day>', table)
    assert any("fac" in r.split() for r in rows)


def test_the_seat_filter_needs_no_script(debriefed: Debriefed) -> None:
    """A link per seat targets a marker before the transcript; the page's style hides
    every other seat's rows while it is targeted; each row names its seats."""
    html = debriefed.html
    table = sections(html)["t1"]
    for seat in [*debriefed.made.scenario.seat_ids, "facilitator"]:
        assert f'<a class="l-{seat}" href="#t1-{seat}">' in table
        assert f'<span class="mark f-{seat}" id="t1-{seat}"></span>' in table
        assert f".f-{seat}:target ~ table.log tbody tr:not(.s-{seat}) {{ display: none; }}" in html
    rows = re.findall(r'<tr class="([^"]*)"><td class=day>', table)
    cfius = [r for r in rows if "s-cfius" in r.split()]
    assert 0 < len(cfius) < len(rows)
    assert any("s-facilitator" in r.split() for r in rows)


def test_what_really_happened_and_the_questions(debriefed: Debriefed) -> None:
    found = sections(debriefed.html)
    sc = debriefed.made.scenario
    real = found["real"]
    assert sc.debrief.real is not None and sc.debrief.real.text.split(".")[0] in real
    assert all(item.date in real for item in sc.timeline)
    questions = [unescape(q) for q in re.findall(r"<li>(.*?)</li>", found["questions"], re.S)]
    assert len(questions) >= 6
    assert any(q.startswith("Table 2's deal was 12 points from the Pareto") for q in questions)
    assert any("although a deal for" in q for q in questions), "the ban that missed a deal"
    assert any("no deal the regulator could clear" in q for q in questions)
    assert any("first offers and final prices moved together" in q for q in questions)


def test_the_players_are_named_students_teams_and_bots(debriefed: Debriefed) -> None:
    players = sections(debriefed.html)["t1"].split('class="spaces"')[0]
    for names in STUDENTS[1].values():
        assert ", ".join(names) in players
    assert "bot (" in players


@pytest.mark.parametrize("games", [10])
def test_the_report_is_a_pure_function_of_the_class(debriefed: Debriefed, games: int) -> None:
    """The same records give the same page (no clock, no global random, nothing cached)."""
    record = read_class(debriefed.made.data, debriefed.made.code)
    first = report_html(record, bot_games=games)
    assert first == report_html(record, bot_games=games)
    assert f"Compared with {games} games" in first
