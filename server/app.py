"""The websockets handler: parse, authorise, route to the room, reply.

One ``Connection`` per socket, with an outbound queue and a writer task, so a
room sending to thirty members never waits on a slow one. Every bad frame gets
a typed error and changes nothing; only a flood (1008) or an oversized frame
(1009, from the websockets library) closes the connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from game.actions import Timeout
from game.errors import GameError
from game.types import FACILITATOR, SPECTATOR, SeatId
from server.lobby import Lobby, LobbyError
from server.protocol import (
    CLIENT_ADAPTER,
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    Act,
    AddBots,
    ClientMessage,
    CreateRoom,
    EndPhase,
    ErrorMsg,
    Hello,
    Join,
    Joined,
    Resume,
    Role,
    RoomCreated,
    TeamSay,
    Watch,
    Welcome,
    _Out,
)
from server.rooms import Room
from server.store import AsyncStore, StoreError

log = logging.getLogger("divest.server")

SERVER_NAME = "divestiture/0.1"
RATE_PER_SECOND = 20.0  # sustained messages a connection may send
RATE_BURST = 40.0  # and in one burst
FLOOD = 3 * RATE_BURST  # messages of debt before the connection is closed
_KNOWN_TYPES = {
    "hello",
    "create_room",
    "join",
    "watch",
    "resume",
    "act",
    "team",
    "end_phase",
    "add_bots",
}


@dataclass
class RateLimit:
    """A token bucket that may go into debt: every message costs a token, refused or not,
    so a client that keeps sending past the limit sinks until it is flooding."""

    tokens: float = RATE_BURST
    last: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.last) * RATE_PER_SECOND)
        self.last = now
        self.tokens -= 1
        return self.tokens >= 0

    @property
    def flooding(self) -> bool:
        return self.tokens < -FLOOD


class Connection:
    """One client socket: who it is, and its outbound queue."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.peer = _peer(ws)
        self.role: Role = SPECTATOR
        self.name = ""
        self.room: Room | None = None
        self.greeted = False
        self._out: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write())

    def send(self, message: _Out | str) -> None:
        self._out.put_nowait(message if isinstance(message, str) else message.model_dump_json())

    def error(self, code: str, message: str, action_id: str | None = None) -> None:
        version = self.room.state.version if self.room is not None else None
        self.send(ErrorMsg(code=code, message=message, id=action_id, version=version))
        log.info("error %s to %s: %s", code, self.peer, message)

    async def drop(self) -> None:
        """Stop sending at once, dropping what is queued (the connection is being closed)."""
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)

    async def close(self) -> None:
        self._out.put_nowait(None)
        await asyncio.gather(self._writer, return_exceptions=True)

    async def _write(self) -> None:
        while (text := await self._out.get()) is not None:
            try:
                await self.ws.send(text)
            except ConnectionClosed:
                return


class App:
    """Routes each client message to the lobby or the connection's room."""

    def __init__(self, lobby: Lobby) -> None:
        self.lobby = lobby

    async def handler(self, ws: ServerConnection) -> None:
        conn = Connection(ws)
        limit = RateLimit()
        log.info("connection from %s", conn.peer)
        try:
            async for frame in ws:
                await asyncio.sleep(0)  # let the writers run between two buffered frames
                if not limit.take():
                    if limit.flooding:
                        log.info("closing %s: flooding", conn.peer)
                        await ws.close(CloseCode.POLICY_VIOLATION, "too many messages")
                        break
                    conn.error("rate_limited", f"more than {RATE_PER_SECOND:.0f} messages a second")
                    continue
                message = self._parse(conn, frame)
                if message is not None:
                    await self._route(conn, message)
        except ConnectionClosed:
            pass
        finally:
            if conn.room is not None:
                conn.room.leave(conn)
            await conn.close()
            log.info("disconnect %s (%s)", conn.peer, conn.role if conn.room else "no room")

    def _parse(self, conn: Connection, frame: str | bytes) -> ClientMessage | None:
        if isinstance(frame, bytes):
            conn.error("bad_message", "send JSON text frames, not binary")
            return None
        try:
            data = json.loads(frame)
        except json.JSONDecodeError as e:
            conn.error("bad_json", f"the frame is not JSON: {e.msg} at character {e.pos}")
            return None
        kind = data.get("type") if isinstance(data, dict) else None
        if not isinstance(kind, str):
            conn.error("bad_message", "a message is a JSON object with a 'type'")
            return None
        if kind not in _KNOWN_TYPES:
            conn.error("unknown_type", f"'{kind}' is not a message type")
            return None
        try:
            return CLIENT_ADAPTER.validate_python(data)
        except ValidationError as e:
            conn.error("bad_message", f"{kind}: {_problems(e)}", _action_id(data))
            return None

    async def _route(self, conn: Connection, msg: ClientMessage) -> None:
        if isinstance(msg, Hello):
            if msg.protocol != PROTOCOL_VERSION:
                conn.error(
                    "protocol_mismatch",
                    f"this server speaks protocol {PROTOCOL_VERSION}, not {msg.protocol}",
                )
                return
            conn.greeted = True
            conn.send(Welcome(server=SERVER_NAME))
            return
        if not conn.greeted:
            conn.error("hello_first", f"say hello with protocol {PROTOCOL_VERSION} first")
            return
        try:
            await self._dispatch(conn, msg)
        except LobbyError as e:
            conn.error(e.code, e.message)
        except GameError as e:
            conn.error(e.code, e.message, getattr(msg, "id", None))
        except StoreError as e:
            log.error("store failed: %s", e)
            conn.error("storage_failed", "the server could not store that; nothing changed")

    async def _dispatch(self, conn: Connection, msg: ClientMessage) -> None:
        match msg:
            case CreateRoom():
                await self._create(conn, msg)
            case Join():
                await self._join(conn, msg)
            case Watch():
                await self._watch(conn, msg)
            case Resume():
                await self._resume(conn, msg)
            case Act():
                await self._act(conn, msg)
            case TeamSay():
                await self._team(conn, msg)
            case EndPhase():
                await self._end_phase(conn)
            case AddBots():
                await self._add_bots(conn, msg)
            case Hello():  # answered before dispatch
                pass

    # -- one handler per message type -----------------------------------------------------

    async def _create(self, conn: Connection, msg: CreateRoom) -> None:
        room, token = await self.lobby.create(msg.scenario, msg.options)
        conn.send(
            RoomCreated(
                version=room.state.version,
                room=room.code,
                facilitator_token=token,
                seats=tuple(room.state.seats),
            )
        )

    async def _join(self, conn: Connection, msg: Join) -> None:
        seated, token = await self.lobby.join(msg.room, msg.seat, msg.name)
        self._seat(conn, seated.room, seated.role, seated.name, token)
        log.info("room %s: %s joined %s from %s", seated.room.code, msg.name, msg.seat, conn.peer)

    async def _watch(self, conn: Connection, msg: Watch) -> None:
        room = await self.lobby.get(msg.room)
        self._seat(conn, room, SPECTATOR, "spectator", None)

    async def _resume(self, conn: Connection, msg: Resume) -> None:
        seated = await self.lobby.resume(msg.room, msg.token)
        if seated.role in seated.room.bots:
            raise LobbyError("seat_taken", f"a bot now plays {seated.role}")
        self._seat(conn, seated.room, seated.role, seated.name, None)
        log.info("room %s: %s back in %s", seated.room.code, seated.name, seated.role)

    async def _act(self, conn: Connection, msg: Act) -> None:
        room = self._room_of(conn, msg.id)
        if room is None:
            return
        if conn.role in (SPECTATOR, FACILITATOR):
            conn.error("not_a_seat", "only a seat's players act; join a seat first", msg.id)
            return
        if msg.seat is not None and msg.seat != conn.role:
            conn.error(
                "not_your_seat", f"this connection plays {conn.role}, not {msg.seat}", msg.id
            )
            return
        await room.submit(conn.role, msg.action, msg.id, reply_to=conn)

    async def _team(self, conn: Connection, msg: TeamSay) -> None:
        room = self._room_of(conn)
        if room is None:
            return
        if conn.role in (SPECTATOR, FACILITATOR):
            conn.error("not_a_seat", "only a seat's players have a team channel")
            return
        await room.say_to_team(SeatId(conn.role), conn.name, msg.text)

    async def _end_phase(self, conn: Connection) -> None:
        room = self._facilitated(conn)
        if room is not None:
            version = room.state.version
            await room.submit(FACILITATOR, Timeout(), f"end-phase:{version}", reply_to=conn)

    async def _add_bots(self, conn: Connection, msg: AddBots) -> None:
        room = self._facilitated(conn)
        if room is None:
            return
        seated = room.seat_names()
        seats = msg.seats or tuple(s for s, names in seated.items() if not names)
        for seat in seats:
            if seat not in room.state.seats:
                raise LobbyError("unknown_seat", f"'{seat}' is not a seat")
        await room.add_bots({s: msg.bot for s in seats if s not in room.bots})

    # -- helpers --------------------------------------------------------------------------

    def _seat(self, conn: Connection, room: Room, role: Role, name: str, token: str | None) -> None:
        if conn.room is not None:
            conn.room.leave(conn)
        conn.room, conn.role, conn.name = room, role, name
        conn.send(
            Joined(version=room.state.version, room=room.code, role=role, name=name, token=token)
        )
        room.admit(conn)

    def _room_of(self, conn: Connection, action_id: str | None = None) -> Room | None:
        if conn.room is None:
            conn.error("not_joined", "join a room first", action_id)
        return conn.room

    def _facilitated(self, conn: Connection) -> Room | None:
        room = self._room_of(conn)
        if room is not None and conn.role != FACILITATOR:
            conn.error("not_facilitator", "only the facilitator can do that")
            return None
        return room


def _peer(ws: ServerConnection) -> str:
    address = ws.remote_address
    return f"{address[0]}:{address[1]}" if address else "?"


def _problems(e: ValidationError) -> str:
    parts = []
    for err in e.errors()[:3]:
        place = ".".join(str(p) for p in err["loc"])
        parts.append(f"{place}: {err['msg']}" if place else err["msg"])
    more = len(e.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _action_id(data: dict[str, Any]) -> str | None:
    value = data.get("id")
    return value if isinstance(value, str) and len(value) <= 64 else None


async def start_server(
    host: str, port: int, data_dir: Path, *, bot_delay: float | None = None
) -> tuple[Server, Lobby, AsyncStore]:
    """Open the store, load every unfinished game, and listen.

    ``port`` 0 picks a free port (``server.sockets[0].getsockname()`` tells which).
    """
    store = await asyncio.to_thread(AsyncStore, data_dir / "divestiture.sqlite3")
    lobby = Lobby(store, bot_delay=bot_delay)
    resumed = await lobby.load_unfinished()
    if resumed:
        log.info("resumed %d unfinished room(s) from %s", resumed, data_dir)
    app = App(lobby)
    server = await serve(
        app.handler,
        host,
        port,
        max_size=MAX_FRAME_BYTES,
        ping_interval=20,
        ping_timeout=20,
        close_timeout=2,
    )
    return server, lobby, store


async def stop_server(server: Server, lobby: Lobby, store: AsyncStore) -> None:
    server.close()
    await server.wait_closed()
    await lobby.close()
    await asyncio.to_thread(store.close)
