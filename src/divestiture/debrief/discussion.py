"""Discussion questions drawn from what the class did: each names its table and its numbers,
which come from the scores and the analysis (the wording is ``game.questions``', or the
rules' own)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from divestiture.debrief.build import ClassDebrief, TableDebrief
from divestiture.game.questions import question
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.wording import terms_text

OFF_FRONTIER = 5.0  # score points from the frontier past which a deal left value behind
SPREAD = 30.0  # score points between a seat's best and worst table worth asking about


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    table: int | None  # the table it is about (None: the class)


def questions(debrief: ClassDebrief) -> tuple[Question, ...]:
    """The class's questions: one or two a table, then the class's own."""
    out: list[Question] = []
    for table in debrief.tables:
        if table.over:
            out += _table_questions(debrief, table)
    out += _anchoring(debrief)
    out += _spread(debrief)
    out += _real(debrief)
    return tuple(out)


def money(value: float) -> str:
    """$B as the questions write them: whole, or to one decimal below 10."""
    return f"{value:.1f}" if abs(value) < 10 and round(value) != value else f"{value:.0f}"


def _table_questions(debrief: ClassDebrief, table: TableDebrief) -> list[Question]:
    sc = debrief.scenario
    found = table.analysis
    deal = table.deal
    n = str(table.n) if table.n else table.table.room
    name = sc.outcome(str(table.state.outcome)).name
    outcome = name[:1].lower() + name[1:]  # mid-sentence: "ended in ban"
    if deal is None:
        possible = [s for s in found.spaces if s.nash is not None]
        if not found.missed or not possible:
            return [Question(question(sc, "no_zone", table=n, outcome=outcome), table.n)]
        space = table.shown_space
        assert space is not None and space.nash is not None
        zone = next(
            (z for z in space.zones if z.scope == space.nash.terms.scope),
            space.zones[0] if space.zones else None,
        )
        if zone is None:
            return []
        text = question(
            sc,
            "missed_deal",
            table=n,
            outcome=outcome,
            scope=sc.scope_names[zone.scope],
            low=money(zone.low),
            high=money(zone.high),
            parties=_names(sc, space.parties),
        )
        return [Question(text, table.n)]
    out = []
    seller = sc.roles.seller
    gains = {b.seat: table.scores[b.seat].surplus or 0.0 for b in deal.buyers}
    buyer = max(gains, key=lambda s: gains[s])
    seller_gain = table.scores[seller].surplus or 0.0
    fields = {
        "table": n,
        "price": str(deal.price),
        "scope": sc.scope_names[deal.scope],
        "buyer": sc.seat_name(buyer),
        "seller": sc.seat_name(seller),
    }
    losers = {p: g for p, g in {**gains, seller: seller_gain}.items() if g < 0}
    if losers:
        party = min(losers, key=lambda p: losers[p])
        text = question(
            sc,
            "below_walk_away",
            table=n,
            price=fields["price"],
            scope=fields["scope"],
            party=sc.seat_name(party),
            gap=money(-losers[party]),
        )
    elif gains[buyer] >= seller_gain:
        text = question(
            sc, "buyer_kept_surplus", gap=money(gains[buyer]), seller_gap=money(seller_gain),
            **fields,
        )  # fmt: skip
    else:
        text = question(
            sc, "seller_kept_surplus", gap=money(seller_gain), buyer_gap=money(gains[buyer]),
            **fields,
        )  # fmt: skip
    out.append(Question(text, table.n))
    distance = found.frontier_distance
    space = found.agreed_space
    if distance is not None and distance >= OFF_FRONTIER and space and space.nash:
        nash = terms_text(sc, space.nash.terms, closed=True)
        text = question(
            sc,
            "off_frontier",
            table=n,
            distance=f"{distance:.0f}",
            nash=nash,
            parties=_names(sc, space.parties),
        )
        out.append(Question(text, table.n))
    return out


def _anchoring(debrief: ClassDebrief) -> list[Question]:
    pairs = [
        (t, t.first_offer, t.deal)
        for t in debrief.tables
        if t.first_offer is not None and t.deal is not None
    ]
    if len(pairs) < 3:
        return []
    firsts = [float(f.terms.price) for _, f, _ in pairs if f is not None]
    finals = [float(d.price) for _, _, d in pairs if d is not None]
    if len(set(firsts)) < 2 or len(set(finals)) < 2:
        return []
    r = statistics.correlation(firsts, finals)
    high = max(pairs, key=lambda p: p[1].terms.price if p[1] else 0)
    low = min(pairs, key=lambda p: p[1].terms.price if p[1] else 0)
    sc = debrief.scenario
    assert high[1] is not None and high[2] is not None and low[1] is not None
    assert low[2] is not None
    text = question(
        sc,
        "anchoring",
        tables=str(len(pairs)),
        correlation=f"{r:.2f}",
        table=str(high[0].n),
        opener=sc.seat_name(high[1].seat),
        first=str(high[1].terms.price),
        price=str(high[2].price),
        low_table=str(low[0].n),
        low_first=str(low[1].terms.price),
        low_price=str(low[2].price),
    )
    return [Question(text, None)]


def _spread(debrief: ClassDebrief) -> list[Question]:
    sc = debrief.scenario
    if len(debrief.tables) < 2:
        return []
    best: tuple[float, str] | None = None
    for seat in sc.seat_ids:
        ranked = sorted(
            (t.scores[seat].total, t.n) for t in debrief.tables if seat in t.scores and t.over
        )
        if len(ranked) < 2:
            continue
        (low, low_n), (high, high_n) = ranked[0], ranked[-1]
        if high - low < SPREAD or (best is not None and high - low <= best[0]):
            continue
        text = question(
            sc,
            "seat_spread",
            seat=sc.seat_name(seat),
            low=f"{low:.0f}",
            low_table=str(low_n),
            high=f"{high:.0f}",
            high_table=str(high_n),
        )
        best = (high - low, text)
    return [Question(best[1], None)] if best else []


def _real(debrief: ClassDebrief) -> list[Question]:
    sc = debrief.scenario
    real = sc.debrief.real
    ended = [t for t in debrief.tables if t.over]
    if real is None or not ended:
        return []
    count = sum(1 for t in ended if t.state.outcome == real.outcome)
    text = question(
        sc,
        "real_outcome",
        count=str(count),
        tables=str(len(ended)),
        outcome=sc.outcome(real.outcome).name.lower(),
    )
    return [Question(text, None)]


def _names(sc: Scenario, seats: tuple[SeatId, ...]) -> str:
    names = [sc.seat_name(s) for s in seats]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
