"""The debrief report: one self-contained HTML page for a class (or one room).

No script and nothing fetched: the styles are in the page, the charts are inline SVG, the
fonts are the reader's own. It prints on A4 and Letter (each table starts a new page, the
charts scale to the width). Each transcript is filtered by seat with CSS alone: a link per
seat targets an empty marker before the transcript, and ``:target`` hides the other rows
(so no script is needed, the address bar says which filter is on, and the back button
undoes it); every row also names its seats in a column of its own for print.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Sequence

from divestiture.debrief import charts
from divestiture.debrief.build import (
    BOT_GAMES,
    BOT_SEED,
    FACILITATOR_ROW,
    TIMER,
    Baseline,
    ClassDebrief,
    Line,
    TableDebrief,
    build,
)
from divestiture.debrief.discussion import money, questions
from divestiture.debrief.records import ClassInput
from divestiture.game.analysis import Analysis, DealSpace, Point
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.wording import day_name, terms_text

MINOR = frozenset({"pass", "tracks", "phase", "round_end", "timeout"})  # lighter lines
ASIDE = frozenset({"tracks", "phase"})  # the game's own lines, left off on paper


def report_html(
    record: ClassInput,
    *,
    bot_games: int = BOT_GAMES,
    bot_seed: int = BOT_SEED,
    bots: Baseline | None = None,
) -> str:
    """The debrief of a class as one HTML page (pure: no file, no network, no clock);
    ``bots``: the bots' games it is compared with, if played already (``build``)."""
    return render(build(record, bot_games=bot_games, bot_seed=bot_seed, bots=bots))


def render(debrief: ClassDebrief) -> str:
    """The page of a debrief already built."""
    sc = debrief.scenario
    who = f"class {debrief.input.code}" if debrief.input.is_class else f"room {debrief.input.code}"
    if debrief.viewer is not None:
        who += f", as {sc.seat_name(debrief.viewer)} saw it"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Debrief: {_e(who)} - {_e(sc.title)}</title>",
        f"<style>{_css(sc)}</style>",
        "</head><body>",
        _header(debrief, who),
        _nav(debrief),
        _outcomes(debrief),
        _seats(debrief),
        _anchoring(debrief),
        _real(debrief),
        _questions(debrief),
        *(_table(debrief, t) for t in debrief.tables),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# --- the class ------------------------------------------------------------------------------


def _header(debrief: ClassDebrief, who: str) -> str:
    sc = debrief.scenario
    opened = debrief.input.opened
    when = time.strftime("%d %B %Y", time.gmtime(opened)) if opened else ""
    n = len(debrief.tables)
    unfinished = [t.label for t in debrief.tables if not t.over]
    warn = (
        f'<p class="warn">Not over yet: {_e(", ".join(unfinished))}. Their scores are as if'
        " the game ended now, with no deal.</p>"
        if unfinished
        else ""
    )
    base = debrief.baseline
    return (
        f"<header><h1>Debrief: {_e(who)}</h1>"
        f"<p class=lead>{_e(sc.title)}. {n} table{'s' if n != 1 else ''}"
        f"{', opened ' + _e(when) if when else ''}. Compared with {base.games} games between"
        f" scripted bots under the same rules (seeds from {base.seed}, as <code>divest"
        f" simulate --games {base.games} --seed {base.seed}</code>).</p>{warn}"
        "<p class=note>Every seat's score measures different goals: a seat is compared only"
        " with the same seat at the other tables, never with another seat.</p>"
        f"{_viewer_note(debrief)}</header>"
    )


def _viewer_note(debrief: ClassDebrief) -> str:
    if debrief.viewer is None:
        return ""
    seat = debrief.scenario.seat_name(debrief.viewer)
    return (
        f"<p class=note>{_e(seat)}'s copy: the transcript holds what {_e(seat)} saw, so"
        " the other seats' private messages and reasons are left out.</p>"
    )


def _nav(debrief: ClassDebrief) -> str:
    links = [
        ("outcomes", "Outcomes"),
        ("seats", "Seats"),
        ("anchoring", "Anchoring"),
        ("real", "What really happened"),
        ("questions", "Questions"),
    ]
    links += [(_tid(t), t.label) for t in debrief.tables]
    items = "".join(f'<li><a href="#{a}">{_e(text)}</a></li>' for a, text in links)
    return f'<nav><ol class="toc">{items}</ol></nav>'


def _outcomes(debrief: ClassDebrief) -> str:
    sc = debrief.scenario
    rows = []
    for t in debrief.tables:
        deal = t.deal
        found = t.analysis
        if deal is not None:
            what = terms_text(sc, deal, closed=True)
            left = distances(found)
        else:
            what = "no deal"
            left = (
                "a deal would have left every party better off"
                if found.missed
                else "no deal would have left every party better off"
            )
        students = sum(len(v) for v in t.table.holders.values())
        rows.append(
            [
                f'<a href="#{_tid(t)}">{_e(t.label)}</a>',
                _e(t.table.room),
                _e(_outcome(sc, t)),
                _e(day_name(sc, t.state.round)),
                _e(what),
                _e(left),
                f"{students} / {len(t.table.bots)}",
            ]
        )
    head = ["Table", "Room", "Outcome", "Ended", "Deal", "Value left on the table"]
    head.append("Students / bots")
    return _section(
        "outcomes",
        "The tables' outcomes",
        _grid(head, rows, "outcomes")
        + "<h3>The class against the bots</h3>"
        + _figure(
            charts.outcomes_chart(debrief),
            f"Share of the class's tables in each outcome, against {debrief.baseline.games}"
            " games between scripted bots under the same rules.",
        ),
    )


def _seats(debrief: ClassDebrief) -> str:
    sc = debrief.scenario
    blocks = []
    for seat in sc.seat_ids:
        ranked = sorted(debrief.tables, key=lambda t: (t.standings[seat].rank, t.n))
        rows = [
            [
                f'<a href="#{_tid(t)}">{t.n or _e(t.table.room)}</a>',
                _e(t.players(seat)),
                _num(t.scores[seat].total, f'data-score="{t.scores[seat].total!r}"'),
                f"{t.standings[seat].rank} of {t.standings[seat].of}",
                f"{t.standings[seat].percentile:.0f}",
            ]
            for t in ranked
        ]
        blocks.append(
            f'<div class="seat" data-seat="{_e(seat)}"><h3>{_swatch(sc, seat)}'
            f"{_e(sc.seat_name(seat))}</h3>"
            + _grid(["Table", "Played by", "Score", "Rank", "Percentile"], rows, "seat-table")
            + "</div>"
        )
    return _section(
        "seats",
        "Each seat against the same seat",
        '<div class="seats">'
        + "".join(blocks)
        + "</div>"
        + _figure(
            charts.seat_scores_chart(debrief),
            "Each seat's score at every table (dots, by table number) over the bots' scores"
            " for that seat (box: the middle half; whiskers: the rest but outliers).",
        )
        + "<p class=note>Percentile: the share of the class's other tables whose same seat"
        " this score beats (a tie counts half); 100 is the best at its seat, 0 the lowest.</p>",
    )


def _anchoring(debrief: ClassDebrief) -> str:
    sc = debrief.scenario
    rows = []
    for t in debrief.tables:
        first = t.first_offer
        if first is None:
            rows.append([_e(t.label), "no offer", "", "", ""])
            continue
        deal = t.deal
        final = deal.price if deal is not None else t.offers[-1].terms.price
        rows.append(
            [
                f'<a href="#{_tid(t)}">{_e(t.label)}</a>',
                _e(
                    f"{sc.seat_name(first.seat)}, {day_name(sc, first.round)}:"
                    f" {sc.scope_names[first.terms.scope]}"
                ),
                _num(first.terms.price, fmt="${:.0f}B"),
                _num(final, fmt="${:.0f}B") + ("" if deal is not None else " (last offer)"),
                _num(final - first.terms.price, fmt="{:+.0f}"),
            ]
        )
    return _section(
        "anchoring",
        "First offers and final prices",
        _figure(
            charts.anchoring_chart(debrief),
            "Each table's first offer against its final price. Above the dotted line the price"
            " rose from the first offer; below it, it fell.",
        )
        + _grid(["Table", "First offer", "Price", "Final", "Change, $B"], rows, "anchors"),
    )


def _real(debrief: ClassDebrief) -> str:
    sc = debrief.scenario
    counts = debrief.outcome_counts()
    ours = "".join(
        f"<li><b>{counts[o.id]}</b> {_e(o.name)}"
        + (
            " <span class=tag>what happened</span>"
            if sc.debrief.real and sc.debrief.real.outcome == o.id
            else ""
        )
        + "</li>"
        for o in sc.outcomes
    )
    real = sc.debrief.real
    said = (
        f"<p><b>In the game's terms: {_e(sc.outcome(real.outcome).name)}.</b> {_e(real.text)}</p>"
        if real
        else ""
    )
    timeline = "".join(
        f"<li><time>{_e(item.date)}</time> {_e(item.event)}</li>" for item in sc.timeline
    )
    return _section(
        "real",
        "What really happened",
        '<div class="two">'
        f'<div><h3>This class</h3><ul class="counts">{ours}</ul>{said}</div>'
        f'<div><h3>The real story</h3><ol class="timeline">{timeline}</ol>'
        f"<p class=note>Source: {_e(sc.source)}, shipped with the rules.</p></div></div>",
    )


def _questions(debrief: ClassDebrief) -> str:
    items = "".join(
        f"<li>{_e(q.text)}"
        + (
            f' <a class="to" href="#{_tid_n(debrief, q.table)}">(table)</a>'
            if q.table is not None
            else ""
        )
        + "</li>"
        for q in questions(debrief)
    )
    return _section("questions", "Questions for the discussion", f"<ol class=qs>{items}</ol>")


# --- one table ------------------------------------------------------------------------------


def _table(debrief: ClassDebrief, t: TableDebrief) -> str:
    sc = debrief.scenario
    title = f"{t.label}: {_outcome(sc, t)}"
    body = [
        f"<p class=lead>Room {_e(t.table.room)}, seed {t.table.seed}. {_e(_ending(sc, t))}</p>",
        _players(sc, t),
        "<h3>The deal map</h3>",
        _figure(
            charts.deal_map(t),
            "Left: each deal space's zone of possible agreement by scope (the prices every"
            " party of it would take), the seller's walk-away keeping the algorithm, the"
            " offers made and the deal. Right: the parties' scores: the Pareto frontier of the"
            " deals every party would take, each party's walk-away (its score with no deal),"
            " the Nash point and the deal reached.",
        ),
        _spaces(sc, t),
        "<h3>Offers, day by day</h3>",
        _figure(charts.concessions_chart(t), "The price of every term sheet put on the table."),
        _transcript(sc, t),
    ]
    return _section(_tid(t), title, "".join(body), cls="table")


def _players(sc: Scenario, t: TableDebrief) -> str:
    rows = []
    for seat in sc.seat_ids:
        score = t.scores[seat]
        st = t.standings[seat]
        bot = t.table.bots.get(seat)
        played = _e(t.players(seat))
        if bot is not None and t.table.holders.get(seat):
            played += " (and a bot)"
        if bot is not None:
            played += f" <span class=tag>{_e(bot.difficulty)}</span>"
        deal_part = (
            f"${score.surplus:+.1f}B; with no deal {score.walk_away:.1f}"
            if score.surplus is not None and score.walk_away is not None
            else ""
        )
        rows.append(
            [
                f"{_swatch(sc, seat)}{_e(sc.seat_name(seat))}",
                played,
                _num(score.total, f'data-seat="{_e(seat)}" data-score="{score.total!r}"'),
                f"{st.rank} of {st.of}",
                f"{st.percentile:.0f}",
                _e(deal_part),
            ]
        )
    head = ["Seat", "Played by", "Score", "Rank at its seat", "Percentile", "Deal vs walk-away"]
    return _grid(head, rows, "players")


def _spaces(sc: Scenario, t: TableDebrief) -> str:
    found = t.analysis
    floors = ", ".join(f"{sc.scope_names[s]} ${p:.0f}B" for s, p in found.walk_away_price.items())
    out = [
        f"<p>{_e(sc.seat_name(found.seller))}'s walk-away price, keeping the algorithm:"
        f" {_e(floors)}. The analysis is of the game as it stood before its last action"
        f" (version {found.version}).</p>"
    ]
    rows = []
    for space in found.spaces:
        walk = ", ".join(
            f"{sc.seat_name(p)} {w:.0f}"
            for p, w in zip(space.parties, space.walk_away, strict=True)
        )
        zones = "; ".join(
            f"{sc.scope_names[z.scope]}: ${z.low:.1f}B to ${z.high:.1f}B"
            f" (algorithm {sc.algorithm_names[z.algorithm]})"
            for z in space.zones
        )
        nash = _point(sc, space, space.nash) if space.nash is not None else "none"
        attrs = (
            f'data-parties="{",".join(space.parties)}"'
            f' data-walk="{",".join(repr(w) for w in space.walk_away)}"'
            f' data-zones="{";".join(f"{z.scope}:{z.low!r}:{z.high!r}" for z in space.zones)}"'
            f' data-frontier="{len(space.frontier)}"'
            f' data-nash="{",".join(repr(s) for s in space.nash.scores) if space.nash else ""}"'
        )
        rows.append(
            (
                attrs,
                [
                    _e(" + ".join(sc.seat_name(p) for p in space.parties)),
                    _e(walk),
                    _e(zones or "no price leaves every party better off"),
                    str(len(space.frontier)),
                    _e(nash),
                ],
            )
        )
    head = ["Deal between", "Walk-away scores", "Zone of agreement", "Pareto deals", "Nash point"]
    out.append(_grid_attrs(head, rows, "spaces"))
    agreed = found.agreed
    if agreed is not None and found.agreed_space is not None:
        attrs = (
            f'data-agreed="{",".join(repr(s) for s in agreed.scores)}"'
            f' data-frontier-distance="{found.frontier_distance!r}"'
            f' data-nash-distance="{found.nash_distance!r}"'
        )
        out.append(
            f'<p class="struck" {attrs}><b>The deal struck:</b>'
            f" {_e(_point(sc, found.agreed_space, agreed))} It was {_e(distances(found))}"
            " (the value left on the table, in the parties' scores).</p>"
        )
    elif found.missed:
        out.append(
            '<p class="struck" data-missed="true"><b>No deal was struck</b>, though one would'
            " have left every party of it better off: the Pareto deals above are the deals"
            " every party preferred to no deal.</p>"
        )
    else:
        out.append(
            '<p class="struck" data-missed="false"><b>No deal was struck</b>, and none would'
            " have left every party better off.</p>"
        )
    return "".join(out)


def distances(found: Analysis) -> str:
    """How far the deal struck was from the Pareto frontier and the Nash point."""
    if found.frontier_distance is None:
        return (
            "with no Pareto frontier to measure from: no deal of these parties would have"
            " left each as well off as no deal"
        )
    text = f"{found.frontier_distance:.1f} points from the Pareto frontier"
    if found.nash_distance is None:
        return text + ", with no Nash point (no deal left every party better off)"
    return text + f" and {found.nash_distance:.1f} from the Nash point"


def _point(sc: Scenario, space: DealSpace, point: Point) -> str:
    scored = ", ".join(
        f"{sc.seat_name(p)} {s:.0f}" for p, s in zip(space.parties, point.scores, strict=True)
    )
    return f"{terms_text(sc, point.terms, closed=True)} ({scored})."


def _transcript(sc: Scenario, t: TableDebrief) -> str:
    tid = _tid(t)
    who = [*sc.seat_ids, FACILITATOR_ROW]
    markers = "".join(f'<span class="mark f-{_e(w)}" id="{tid}-{_e(w)}"></span>' for w in who)
    links = " ".join(
        f'<a class="l-{_e(w)}" href="#{tid}-{_e(w)}">{_e(_who_name(sc, w))}</a>' for w in who
    )
    rows = "".join(_line(sc, line) for line in t.lines)
    return (
        f'<h3>Transcript</h3><div class="transcript">{markers}'
        f'<p class="filters">Show the lines of: <a href="#{tid}">everyone</a> {links}</p>'
        '<table class="log"><thead><tr><th>Day</th><th>Who</th><th>What happened</th>'
        "<th>Why (the bot's reason)</th><th>Concerns</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "<p class=note>On paper the game's own lines (phases, track moves) are left out.</p>"
        "</div>"
    )


def _line(sc: Scenario, line: Line) -> str:
    classes = " ".join(f"s-{s}" for s in sorted(line.seats))
    if line.kind in MINOR:
        classes += " minor"
    if line.kind in ASIDE:
        classes += " aside"
    if line.who == FACILITATOR_ROW:
        classes += " fac"
    concerns = ", ".join(_who_name(sc, s) for s in sorted(line.seats) if s != line.who)
    return (
        f'<tr class="{_e(classes.strip())}"><td class=day>'
        f"{_e(day_name(sc, line.round)[:3])} {_e(str(line.phase))}</td>"
        f"<td class=who>{_who_cell(sc, line.who)}</td><td>{_e(line.text)}</td>"
        f"<td class=why>{_e(line.why)}</td><td class=concerns>{_e(concerns)}</td></tr>"
    )


def _who_cell(sc: Scenario, who: str) -> str:
    if who in sc.seat_ids:
        return _swatch(sc, SeatId(who)) + _e(sc.seat_name(SeatId(who)))
    return _e(_who_name(sc, who))


def _who_name(sc: Scenario, who: str) -> str:
    if who == FACILITATOR_ROW:
        return "Facilitator"
    if who == TIMER:
        return "Timer"
    if who in sc.seat_ids:
        return sc.seat_name(SeatId(who))
    return who


# --- pieces -----------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _tid(t: TableDebrief) -> str:
    return f"t{t.n}" if t.n else f"room-{t.table.room}"


def _tid_n(debrief: ClassDebrief, n: int) -> str:
    return next((_tid(t) for t in debrief.tables if t.n == n), "outcomes")


def _outcome(sc: Scenario, t: TableDebrief) -> str:
    if not t.over:
        return f"in play ({day_name(sc, t.state.round)})"
    return sc.outcome(str(t.state.outcome)).name


def _ending(sc: Scenario, t: TableDebrief) -> str:
    if not t.over:
        return "The game has not ended."
    deal = t.deal
    day = day_name(sc, t.state.round)
    if deal is None:
        return f"It ended on {day} with no deal."
    return f"It ended on {day} with a deal at ${money(deal.price)}B."


def _swatch(sc: Scenario, seat: SeatId) -> str:
    return f'<span class="sw" style="background:{sc.seat(seat).color}"></span>'


def _num(value: float, attrs: str = "", fmt: str = "{:.1f}") -> str:
    return f'<span class="num" {attrs}>{_e(fmt.format(value))}</span>'


def _section(anchor: str, title: str, body: str, cls: str = "part") -> str:
    return f'<section id="{_e(anchor)}" class="{cls}"><h2>{_e(title)}</h2>{body}</section>'


def _figure(svg_text: str, caption: str) -> str:
    return f"<figure>{svg_text}<figcaption>{_e(caption)}</figcaption></figure>"


def _grid(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str) -> str:
    return _grid_attrs(head, (("", r) for r in rows), cls)


def _grid_attrs(head: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]], cls: str) -> str:
    top = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        f"<tr {attrs}>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
        if attrs
        else "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
        for attrs, cells in rows
    )
    return f'<table class="{cls}"><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>'


def _css(sc: Scenario) -> str:
    who = [*sc.seat_ids, FACILITATOR_ROW]
    filters = "\n".join(
        f".f-{w}:target ~ table.log tbody tr:not(.s-{w}) {{ display: none; }}\n"
        f".f-{w}:target ~ p.filters a.l-{w} {{ font-weight: bold; text-decoration: none;"
        " background: #eef; }"
        for w in who
    )
    return _BASE_CSS + filters


_BASE_CSS = """
:root { color-scheme: light; }
.sw, table.log tr.fac td, th, .tag, .struck { -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
  max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; font-size: 10.5pt;
  line-height: 1.4; }
h1 { font-size: 1.7em; margin: 0.2em 0; }
h2 { font-size: 1.35em; border-bottom: 2px solid #0072B2; padding-bottom: 0.15em;
  margin-top: 1.6em; }
h3 { font-size: 1.1em; margin: 1.2em 0 0.4em; }
.lead { font-size: 1.05em; }
.note { color: #555; font-size: 0.92em; }
.warn { background: #fff3cd; border: 1px solid #e0c060; padding: 0.4em 0.6em; }
code { font-size: 0.95em; }
nav ol.toc { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
nav ol.toc a { text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; font-size: 0.95em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.4em; text-align: left;
  vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
td .num, .num { font-variant-numeric: tabular-nums; }
.sw { display: inline-block; width: 0.7em; height: 0.7em; border-radius: 2px;
  margin-right: 0.35em; border: 1px solid #0004; vertical-align: baseline; }
.tag { font-size: 0.8em; background: #eee; border-radius: 3px; padding: 0 0.3em; }
figure { margin: 0.6em 0 1em; }
figcaption { font-size: 0.88em; color: #555; }
svg.chart { width: 100%; height: auto; max-width: 100%; display: block; }
.seats { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
  gap: 0 1.2rem; }
.seats table { font-size: 0.9em; }
table.outcomes td:first-child, table.anchors td:first-child { white-space: nowrap; }
.two { display: grid; grid-template-columns: 1fr 1.4fr; gap: 1.5rem; }
ol.timeline { padding-left: 1.2em; }
ol.timeline time { font-weight: 600; margin-right: 0.4em; font-variant-numeric: tabular-nums; }
ul.counts { list-style: none; padding: 0; }
ol.qs li { margin-bottom: 0.5em; }
a.to { font-size: 0.85em; }
.struck { background: #f7f7f7; padding: 0.4em 0.6em; border-left: 3px solid #C0392B; }
.transcript .mark { display: block; height: 0; }
p.filters a { margin-right: 0.5em; }
table.log { font-size: 0.86em; }
table.log td.day { white-space: nowrap; color: #555; }
table.log td.who { white-space: nowrap; }
table.log td.why { font-style: italic; color: #444; }
table.log td.concerns { color: #666; font-size: 0.92em; }
table.log tr.minor td { color: #888; }
table.log tr.fac td { background: #fff8e6; }
@page { size: auto; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  nav, p.filters { display: none; }
  section.part, section.table { break-before: page; }
  section#outcomes { break-before: auto; }
  h2, h3 { break-after: avoid; }
  figure, svg.chart, .struck { break-inside: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  table.log tr.aside { display: none; }
}
"""
