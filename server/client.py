"""A client of the protocol: connect, say hello, take a seat, act, and come back after a drop.

Used by ``divest simulate --server`` (bots over real sockets) and by the tests.
A ``SeatClient`` keeps its seat token and the one action it has in flight; after
a drop it reconnects, resumes with the token and sends that action again under
the same id, which the server applies once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from game.actions import Action, Pass
from game.simulation import Player
from game.types import SeatId
from game.views import GameView
from server.protocol import (
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    SERVER_ADAPTER,
    Ack,
    Act,
    CreateRoom,
    ErrorMsg,
    Hello,
    Join,
    Joined,
    Resume,
    RoomCreated,
    RoomOptions,
    ServerMessage,
    ViewMsg,
    Welcome,
    _Msg,
)

_T = TypeVar("_T")
DROPS = (OSError, ConnectionClosed, InvalidHandshake, asyncio.TimeoutError)


class ServerGone(Exception):
    """The server did not come back within the client's patience."""


class Refused(Exception):
    """The server answered with an error."""

    def __init__(self, error: ErrorMsg) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


async def open_connection(url: str) -> ClientConnection:
    """Connect and say hello.

    Raises:
        ValueError: the URL is not a websocket URL.
    """
    try:
        ws = await connect(url, max_size=None, open_timeout=5)
    except InvalidURI as e:
        raise ValueError(f"'{url}' is not a websocket URL (ws://HOST:PORT)") from e
    await send(ws, Hello(protocol=PROTOCOL_VERSION, client="divest"))
    reply = await receive(ws)
    if isinstance(reply, ErrorMsg):
        raise Refused(reply)
    assert isinstance(reply, Welcome), reply
    return ws


async def send(ws: ClientConnection, message: _Msg) -> None:
    text = message.model_dump_json(exclude_none=True)
    if len(text) > MAX_FRAME_BYTES:
        raise ValueError(f"a {len(text)}-byte message is over the {MAX_FRAME_BYTES}-byte limit")
    await ws.send(text)


async def receive(ws: ClientConnection) -> ServerMessage:
    return SERVER_ADAPTER.validate_json(await ws.recv())


async def create_room(url: str, options: RoomOptions, scenario: str = "tiktok_2020") -> RoomCreated:
    """Create a room, retrying while the server is away (patience: ``SeatClient.patience``)."""

    async def once() -> RoomCreated:
        ws = await open_connection(url)
        try:
            await send(ws, CreateRoom(scenario=scenario, options=options))
            reply = await receive(ws)
        finally:
            await ws.close()
        if isinstance(reply, ErrorMsg):
            raise Refused(reply)
        assert isinstance(reply, RoomCreated), reply
        return reply

    return await _retrying(once, SeatClient.patience)


async def _retrying(make: Callable[[], Awaitable[_T]], patience: float) -> _T:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    delay = 0.1
    while True:
        try:
            return await make()
        except DROPS:
            if loop.time() > give_up:
                raise ServerGone(f"no server for {patience:.0f} s") from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)


@dataclass
class SeatClient:
    """Plays one seat of a room with ``player`` until the game is over."""

    url: str
    room: str
    seat: SeatId
    player: Player
    name: str = "bot"
    patience: float = 60.0  # seconds without a server before giving up
    token: str | None = None
    view: GameView | None = None
    reconnects: int = 0
    refused: int = 0
    record: bool = False  # keep every frame received (tests read them)
    frames: list[str] = field(default_factory=list)
    acked: list[str] = field(default_factory=list)  # ids of this client's acknowledged actions
    _pending: Act | None = None

    async def play(self) -> GameView:
        """Play to the end and return the last view (outcome, scores, revealed briefs)."""
        loop = asyncio.get_running_loop()
        last_seen = loop.time()
        while True:
            try:
                final = await self._session()
                if final is not None:
                    return final
            except DROPS:
                if loop.time() - last_seen > self.patience:
                    raise ServerGone(f"{self.seat}: no server for {self.patience:.0f} s") from None
                self.reconnects += 1
                await asyncio.sleep(min(0.1 * self.reconnects, 1.0))
                continue
            last_seen = loop.time()

    async def _session(self) -> GameView | None:
        ws = await open_connection(self.url)
        try:
            if self.token is None:
                await send(ws, Join(room=self.room, seat=self.seat, name=self.name))
            else:
                await send(ws, Resume(room=self.room, token=self.token))
            if self._pending is not None:
                await send(ws, self._pending)  # applied once, whether or not it got in before
            while True:
                frame = await ws.recv()
                if self.record:
                    self.frames.append(str(frame))
                done = await self._on(ws, SERVER_ADAPTER.validate_json(frame))
                if done is not None:
                    return done
        finally:
            await ws.close()

    async def _on(self, ws: ClientConnection, msg: ServerMessage) -> GameView | None:
        if isinstance(msg, Joined):
            if msg.token is not None:
                self.token = msg.token
        elif isinstance(msg, ViewMsg):
            self.view = msg.view
            if msg.view.outcome is not None:
                return msg.view
            if self._pending is None:
                await self._move(ws)
        elif isinstance(msg, Ack):
            if self._pending is not None and msg.id == self._pending.id:
                self.acked.append(msg.id)
                self._pending = None
        elif isinstance(msg, ErrorMsg):
            if msg.id is None or self._pending is None or msg.id != self._pending.id:
                raise Refused(msg)
            failed = self._pending
            self._pending = None
            if msg.code != "stale_version":
                # The player's mistake must not stall the table: pass instead.
                self.refused += 1
                if not isinstance(failed.action, Pass):
                    await self._submit(
                        ws, Pass(rationale=f"fell back to pass: {msg.message}"[:300])
                    )
                    return None
            await self._move(ws)  # act again on the newest view
        return None

    async def _move(self, ws: ClientConnection) -> None:
        view = self.view
        if view is None or view.outcome is not None or not _waiting(view, self.seat):
            return
        await self._submit(ws, self.player.act(view))

    async def _submit(self, ws: ClientConnection, action: Action) -> None:
        # Sent without a version: a bot remembers what it planned as soon as it decides,
        # so a refusal for staleness would cost it the move. The engine still checks
        # the action against the state it lands on.
        self._pending = Act(id=uuid.uuid4().hex, action=action, seat=self.seat)
        await send(ws, self._pending)


def _waiting(view: GameView, seat: SeatId) -> bool:
    return any(s.id == seat and s.waiting for s in view.seats) and bool(view.legal)
