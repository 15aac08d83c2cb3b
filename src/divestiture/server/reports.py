"""The debrief report, drawn for a console (a class, or some of its tables, during play
too) or for a student (their own table once it is over, as their seat saw it).

The tables' logs are read from the store; replaying, analysing and drawing them takes
seconds, so it runs on a worker thread, one report at a time, and the event loop goes on
serving the class meanwhile. Each request is a task of its own: the connection that asked
keeps being served while its report is drawn, and has at most one report waiting.

When a class's week ends, every student's end screen asks for their seat's copy at once.
So what is the same for all of them is worked out once and kept: the games between bots
they are compared with (the same for every report under the same rules and days), and
each finished table's copy for a seat (a team's students, or one who reconnects, get it
again at once). Both are bounded.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Coroutine, Hashable, Sequence
from typing import Any, TypeVar

from divestiture.debrief import ClassInput, report_html
from divestiture.debrief.build import Baseline, bots_for, rounds_of
from divestiture.debrief.seat_copy import SeatCopy, seat_copy
from divestiture.game.types import SeatId
from divestiture.server.debrief_source import from_room_log, room_log
from divestiture.server.logs import log
from divestiture.server.protocol import SeatResult
from divestiture.server.rooms import Room
from divestiture.server.store import AsyncStore

KEPT_BASELINES = 4  # rules and days a server's classes play at once, at most, usually one
KEPT_COPIES = 64  # seats' copies of finished tables: a class of 12 tables' worth

_V = TypeVar("_V")


class Reports:
    """The server's report drawer."""

    def __init__(self, store: AsyncStore) -> None:
        self.store = store
        self._one_at_a_time = asyncio.Lock()  # a report keeps one core busy for seconds
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}  # asker -> its report's task
        self._baselines: OrderedDict[tuple[str, int | None], Baseline] = OrderedDict()
        self._copies: OrderedDict[tuple[str, int, SeatId], SeatCopy] = OrderedDict()

    def start(self, asker: Hashable, job: Coroutine[Any, Any, None]) -> bool:
        """Run ``job`` (one request's report) as a task of its own; False (and ``job``
        dropped) if ``asker`` has one being drawn still."""
        if asker in self._tasks:
            job.close()
            return False
        task = asyncio.create_task(job)
        self._tasks[asker] = task
        task.add_done_callback(lambda _: self._tasks.pop(asker, None))
        return True

    async def stop(self) -> None:
        """Cancel the reports still being drawn (the server is stopping)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def record(
        self, code: str, tables: Sequence[tuple[Room, int]], *, is_class: bool, opened: float
    ) -> ClassInput:
        """The tables (each with its number in its class, 0 for a room on its own) as
        stored now.

        Raises:
            Refusal: a table is not in the store.
        """
        sc = tables[0][0].state.scenario  # a class's tables all play the same rules
        logs = [await room_log(self.store, room.code, n, last=False) for room, n in tables]
        return ClassInput(
            code, sc, tuple(from_room_log(sc, m) for m in logs), opened, is_class=is_class
        )

    async def class_report(self, record: ClassInput) -> str:
        """The facilitator's report of ``record``: every line, every reason."""
        async with self._one_at_a_time:
            log.info("drawing the debrief of %s (%d tables)", record.code, len(record.tables))
            bots = await self._bots(record)
            return await asyncio.to_thread(report_html, record, bots=bots)

    async def seat_report(
        self, record: ClassInput, seat: SeatId, version: int
    ) -> tuple[str, SeatResult]:
        """``seat``'s copy of its one table, which is over at ``version``, and its result
        for its end screen."""
        key = (record.tables[0].room, version, seat)
        async with self._one_at_a_time:
            copy = self._copies.get(key)
            if copy is None:
                bots = await self._bots(record)
                copy = await asyncio.to_thread(seat_copy, record, seat, bots=bots)
            _keep(self._copies, key, copy, KEPT_COPIES)
        result = SeatResult(
            seat=seat,
            score=copy.score,
            percentile=copy.percentile,
            games=copy.games,
            outcome=copy.outcome,
            deal_map=copy.deal_map,
        )
        return copy.html, result

    async def _bots(self, record: ClassInput) -> Baseline:
        """The bots' games ``record`` is compared with (played once per rules and days)."""
        key = (record.scenario.id, rounds_of(record))
        bots = self._baselines.get(key)
        if bots is None:
            bots = await asyncio.to_thread(bots_for, record)
        _keep(self._baselines, key, bots, KEPT_BASELINES)
        return bots


def _keep(kept: OrderedDict[Any, _V], key: Hashable, value: _V, most: int) -> None:
    """Keep ``value`` as the newest of at most ``most``."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > most:
        kept.popitem(last=False)
