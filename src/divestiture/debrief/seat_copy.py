"""A seat's own copy of its table's debrief, for the student's end screen: the report as
that seat saw the week (every brief, now the game is over; no other seat's private words
or reasons), its score against the bots' scores in the same seat, and its deal map.

Pure, like the rest of the layer: the server builds it for a seated student off its event
loop, and the client builds it for a solo game from its own log.
"""

from __future__ import annotations

from dataclasses import dataclass

from divestiture.debrief.build import BOT_GAMES, BOT_SEED, Baseline, build, standing
from divestiture.debrief.charts import deal_map_png
from divestiture.debrief.records import ClassInput
from divestiture.debrief.report import render
from divestiture.game.types import SeatId


@dataclass(frozen=True, slots=True)
class SeatCopy:
    """What a seat takes home from its table."""

    seat: SeatId
    score: float  # out of 100
    percentile: float  # against the bots' games in the same seat: the share it beats
    games: int  # how many bots' games
    outcome: str  # the outcome's id
    deal_map: bytes  # a PNG
    html: str  # the table's report, as the seat saw it


def seat_copy(
    record: ClassInput,
    seat: SeatId,
    *,
    bot_games: int = BOT_GAMES,
    bot_seed: int = BOT_SEED,
    bots: Baseline | None = None,
) -> SeatCopy:
    """``seat``'s copy of the (one) table of ``record``; ``bots``: the bots' games it is
    compared with, if played already (``build``).

    Raises:
        ValueError: ``record`` is not one table, or ``seat`` is not one of its seats.
    """
    if len(record.tables) != 1:
        raise ValueError(f"a seat's copy is of one table, not {len(record.tables)}")
    if seat not in record.scenario.seat_ids:
        raise ValueError(f"{seat!r} is not a seat of {record.scenario.id}")
    debrief = build(record, bot_games=bot_games, bot_seed=bot_seed, viewer=seat, bots=bots)
    table = debrief.tables[0]
    total = table.scores[seat].total
    in_seat = list(debrief.baseline.scores.get(seat, ()))
    return SeatCopy(
        seat=seat,
        score=total,
        percentile=standing(total, in_seat).percentile,
        games=len(in_seat),
        outcome=str(table.state.outcome),
        deal_map=deal_map_png(table),
        html=render(debrief),
    )
