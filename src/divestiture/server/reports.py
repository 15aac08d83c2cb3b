"""The debrief report, drawn for a console (a class, or some of its tables, during play
too) or for a student (their own table once it is over, as their seat saw it).

The tables' logs are read from the store; replaying, analysing and drawing them takes
seconds, so it runs on a worker thread, one report at a time, and the event loop goes on
serving the class meanwhile. Each request is a task of its own: the connection that asked
keeps being served while its report is drawn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any

from divestiture.debrief import ClassInput, report_html
from divestiture.debrief.seat_copy import seat_copy
from divestiture.game.types import SeatId
from divestiture.server.debrief_source import from_room_log, room_log
from divestiture.server.logs import log
from divestiture.server.protocol import SeatResult
from divestiture.server.rooms import Room
from divestiture.server.store import AsyncStore


class Reports:
    """The server's report drawer."""

    def __init__(self, store: AsyncStore) -> None:
        self.store = store
        self._one_at_a_time = asyncio.Lock()  # a report keeps one core busy for seconds
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, job: Coroutine[Any, Any, None]) -> None:
        """Run ``job`` (one request's report) as a task of its own."""
        task = asyncio.create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Cancel the reports still being drawn (the server is stopping)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

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
            return await asyncio.to_thread(report_html, record)

    async def seat_report(self, record: ClassInput, seat: SeatId) -> tuple[str, SeatResult]:
        """``seat``'s copy of its one table, and its result for its end screen."""
        async with self._one_at_a_time:
            copy = await asyncio.to_thread(seat_copy, record, seat)
        result = SeatResult(
            seat=seat,
            score=copy.score,
            percentile=copy.percentile,
            games=copy.games,
            outcome=copy.outcome,
            deal_map=copy.deal_map,
        )
        return copy.html, result
