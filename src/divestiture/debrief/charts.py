"""The debrief's charts, drawn with matplotlib straight to SVG text for the page.

No display and no pyplot: each chart is a ``Figure`` saved as SVG, text kept as text
(``svg.fonttype: none``, so it names a font family for the reader's own fonts and fetches
nothing), with the XML prologue, the namespaces and the metadata taken off so it sits
inline in HTML, and every id made the chart's own (several charts share one page).
matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from divestiture.debrief.build import ClassDebrief, TableDebrief
from divestiture.game.analysis import DealSpace
from divestiture.game.types import Scope, SeatId
from divestiture.game.wording import day_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

WIDTH = 7.2  # inches: a chart fills the printed width of A4 or Letter (it scales down)
GREY = "#777777"
INK = "#222222"
DEAL = "#C0392B"  # the deal reached
NASH = "#6A3D9A"  # the Nash point
SPACE_COLOURS = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "divestiture-debrief",  # the same page for the same class
    "text.parse_math": False,  # "$31B" is money, not mathematics
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _integers() -> MaxNLocator:
    """Ticks on whole numbers ($B)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


# matplotlib's settings are its process's: two reports drawn in two threads (the server's
# workers) take turns, so neither draws with the other's settings.
_DRAWING = threading.Lock()


def svg(draw: Callable[[Figure], None], key: str, height: float) -> str:
    """The SVG of a figure ``WIDTH`` by ``height`` inches drawn by ``draw``, its ids
    prefixed with ``key``."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with _DRAWING, rc_context(_RC):
        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        draw(fig)
        out = io.StringIO()
        fig.savefig(
            out,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return _inline(out.getvalue(), key)


def _inline(text: str, key: str) -> str:
    text = text[text.index("<svg") :]
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text, count=2)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    text = re.sub(r'(\sid=")([^"]+)"', lambda m: f'{m.group(1)}{key}-{m.group(2)}"', text)
    text = re.sub(
        r"#([A-Za-z0-9_.-]+)",
        lambda m: f"#{key}-{m.group(1)}" if m.group(1) in ids else m.group(0),
        text,
    )
    return text.replace("<svg ", f'<svg class="chart" role="img" aria-label="{key}" ', 1)


# --- the class --------------------------------------------------------------------------------


def outcomes_chart(debrief: ClassDebrief) -> str:
    """The class's outcomes against the bots': the share of tables (or games) in each."""
    sc = debrief.scenario
    ours = debrief.outcome_counts()
    theirs = debrief.baseline.outcomes
    tables = max(1, sum(ours.values()))
    games = max(1, debrief.baseline.games)
    names = [o.name for o in sc.outcomes]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = range(len(names))
        class_share = [100 * ours[o.id] / tables for o in sc.outcomes]
        bot_share = [100 * theirs[o.id] / games for o in sc.outcomes]
        ax.barh([i - 0.2 for i in y], class_share, 0.38, color="#0072B2", label="this class")
        ax.barh([i + 0.2 for i in y], bot_share, 0.38, color="#BBBBBB", label="bots")
        for i, o in enumerate(sc.outcomes):
            ax.annotate(
                f"{ours[o.id]} of {sum(ours.values())}",
                (class_share[i], i - 0.2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
            ax.annotate(
                f"{theirs[o.id]} of {debrief.baseline.games}",
                (bot_share[i], i + 0.2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                color=GREY,
            )
        ax.set_yticks(list(y), names)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel("share of tables (class) or of games (bots), %")
        ax.legend(loc="lower right", frameon=False)

    return svg(draw, "outcomes", 0.45 * len(names) + 1.0)


def seat_scores_chart(debrief: ClassDebrief) -> str:
    """Each seat's scores at the class's tables (dots, labelled with the table) over the
    bots' scores for that seat (a box): each seat against itself only."""
    sc = debrief.scenario
    seats = list(sc.seat_ids)

    def draw(fig: Figure) -> None:
        axes = fig.subplots(1, len(seats), sharey=True)
        for ax, seat in zip(axes, seats, strict=True):
            bots = debrief.baseline.scores.get(seat, ())
            if bots:
                ax.boxplot(
                    [bots],
                    positions=[0],
                    widths=0.5,
                    showfliers=False,
                    patch_artist=True,
                    boxprops={"facecolor": "#E6E6E6", "edgecolor": GREY},
                    medianprops={"color": GREY},
                    whiskerprops={"color": GREY},
                    capprops={"color": GREY},
                )
            ours = [(t.n, t.scores[seat].total) for t in debrief.tables if seat in t.scores]
            for i, (n, total) in enumerate(sorted(ours, key=lambda p: p[1])):
                x = 0.38 + 0.14 * (i % 3)
                ax.plot([x], [total], "o", color=sc.seat(seat).color, mec=INK, mew=0.5, ms=6)
                ax.annotate(str(n or "R"), (x, total), xytext=(5, -3), textcoords="offset points")
            ax.set_xlim(-0.5, 1.0)
            ax.set_xticks([0, 0.5], ["bots", "class"])
            ax.set_title(sc.seat_name(seat))
            ax.set_ylim(0, 100)
        axes[0].set_ylabel("score (0-100)")

    return svg(draw, "seat-scores", 2.6)


def anchoring_chart(debrief: ClassDebrief) -> str:
    """Each table's first offer against its final price (the deal's, or the last offer's
    where no deal closed)."""
    points = anchor_points(debrief)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        if not points:
            ax.text(0.5, 0.5, "No table made an offer.", ha="center", transform=ax.transAxes)
            ax.set_axis_off()
            return
        lo = min(min(p[1], p[2]) for p in points) - 3
        hi = max(max(p[1], p[2]) for p in points) + 3
        ax.plot([lo, hi], [lo, hi], ls=":", color=GREY, lw=1)
        ax.annotate("final = first", (hi, hi), xytext=(-4, -10), textcoords="offset points",
                    ha="right", color=GREY)  # fmt: skip
        for label, first, last, closed in points:
            ax.plot(
                [first],
                [last],
                "o",
                ms=7,
                color=DEAL if closed else "white",
                mec=DEAL,
                mew=1.2,
            )
            ax.annotate(label, (first, last), xytext=(5, 3), textcoords="offset points")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("first offer at the table, $B")
        ax.set_ylabel("final price, $B")
        ax.set_aspect("equal", adjustable="box")
        ax.plot([], [], "o", color=DEAL, label="deal closed")
        ax.plot([], [], "o", color="white", mec=DEAL, label="no deal (last offer)")
        ax.legend(loc="upper left", frameon=False)

    return svg(draw, "anchoring", 3.4)


def anchor_points(debrief: ClassDebrief) -> list[tuple[str, int, int, bool]]:
    """(table, first offer's price, final price, whether a deal closed), for each table
    that made an offer."""
    out = []
    for t in debrief.tables:
        first = t.first_offer
        if first is None:
            continue
        deal = t.deal
        last = deal.price if deal is not None else t.offers[-1].terms.price
        out.append((f"T{t.n}" if t.n else t.table.room, first.terms.price, last, deal is not None))
    return out


# --- one table --------------------------------------------------------------------------------


def deal_map(table: TableDebrief) -> str:
    """The table's deal space: on the left, price against scope (each deal space's zone of
    agreement, the seller's walk-away, the offers made, the Nash point and the deal); on
    the right, the parties' scores (the Pareto frontier, the walk-aways, the Nash point and
    the deal) for the deal's space, or the one that could have gained most."""
    return svg(_deal_map(table), f"deal-map-{table.table.room}", DEAL_MAP_HEIGHT)


def deal_map_png(table: TableDebrief, dpi: int = 100) -> bytes:
    """The same deal map as a PNG (for a screen that shows pictures, not SVG), on white."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with _DRAWING, rc_context(_RC):
        fig = Figure(figsize=(WIDTH, DEAL_MAP_HEIGHT), layout="constrained")
        _deal_map(table)(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, facecolor="white")
    return out.getvalue()


DEAL_MAP_HEIGHT = 3.3  # inches


def _deal_map(table: TableDebrief) -> Callable[[Figure], None]:
    scopes = list(Scope)
    spaces = [s for s in table.analysis.spaces if s.zones]

    def draw(fig: Figure) -> None:
        left, right = fig.subplots(1, 2, width_ratios=(1.15, 1))
        _price_panel(left, table, scopes, spaces)
        _score_panel(right, table)

    return draw


def _price_panel(
    ax: Axes, table: TableDebrief, scopes: list[Scope], spaces: Sequence[DealSpace]
) -> None:
    sc = table.state.scenario
    found = table.analysis
    width = 0.7 / max(1, len(spaces))
    for i, space in enumerate(spaces):
        colour = SPACE_COLOURS[i % len(SPACE_COLOURS)]
        label = " + ".join(sc.seat_name(b) for b in space.buyers)
        for zone in space.zones:
            x = scopes.index(zone.scope) - 0.35 + width * (i + 0.5)
            ax.bar(x, zone.high - zone.low, width * 0.9, zone.low, color=colour, alpha=0.35,
                   label=f"zone: {label}" if zone is space.zones[0] else None)  # fmt: skip
        if space.nash is not None:
            x = scopes.index(space.nash.terms.scope) - 0.35 + width * (i + 0.5)
            ax.plot([x], [space.nash.terms.price], "D", color=NASH, ms=5,
                    label="Nash point" if i == 0 else None)  # fmt: skip
    walk = [found.walk_away_price[s] for s in scopes]
    ax.plot(range(len(scopes)), walk, "_", ms=22, mew=2, color=INK,
            label=f"{sc.seat_name(found.seller)}'s walk-away")  # fmt: skip
    for offer in table.offers:
        ax.plot([scopes.index(offer.terms.scope) + 0.38], [offer.terms.price], ".",
                color=sc.seat(offer.seat).color, mec=INK, mew=0.3, ms=7)  # fmt: skip
    if table.offers:
        ax.plot([], [], ".", color=GREY, label="offers (by proposer's colour)")
    deal = table.deal
    if deal is not None:
        ax.plot([scopes.index(deal.scope)], [deal.price], "*", color=DEAL, ms=13, mec=INK,
                mew=0.5, label=f"deal ${deal.price}B")  # fmt: skip
    ax.set_xticks(range(len(scopes)), [_short(sc.scope_names[s]) for s in scopes])
    ax.set_xlim(-0.6, len(scopes) - 0.4)
    ax.set_ylabel("price, $B")
    ax.set_title("Price by scope")
    ax.yaxis.set_major_locator(_integers())
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False, fontsize=7)


def _score_panel(ax: Axes, table: TableDebrief) -> None:
    sc = table.state.scenario
    space = table.shown_space
    if space is None:
        ax.set_axis_off()
        return
    if not space.frontier:
        ax.text(50, 75, "No deal would have left\nevery party better off.", ha="center",
                va="center", color=GREY)  # fmt: skip
    seller, buyers = space.parties[0], space.parties[1:]
    buyer_word = " and ".join(sc.seat_name(b) for b in buyers)
    ylabel = f"{buyer_word}'s score" if len(buyers) == 1 else f"{buyer_word}: mean score"

    def y_of(scores: tuple[float, ...]) -> float:
        return sum(scores[1:]) / len(buyers)

    xs = [p.scores[0] for p in space.frontier]
    ys = [y_of(p.scores) for p in space.frontier]
    if xs:
        ax.plot(xs, ys, ".", color=SPACE_COLOURS[0], ms=4, label="Pareto frontier")
    ax.axvline(space.walk_away[0], ls="--", lw=1, color=GREY)
    ax.axhline(y_of(space.walk_away), ls="--", lw=1, color=GREY, label="walk-aways (no deal)")
    if space.nash is not None:
        ax.plot([space.nash.scores[0]], [y_of(space.nash.scores)], "D", color=NASH, ms=6,
                label="Nash point")  # fmt: skip
    agreed = table.analysis.agreed
    if agreed is not None and table.analysis.agreed_space is space:
        ax.plot([agreed.scores[0]], [y_of(agreed.scores)], "*", color=DEAL, ms=13, mec=INK,
                mew=0.5, label="deal reached")  # fmt: skip
    ax.set_xlabel(f"{sc.seat_name(seller)}'s score")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    title = "The parties' scores" if table.deal is not None else "Deals all would have taken"
    ax.set_title(title)
    ax.legend(loc="lower left", frameon=False, fontsize=7)


def concessions_chart(table: TableDebrief) -> str:
    """The prices offered at the table, day by day, by who offered them."""
    sc = table.state.scenario
    offers = table.offers
    days = max([table.state.round, *(o.round for o in offers)])

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        by_day: dict[int, int] = {}
        for o in offers:
            by_day[o.round] = by_day.get(o.round, 0) + 1
        seen: dict[int, int] = {}
        series: dict[SeatId, tuple[list[float], list[int]]] = {}
        for o in offers:
            k = seen.get(o.round, 0)
            seen[o.round] = k + 1
            x = o.round - 0.5 + (k + 0.5) / by_day[o.round]
            xs, ys = series.setdefault(o.seat, ([], []))
            xs.append(x)
            ys.append(o.terms.price)
        for seat, (xs, ys) in series.items():
            ax.plot(xs, ys, "-o", color=sc.seat(seat).color, mec=INK, mew=0.4, ms=5, lw=1.2,
                    label=sc.seat_name(seat))  # fmt: skip
        deal = table.deal
        if deal is not None:
            ax.axhline(deal.price, ls=":", color=DEAL, lw=1.2, label=f"deal ${deal.price}B")
        for d in range(1, days):
            ax.axvline(d + 0.5, color="#DDDDDD", lw=0.8)
        ax.set_xticks(range(1, days + 1), [day_name(sc, d) for d in range(1, days + 1)])
        ax.set_xlim(0.5, days + 0.5)
        ax.set_ylabel("price offered, $B")
        ax.yaxis.set_major_locator(_integers())
        if offers:
            ax.legend(loc="best", frameon=False, fontsize=7)
        else:
            ax.text(0.5, 0.5, "No offer was made.", ha="center", transform=ax.transAxes)

    return svg(draw, f"concessions-{table.table.room}", 2.3)


def _short(text: str, width: int = 16) -> str:
    """A tick label that fits under its column: on two lines at most."""
    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
