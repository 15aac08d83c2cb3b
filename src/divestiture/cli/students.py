"""``divest simulate --server URL --class CODE``: scripted students join a class.

Each student types the class code and no seat, as a student in the lobby does, and is
seated where the class needs them; then it waits for the teacher to start the week
and plays its seat with a scripted bot (made once the seat is known) until its table's
game is over. A student the facilitator moves plays its new seat; one removed stops.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass

from divestiture.game.simulation import Player, PlayerFactory
from divestiture.game.types import SeatId
from divestiture.game.views import GameView
from divestiture.server.client import (
    DROPS,
    Pace,
    Refused,
    SeatClient,
    ServerGone,
    open_connection,
)

STUDENT_RATE = 2.0  # messages a second a scripted student sends at most


@dataclass(frozen=True, slots=True)
class TableResult:
    """How one table of the class ended, as its students saw it."""

    room: str
    outcome: str
    scores: dict[SeatId, float]
    students: int  # how many of the students played at it


@dataclass(frozen=True, slots=True)
class ClassResult:
    tables: list[TableResult]
    removed: int  # students the facilitator took out of their seat
    reconnects: int
    refused: int


def student_pace() -> Pace:
    """A student clicks a couple of times a second at most: thirty of them on one machine
    stay well under what the server takes from one address."""
    return Pace(rate=STUDENT_RATE, burst=4, tokens=4)


async def play_class(
    url: str,
    code: str,
    students: int,
    factory: Mapping[SeatId, PlayerFactory],
    seed: int,
) -> ClassResult:
    """``students`` scripted students join class ``code`` one after another and play.

    Raises:
        ServerGone: no server answers at ``url``.
        Refused: the server refused a student (no such class, its seats are closed...).
    """
    try:  # a server that is not there at all is an error now, not after a minute
        ws = await open_connection(url)
    except DROPS as e:
        raise ServerGone(f"nothing answers at {url} ({e})") from None
    await ws.close()

    def maker(name: str) -> SeatClient:
        def player(seat: SeatId) -> Player:
            return factory[seat](seat, random.Random(f"{seed}:{name}:{seat}"))

        return SeatClient(url, code, None, player, name=name, patience=120, pace=student_pace())

    clients = [maker(f"Student {n}") for n in range(1, students + 1)]
    tasks = []
    for client in clients:  # one by one, as a class arrives: each is seated before the next
        tasks.append(asyncio.create_task(_play(client)))
        while client.token is None and not tasks[-1].done():
            await asyncio.sleep(0.01)
    views = await asyncio.gather(*tasks)
    tables: dict[str, TableResult] = {}
    for client, view in zip(clients, views, strict=True):
        if view is None or view.outcome is None:
            continue
        seen = tables.get(client.room)
        count = 1 if seen is None else seen.students + 1
        scores = {s.seat: s.total for s in view.scores}
        tables[client.room] = TableResult(client.room, view.outcome, scores, count)
    return ClassResult(
        tables=sorted(tables.values(), key=lambda t: t.room),
        removed=sum(1 for v in views if v is None),
        reconnects=sum(c.reconnects for c in clients),
        refused=sum(c.refused for c in clients),
    )


async def _play(client: SeatClient) -> GameView | None:
    """Play to the end; None if the facilitator took the student out."""
    try:
        return await client.play()
    except Refused as e:
        if e.error.code == "removed":
            return None
        raise
