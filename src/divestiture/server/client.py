"""A client of the protocol: connect, say hello, take a seat, act, and come back after a drop.

Used by ``divest simulate --server`` (bots over real sockets) and by the tests.
A ``SeatClient`` keeps its seat token and the one action it has in flight; after
a drop it reconnects, resumes with the token and sends that action again under
the same id, which the server applies once.

Each action carries the version of the view it was decided on. If the game moved
on meanwhile (``stale_version``), the player goes back to what it knew before
that decision and decides again on the newest view; only an action refused at
the very version it was decided on is the player's own mistake, and becomes a pass.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from divestiture import __version__
from divestiture.game.actions import Action, Pass
from divestiture.game.bots.memory import Memory
from divestiture.game.simulation import Player
from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.game.views import GameView
from divestiture.server.protocol import (
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    RATE_BURST,
    RATE_PER_SECOND,
    SERVER_ADAPTER,
    Ack,
    Act,
    ClassCreated,
    ClassOptions,
    CreateClass,
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


class Crowded(Exception):
    """A join, resume or hello was dropped as rate_limited: connect again in a while."""


class Refused(Exception):
    """The server answered with an error."""

    def __init__(self, error: ErrorMsg) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


async def open_connection(url: str) -> ClientConnection:
    """Connect and say hello.

    Raises:
        ValueError: the URL is not a websocket URL.
        Crowded: its hello was dropped for its address's rate.
        Refused: the server refused it.
    """
    try:
        ws = await connect(url, max_size=None, open_timeout=5)
    except InvalidURI as e:
        raise ValueError(f"'{url}' is not a websocket URL (ws://HOST:PORT)") from e
    await send(ws, Hello(protocol=PROTOCOL_VERSION, client=f"divest/{__version__}"))
    reply = await receive(ws)
    if isinstance(reply, ErrorMsg):
        await ws.close()
        if reply.code == "rate_limited":
            raise Crowded(reply.message)
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


async def create_room(
    url: str, options: RoomOptions, scenario: str = "tiktok_2020", *, host_token: str
) -> RoomCreated:
    """Create a room with the server's host token, retrying while the server is away
    (patience: ``SeatClient.patience``)."""
    asked = CreateRoom(scenario=scenario, options=options, host_token=host_token)
    return await _retrying(lambda: _ask(url, asked, RoomCreated), SeatClient.patience)


async def create_class(
    url: str, options: ClassOptions, scenario: str = "tiktok_2020", *, host_token: str
) -> ClassCreated:
    """Open a class (its tables and its facilitator token), retrying as ``create_room``."""
    asked = CreateClass(scenario=scenario, options=options, host_token=host_token)
    return await _retrying(lambda: _ask(url, asked, ClassCreated), SeatClient.patience)


async def _ask(url: str, message: _Msg, answer: type[_T]) -> _T:
    """The server's answer to ``message`` on a connection of its own.

    Raises:
        Refused: the server refused it.
    """
    ws = await open_connection(url)
    try:
        await send(ws, message)
        reply = await receive(ws)
    finally:
        await ws.close()
    if isinstance(reply, ErrorMsg):
        raise Refused(reply)
    assert isinstance(reply, answer), reply
    return reply


async def _retrying(make: Callable[[], Awaitable[_T]], patience: float) -> _T:
    loop = asyncio.get_running_loop()
    give_up = loop.time() + patience
    delay = 0.1
    while True:
        try:
            return await make()
        except (*DROPS, Crowded):
            if loop.time() > give_up:
                raise ServerGone(f"no server for {patience:.0f} s") from None
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)


@dataclass
class Pace:
    """The client's own token bucket, a little under the server's rate limit, so that
    deciding again after every ``stale_version`` never gets it ``rate_limited``."""

    rate: float = 0.9 * RATE_PER_SECOND
    burst: float = 0.9 * RATE_BURST - 3  # hello, join or resume, and a resent action
    tokens: float = 0.9 * RATE_BURST - 3
    last: float | None = None

    def wait(self, now: float) -> float:
        """Seconds until one message may be sent (0: now)."""
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def spend(self) -> None:
        self.tokens -= 1

    def empty(self) -> None:
        """The server said rate_limited: start again from nothing."""
        self.tokens = min(self.tokens, 0.0)


@dataclass
class SeatClient:
    """Plays one seat of a room with ``player`` until the game is over."""

    url: str
    room: str  # a room's code (or a class's, until the server seats this client)
    seat: SeatId | None  # None: wherever the class seats it (joining a class)
    player: Player | Callable[[SeatId], Player]  # or one made once the seat is known
    name: str = "bot"
    patience: float = 60.0  # seconds without a server before giving up
    token: str | None = None
    view: GameView | None = None
    reconnects: int = 0
    refused: int = 0
    record: bool = False  # keep every frame received (tests read them)
    frames: list[str] = field(default_factory=list)
    acked: list[str] = field(default_factory=list)  # ids of this client's acknowledged actions
    redecided: int = 0  # decisions made again because the game moved on meanwhile
    _pending: Act | None = None
    memory: Memory | None = None  # the player's memory (None: its first)
    _decided: Memory | None = None  # its memory if the pending action is taken
    _heard: float = 0.0  # when the server was last heard from (loop time)
    pace: Pace = field(default_factory=Pace)  # how fast it may send
    _due: float | None = None  # when a move put off by the pace may be made (loop time)
    _make_player: Callable[[SeatId], Player] | None = None

    def __post_init__(self) -> None:
        if callable(self.player):
            self._make_player = self.player
            if self.seat is not None:
                self.player = self._make_player(self.seat)

    async def play(self) -> GameView:
        """Play to the end and return the last view (outcome, scores, revealed briefs).

        Raises:
            ServerGone: nothing was heard from the server for ``patience`` seconds.
        """
        loop = asyncio.get_running_loop()
        self._heard = loop.time()
        while True:
            try:
                final = await self._session()
                if final is not None:
                    return final
            except (*DROPS, Crowded):
                if loop.time() - self._heard > self.patience:
                    raise ServerGone(f"{self.seat}: no server for {self.patience:.0f} s") from None
                self.reconnects += 1
                await asyncio.sleep(min(0.1 * self.reconnects, 1.0))

    async def _session(self) -> GameView | None:
        loop = asyncio.get_running_loop()
        ws = await open_connection(self.url)
        self._heard = loop.time()
        try:
            if self.token is None:
                await send(ws, Join(room=self.room, seat=self.seat, name=self.name))
            else:
                await send(ws, Resume(room=self.room, token=self.token))
            if self._pending is not None:
                await send(ws, self._pending)  # applied once, whether or not it got in before
            while True:
                try:
                    # A move put off by the pace is made when it is due, on the newest
                    # view: frames are read meanwhile.
                    wait = None if self._due is None else max(0.0, self._due - loop.time())
                    frame = await asyncio.wait_for(ws.recv(), wait)
                except TimeoutError:
                    self._due = None
                    if self._pending is None:
                        await self._move(ws)
                    continue
                self._heard = loop.time()  # patience counts from the last frame, not the start
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
            self._seated(msg)
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
                if self._decided is not None:
                    self.memory, self._decided = self._decided, None
                seen = self.view.version if self.view is not None else -1
                if msg.duplicate and seen >= (msg.version or 0):
                    # Acknowledged before a drop: the view showing it is already here
                    # (the one sent on resuming), and may be the last for a while.
                    await self._move(ws)
        elif isinstance(msg, ErrorMsg):
            pending = self._pending
            if pending is not None and msg.id is not None and msg.id == pending.id:
                await self._refused(ws, msg, pending)
            elif msg.code == "rate_limited":
                # Its address's other connections spent the rate (students on one
                # machine): what was dropped is sent again on a new connection.
                self.pace.empty()
                raise Crowded(msg.message)
            else:
                raise Refused(msg)
        return None

    async def _refused(self, ws: ClientConnection, msg: ErrorMsg, failed: Act) -> None:
        self._pending = None
        self._decided = None  # that decision never happened: its memory is not kept
        decided_on = failed.action.version
        newest = self.view.version if self.view is not None else None
        if msg.code == "rate_limited":  # dropped unread: not a decision the rules judged
            self.pace.empty()
            await self._move(ws)
            return
        if msg.code == "stale_version" or newest != decided_on:
            # The game moved on while the player decided: not its mistake. It decides
            # again on the newest view (now, or when that view comes).
            self.redecided += 1
            if newest != decided_on:
                await self._move(ws)
            return
        # Refused at the very version it was decided on: the player's own mistake.
        # It must not stall the table: it passes instead.
        self.refused += 1
        if not isinstance(failed.action, Pass):
            fallback = Pass(rationale=f"fell back to pass: {msg.message}"[:300])
            await self._submit(ws, fallback, decided_on)
            return
        await self._move(ws)

    def _seated(self, joined: Joined) -> None:
        """Where the server seated this client: on joining a class, or when the
        facilitator moves it (to another seat or table, or to watch)."""
        self.room = joined.room
        seat = None if joined.role in (SPECTATOR, FACILITATOR) else SeatId(joined.role)
        if seat != self.seat:
            self.seat, self.memory, self._pending = seat, None, None
            if seat is not None and self._make_player is not None:
                self.player = self._make_player(seat)

    async def _move(self, ws: ClientConnection) -> None:
        view = self.view
        seat = self.seat
        if view is None or view.outcome is not None or seat is None or not _waiting(view, seat):
            return
        assert not callable(self.player), "a player is made when the seat is known"
        now = asyncio.get_running_loop().time()
        wait = self.pace.wait(now)
        if wait > 0:
            self._due = now + wait  # decide then, on the newest view by then
            return
        self._due = None
        memory = self.player.first_memory if self.memory is None else self.memory
        action, decided = self.player.decide(view, memory)
        await self._submit(ws, action, view.version, decided)

    async def _submit(
        self,
        ws: ClientConnection,
        action: Action,
        version: int | None,
        decided: Memory | None = None,
    ) -> None:
        # Sent with the version it was decided on: if the game has moved on, the
        # server says stale_version and the player decides again.
        versioned = action.model_copy(update={"version": version})
        self._pending = Act(id=uuid.uuid4().hex, action=versioned, seat=self.seat)
        self._decided = decided
        self.pace.spend()
        await send(ws, self._pending)


def _waiting(view: GameView, seat: SeatId) -> bool:
    return any(s.id == seat and s.waiting for s in view.seats) and bool(view.legal)
