"""``divest debrief --server``: the tables' logs fetched from a running server as their
facilitator (``watch_class`` or ``resume`` with the facilitator's token, then ``export``)."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from websockets.asyncio.client import ClientConnection

from divestiture.debrief.records import ClassInput
from divestiture.server.client import DROPS, Refused, ServerGone, open_connection, receive, send
from divestiture.server.debrief_source import SourceError, from_room_log, scenario_of
from divestiture.server.protocol import (
    ClassView,
    ErrorMsg,
    Export,
    Joined,
    Resume,
    RoomLog,
    WatchClass,
)

_M = TypeVar("_M", ClassView, Joined, RoomLog)
PATIENCE = 30.0  # seconds for the whole exchange


def fetch(url: str, token: str, class_code: str | None, room_code: str | None) -> ClassInput:
    """The class's (or room's) tables, from the server at ``url``.

    Raises:
        SourceError: no server there, the token is refused, or the tables cannot be read.
    """
    if not url.startswith(("ws://", "wss://")):
        raise SourceError(f"'{url}' is not ws://HOST:PORT")
    try:
        logs = asyncio.run(asyncio.wait_for(_fetch(url, token, class_code, room_code), PATIENCE))
    except Refused as e:
        raise SourceError(f"{url}: {e.error.message}") from None
    except (ServerGone, ValueError, TimeoutError, *DROPS) as e:
        raise SourceError(f"no answer from {url} ({e or 'nothing answered in time'})") from None
    code = (class_code or room_code or "").strip().upper()
    sc = scenario_of({log.scenario for log in logs}, code)
    tables = tuple(from_room_log(sc, log) for log in logs)
    created = min((log.created for log in logs), default=0.0)
    return ClassInput(code, sc, tables, created, is_class=class_code is not None)


async def _fetch(
    url: str, token: str, class_code: str | None, room_code: str | None
) -> list[RoomLog]:
    ws = await open_connection(url)
    try:
        if class_code is not None:
            await send(ws, WatchClass(code=class_code, token=token))
            await _until(ws, ClassView)
        else:
            await send(ws, Resume(room=str(room_code), token=token))
            joined = await _until(ws, Joined)
            if joined.role != "facilitator":
                raise SourceError(f"that token is not the facilitator's of room {joined.room}")
        await send(ws, Export())
        logs: list[RoomLog] = []
        while not logs or not logs[-1].last:
            logs.append(await _until(ws, RoomLog))
        return logs
    finally:
        await ws.close()


async def _until(ws: ClientConnection, kind: type[_M]) -> _M:
    """The next message of type ``kind``, skipping the others (views, class views);
    an error is a refusal."""
    while True:
        message = await receive(ws)
        if isinstance(message, ErrorMsg):
            raise Refused(message)
        if isinstance(message, kind):
            return message
