"""``divest facilitate``: the teacher's remote control for a room (status, end phase,
bots, closing the seats, the game's log for the debrief)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection

from divestiture.game.views import GameView
from divestiture.server.client import Refused, open_connection, receive, send
from divestiture.server.protocol import (
    Ack,
    AddBots,
    EndPhase,
    ErrorMsg,
    Joined,
    LockSeats,
    Presence,
    Resume,
    ServerMessage,
    TeamLine,
    ViewMsg,
)

_M = TypeVar("_M")


async def facilitate(
    url: str,
    room: str,
    token: str,
    *,
    end_phase: bool = False,
    add_bots: bool = False,
    lock_seats: bool | None = None,
    log: bool = False,
) -> str:
    """Resume as the facilitator, do what was asked, and describe the room.

    Args:
        lock_seats: True closes the seats (no one can join one), False opens them,
            None leaves them as they are.
        log: add every line of the game so far, as the facilitator sees them: private
            words and each bot's reasons for its moves included, then what the students
            sharing a seat said on its team channel (for the debrief).

    Raises:
        Refused: the server refused the token, the room or the request.
    """
    ws = await open_connection(url)
    try:
        view, story, presence = await _enter(ws, room, token)
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
        if add_bots:
            await send(ws, AddBots())
            await _next(ws, Presence)
            done.append("bots took the empty seats")
        if lock_seats is not None:
            await send(ws, LockSeats(locked=lock_seats))
            while (await _next(ws, Presence)).seats_locked != lock_seats:
                pass  # a presence sent before the answer
            done.append("closed the seats" if lock_seats else "opened the seats")
        if done:
            # The room as it is after all of it (ending a phase may close the seats, say):
            # the server answers this connection's messages in order.
            view, story, presence = await _enter(ws, room, token)
    finally:
        await ws.close()
    status = _status(room, view, presence, done)
    if not log:
        return status
    lines = [status, "", "The game so far:", *(f"  {line}" for line in story.lines)]
    if story.team:
        lines += ["", "Team channels:", *(f"  {line}" for line in story.team)]
    return "\n".join(lines)


@dataclass(frozen=True)
class _Story:
    """What a resume brings of the game so far: its lines, and the team channels'."""

    lines: tuple[str, ...]
    team: tuple[str, ...]


async def _enter(ws: ClientConnection, room: str, token: str) -> tuple[GameView, _Story, Presence]:
    """Resume as the facilitator: the room's view, its story from the start and its
    presence, as they are now. A resume sends the view with every line so far, then
    each seat's team lines, then the presence."""
    await send(ws, Resume(room=room, token=token))
    joined = await _next(ws, Joined)
    if joined.role != "facilitator":
        raise ValueError("that token is a seat's, not the facilitator's")
    first = await _next(ws, ViewMsg)
    names = {s.id: s.name for s in first.view.seats}
    team: list[str] = []
    while True:
        msg = await receive(ws)
        if isinstance(msg, ErrorMsg):
            raise Refused(msg)
        if isinstance(msg, Presence):
            return first.view, _Story(tuple(e.text for e in first.events), tuple(team)), msg
        if isinstance(msg, TeamLine):
            team.append(f"{names.get(msg.seat, msg.seat)} team, {msg.sender}: {msg.text}")


def _status(room: str, view: GameView, presence: Presence, done: list[str]) -> str:
    """The day and phase; whether the seats are open; who is in each seat, from which
    address, and who still has to act; an address that is in more than one seat."""
    lines = [f"Room {room}: {view.round_name}, {view.phase} phase, deadline {view.deadline_name}"]
    if view.outcome_name:
        lines[0] = f"Room {room}: over, {view.outcome_name}"
    if presence.seats_locked:
        lines.append("Seats: closed (no one new can take a seat; those seated can reconnect)")
    else:
        lines.append("Seats: open (anyone with the room code can join a seat)")
    if not view.started:
        lines.append("The week has not started: it starts when the facilitator starts it")
    elif view.paused and not view.outcome_name:
        lines.append("Play is paused")
    scores = {s.seat: s.total for s in view.scores} if view.outcome_name else {}
    if scores:
        lines.append("Scores at the end (out of 100):")
    connections = presence.connections or {}
    seats_of: defaultdict[str, list[str]] = defaultdict(list)
    for seat in view.seats:
        here = connections.get(seat.id)
        if here is not None:
            who = ", ".join(f"{a.name} ({a.address})" for a in here)
            for address in dict.fromkeys(a.address for a in here):
                seats_of[address].append(seat.name)
        else:
            who = ", ".join(presence.seats.get(seat.id, ()))
        who = who or ("a bot" if seat.id in presence.bots else "nobody")
        state = "to act" if seat.waiting else "done"
        if seat.id in scores:
            state = f"{scores[seat.id]:5.1f}"
        lines.append(f"  {seat.name:<12} {state:<7} {who}")
    lines.append(f"  spectators: {presence.spectators}")
    for address, names in seats_of.items():
        if len(names) > 1:
            lines.append(f"  {address} is in {len(names)} seats: {', '.join(names)}")
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


def run(asked: Coroutine[Any, Any, str]) -> str:
    """A ``facilitate(...)`` call run from synchronous code, with a 15-second limit."""
    return asyncio.run(asyncio.wait_for(asked, 15))
