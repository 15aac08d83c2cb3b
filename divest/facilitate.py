"""``divest facilitate``: the teacher's remote control for a room (status, end phase, bots)."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from websockets.asyncio.client import ClientConnection

from server.client import Refused, open_connection, receive, send
from server.protocol import (
    Ack,
    AddBots,
    EndPhase,
    ErrorMsg,
    Joined,
    Presence,
    Resume,
    ServerMessage,
    ViewMsg,
)

_M = TypeVar("_M")


async def facilitate(url: str, room: str, token: str, *, end_phase: bool, add_bots: bool) -> str:
    """Resume as the facilitator, do what was asked, and describe the room.

    Raises:
        Refused: the server refused the token, the room or the request.
    """
    ws = await open_connection(url)
    try:
        await send(ws, Resume(room=room, token=token))
        joined = await _next(ws, Joined)
        if joined.role != "facilitator":
            raise ValueError("that token is a seat's, not the facilitator's")
        view = (await _next(ws, ViewMsg)).view
        presence = await _next(ws, Presence)
        done: list[str] = []
        if end_phase:
            # The version seen: if that phase has ended meanwhile, the next is left alone.
            await send(ws, EndPhase(version=view.version))
            try:
                await _next(ws, Ack)
            except Refused as e:
                if e.error.code != "stale_version":
                    raise
                done.append("the phase had already ended, so nothing was ended")
            else:
                done.append("ended the phase")
            view = (await _next(ws, ViewMsg)).view
        if add_bots:
            await send(ws, AddBots())
            presence = await _next(ws, Presence)
            done.append("bots took the empty seats")
    finally:
        await ws.close()
    lines = [f"Room {room}: {view.round_name}, {view.phase} phase, deadline {view.deadline_name}"]
    if view.outcome_name:
        lines[0] = f"Room {room}: over, {view.outcome_name}"
    for seat in view.seats:
        who = ", ".join(presence.seats.get(seat.id, ())) or (
            "a bot" if seat.id in presence.bots else "nobody"
        )
        state = "to act" if seat.waiting else "done"
        lines.append(f"  {seat.name:<12} {state:<7} {who}")
    lines.append(f"  spectators: {presence.spectators}")
    if done:
        lines.append("Done: " + "; ".join(done) + ".")
    return "\n".join(lines)


async def _next(ws: ClientConnection, kind: type[_M]) -> _M:
    """The next message of ``kind``, skipping others; an error raises ``Refused``."""
    while True:
        msg: ServerMessage = await receive(ws)
        if isinstance(msg, ErrorMsg):
            raise Refused(msg)
        if isinstance(msg, kind):
            return msg


def run(url: str, room: str, token: str, *, end_phase: bool, add_bots: bool) -> str:
    """``facilitate`` with a 15-second limit, from synchronous code."""
    return asyncio.run(
        asyncio.wait_for(facilitate(url, room, token, end_phase=end_phase, add_bots=add_bots), 15)
    )
