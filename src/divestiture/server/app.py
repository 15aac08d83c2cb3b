"""The websockets handler: parse, authorise, route to the room, reply.

One ``Connection`` per socket, with an outbound queue and a writer task, so a
room sending to thirty members never waits on a slow one. The queue is bounded:
a connection that falls behind gets only the latest view (what it missed is
merged into it), and one that falls far behind is closed (1013) and resumes.
One that reads nothing at all is closed however much it sends (``unread_seconds``).
Every bad frame gets a typed error and changes nothing, and is counted in the log,
not written there one by one; only a flood (1008), too many connections from one
address (1008) or an oversized frame (1009, from the websockets library) closes the
connection. What one address may use in all is in limits.py.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from divestiture import __version__
from divestiture.game.errors import GameError
from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.server import controls
from divestiture.server.classes import Classroom
from divestiture.server.debrief_source import room_log
from divestiture.server.limits import Bucket, Limits, Quotas, address_key
from divestiture.server.lobby import Lobby, LobbyError
from divestiture.server.logs import Tally, log
from divestiture.server.protocol import (
    CLIENT_ADAPTER,
    CLIENT_TYPES,
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    RATE_BURST,
    RATE_PER_SECOND,
    Act,
    AddBots,
    AddTable,
    ClassCreated,
    ClassList,
    ClientMessage,
    Control,
    ControlDone,
    CreateClass,
    CreateRoom,
    Debrief,
    DebriefReport,
    Encoded,
    EndPhase,
    ErrorMsg,
    Export,
    Hello,
    Join,
    Joined,
    ListClasses,
    LockSeats,
    MoveStudent,
    Presence,
    Refusal,
    Resume,
    Role,
    RoomCreated,
    SeatResult,
    TeamSay,
    Timer,
    ViewMsg,
    Watch,
    WatchClass,
    Welcome,
    _Out,
)
from divestiture.server.rooms import Room
from divestiture.server.store import DB_FILE, AsyncStore, Store, StoreError
from divestiture.server.web import Web

SERVER_NAME = f"divestiture/{__version__}"
_T = TypeVar("_T")
PING_SECONDS = 20.0  # the library pings this often, and drops a connection not answering
BEHIND = 32  # unsent messages past which superseded views, timers and presences are merged
# Unsent messages past which the connection is closed (it resumes): well above what
# entering a room sends at once (a view and each seat's last TEAM_REPLAY team lines).
FAR_BEHIND = 5000
# What a later message of the same type replaces: the latest view (with the
# events of those it replaces), the latest timer, the latest presence.
_SUPERSEDED = (ViewMsg, Timer, Presence)


class Connection:
    """One client socket: who it is, and its outbound queue."""

    def __init__(self, ws: ServerConnection, unread_seconds: float = PING_SECONDS) -> None:
        self.ws = ws
        self.peer = _peer(ws)
        self.address = _address(ws)
        self.key = address_key(self.address)  # what the per-address limits count by
        self.refused = Tally("frame", f"from {self.peer}")
        self.unread_seconds = unread_seconds
        self.role: Role = SPECTATOR
        self.name = ""
        self.room: Room | None = None
        self.klass: Classroom | None = None  # the class this facilitator's console follows
        self.greeted = False
        self._out: deque[Encoded] = deque()
        self._merge_at = BEHIND
        self._ready = asyncio.Event()
        self._closed = False
        self._closing: asyncio.Task[None] | None = None
        self._writer = asyncio.create_task(self._write())

    @property
    def facilitates(self) -> bool:
        """Whether it is a class's console or a room's facilitator."""
        return self.klass is not None or self.role == FACILITATOR

    @property
    def behind(self) -> int:
        """How many messages are waiting to be sent."""
        return len(self._out)

    def send(self, message: _Out | Encoded) -> None:
        if self._closed:
            return
        self._out.append(message if isinstance(message, Encoded) else Encoded.of(message))
        if len(self._out) > self._merge_at:
            self._catch_up()
            # Not again until the queue has doubled: merging stays O(1) a message even
            # while a burst that cannot be merged (a room's team history) is queued.
            self._merge_at = max(BEHIND, 2 * len(self._out))
            if len(self._out) > FAR_BEHIND:
                self._give_up()
                return
        self._ready.set()

    def dismiss(self) -> None:
        """Send what is queued (the reason last), then close the socket."""
        self._closed = True
        self._ready.set()
        self._closing = asyncio.create_task(self._close_after_sending())

    async def _close_after_sending(self) -> None:
        await asyncio.gather(self._writer, return_exceptions=True)
        await self.ws.close(CloseCode.NORMAL_CLOSURE, "taken out of the seat by the facilitator")

    def error(self, code: str, message: str, action_id: str | None = None) -> None:
        version = self.room.state.version if self.room is not None else None
        self.send(ErrorMsg(code=code, message=message, id=action_id, version=version))
        self.refused.add(code, message)

    async def drop(self) -> None:
        """Stop sending at once, dropping what is queued (the connection is being closed)."""
        self._closed = True
        self.refused.flush()
        self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)

    async def close(self) -> None:
        """Send what is queued, then stop."""
        self._closed = True
        self.refused.flush()
        self._ready.set()
        await asyncio.gather(self._writer, return_exceptions=True)
        if self._closing is not None:
            await asyncio.gather(self._closing, return_exceptions=True)

    async def _write(self) -> None:
        while True:
            while not self._out:
                if self._closed:
                    return
                self._ready.clear()
                await self._ready.wait()
            text = self._out.popleft().text
            if len(self._out) < BEHIND:
                self._merge_at = BEHIND
            try:
                # The library waits while its write buffer is over its write_limit: a
                # client that reads nothing keeps it full, and its keepalive ping waits
                # behind the same buffer, so it never times out while we keep sending.
                async with asyncio.timeout(self.unread_seconds):
                    await self.ws.send(text)
            except TimeoutError:
                self._unread()
                return
            except ConnectionClosed:
                return

    def _catch_up(self) -> None:
        """Merge what later messages supersede: views into the latest (with every event
        line of the ones it replaces; a history view replaces all before it), and keep
        the latest timer and presence. Acks, errors and team lines all stay, in order."""
        last: dict[type[_Out], int] = {}
        for n, item in enumerate(self._out):
            last[type(item.message)] = n
        views: list[ViewMsg] = []
        kept: deque[Encoded] = deque()
        for n, item in enumerate(self._out):
            message, latest = item.message, n == last[type(item.message)]
            if isinstance(message, ViewMsg):
                views = [message] if message.history else [*views, message]
                if latest:
                    kept.append(item if len(views) == 1 else Encoded.of(_merged(views)))
            elif latest or not isinstance(message, _SUPERSEDED):
                kept.append(item)
        self._out = kept

    def _give_up(self) -> None:
        """Far behind even so (it reads nothing, and keeps being sent acks and team
        lines): close it; a client resumes and gets the whole story again."""
        log.info("closing %s: %d messages behind", self.peer, len(self._out))
        self._closed = True
        self._out.clear()
        self._writer.cancel()
        self._closing = asyncio.create_task(
            self.ws.close(CloseCode.TRY_AGAIN_LATER, "too far behind; resume")
        )

    def _unread(self) -> None:
        """Nothing it was sent has been read for ``unread_seconds``: close it at once,
        whatever it sends; a close frame would wait behind what it does not read."""
        log.info("closing %s: it has read nothing for %.0f s", self.peer, self.unread_seconds)
        self._closed = True
        self._out.clear()
        self.ws.transport.abort()


def _merged(views: list[ViewMsg]) -> ViewMsg:
    """The last view, with the event lines of all of them, in order."""
    lines = tuple(line for v in views for line in v.events)
    return views[-1].model_copy(update={"events": lines, "history": views[0].history})


class App:
    """Routes each client message to the lobby or the connection's room."""

    def __init__(self, lobby: Lobby, limits: Limits | None = None) -> None:
        self.lobby = lobby
        self.limits = limits or Limits()
        self.quotas = Quotas(self.limits)
        self._crowded = Tally("connection", "over connections_per_address")

    async def handler(self, ws: ServerConnection) -> None:
        key = address_key(_address(ws))
        if not self.quotas.connect(key):
            self._crowded.add(key, f"{self.limits.connections_per_address} open already")
            await ws.close(CloseCode.POLICY_VIOLATION, "too many connections from this address")
            return
        try:
            await self._serve(ws)
        finally:
            self.quotas.disconnect(key)

    async def _serve(self, ws: ServerConnection) -> None:
        conn = Connection(ws, self.limits.unread_seconds)
        limit = Bucket(RATE_PER_SECOND, RATE_BURST)
        log.info("connection from %s", conn.peer)
        try:
            async for frame in ws:
                await asyncio.sleep(0)  # let the writers run between two buffered frames
                # Every frame costs the connection's bucket and its address's, refused or not;
                # a facilitator's (who holds a token) only its own: the teacher's controls
                # are never dropped for what the students at the same address send.
                own = limit.take()
                shared = conn.facilitates or self.quotas.message(conn.key)
                if not (own and shared):
                    if limit.flooding or self.quotas.flooding(conn.key):
                        whose = "" if limit.flooding else " (its address's connections together)"
                        log.info("closing %s: flooding%s", conn.peer, whose)
                        await ws.close(CloseCode.POLICY_VIOLATION, "too many messages")
                        break
                    conn.error("rate_limited", self._too_fast(own), _peek_id(frame))
                    continue
                await self._handle(conn, frame)
        except ConnectionClosed:
            pass
        finally:
            if conn.room is not None:
                conn.room.leave(conn)
            if conn.klass is not None:
                conn.klass.leave(conn)
            await conn.close()
            log.info("disconnect %s (%s)", conn.peer, conn.role if conn.room else "no room")

    def _too_fast(self, own: bool) -> str:
        if not own:
            return f"more than {RATE_PER_SECOND:.0f} messages a second; this one was dropped"
        rate = self.limits.messages_per_second
        return (
            f"more than {rate:.0f} messages a second from this address (all its connections"
            " together); this one was dropped"
        )

    async def _handle(self, conn: Connection, frame: str | bytes) -> None:
        """Parse and route one frame; whatever goes wrong, the connection stays open."""
        message: ClientMessage | None = None
        try:
            message = self._parse(conn, frame)
            if message is not None:
                await self._route(conn, message)
        except ConnectionClosed:
            raise
        except Exception:  # a bug of ours: say so, log it, and keep the connection
            log.exception("internal error on a message from %s", conn.peer)
            action_id = getattr(message, "id", None) if message is not None else _peek_id(frame)
            conn.error("internal_error", "the server failed on that message", action_id)

    def _parse(self, conn: Connection, frame: str | bytes) -> ClientMessage | None:
        if isinstance(frame, bytes):
            conn.error("bad_message", "send JSON text frames, not binary")
            return None
        try:
            data = json.loads(frame)
        except json.JSONDecodeError as e:
            conn.error("bad_json", f"the frame is not JSON: {e.msg} at character {e.pos}")
            return None
        except RecursionError:
            conn.error("bad_json", "the frame is nested too deeply")
            return None
        except ValueError as e:  # e.g. an integer of more digits than Python converts
            conn.error("bad_json", f"the frame is not JSON this server reads: {e}"[:200])
            return None
        kind = data.get("type") if isinstance(data, dict) else None
        if not isinstance(kind, str):
            conn.error("bad_message", "a message is a JSON object with a 'type'")
            return None
        if kind not in CLIENT_TYPES:
            conn.error("unknown_type", f"'{kind[:40]}' is not a message type")
            return None
        try:
            return CLIENT_ADAPTER.validate_python(data)
        except ValidationError as e:
            code = "invalid_options" if kind == "create_room" and _in_options(e) else "bad_message"
            conn.error(code, f"{kind}: {_problems(e)}", _action_id(data))
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
        action_id = msg.id if isinstance(msg, Act) else None
        try:
            await self._dispatch(conn, msg)
        except Refusal as e:
            conn.error(e.code, e.message, action_id)
        except GameError as e:
            conn.error(e.code, e.message, action_id)
        except StoreError as e:
            log.error("store failed: %s", e)
            conn.error(
                "storage_failed", "the server could not store that; nothing changed", action_id
            )

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
                await self._end_phase(conn, msg)
            case AddBots():
                await self._add_bots(conn, msg)
            case LockSeats():
                await self._lock_seats(conn, msg)
            case Control():
                await self._control(conn, msg)
            case CreateClass():
                await self._create_class(conn, msg)
            case AddTable():
                await self._add_table(conn)
            case WatchClass():
                await self._watch_class(conn, msg)
            case ListClasses():
                await self._list_classes(conn, msg)
            case Export():
                await self._export(conn, msg)
            case Debrief():
                self._debrief(conn, msg)
            case Hello():  # answered before dispatch
                pass

    # -- one handler per message type -----------------------------------------------------

    async def _create(self, conn: Connection, msg: CreateRoom) -> None:
        await self.lobby.check_host(msg.host_token)
        with self.quotas.room(conn.key):
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
        with self.quotas.join(conn.key, msg.room.strip().upper()):  # as the lobby reads it
            seated, token = await self.lobby.join(msg.room, msg.seat, msg.name, msg.table)
        self._seat(conn, seated.room, seated.role, seated.name, token)
        log.info(
            "room %s: %s joined %s from %s", seated.room.code, seated.name, seated.role, conn.peer
        )

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
        with self.quotas.team_line(room.code, conn.role):
            await room.say_to_team(SeatId(conn.role), conn.name, msg.text)

    async def _end_phase(self, conn: Connection, msg: EndPhase) -> None:
        room = self._facilitated(conn)
        if room is not None:
            # The phase the facilitator saw: the version it names, or (without one)
            # the room's as the message arrives, before waiting for the room's lock.
            seen = msg.version if msg.version is not None else room.state.version
            await room.end_phase(seen, reply_to=conn)

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

    async def _lock_seats(self, conn: Connection, msg: LockSeats) -> None:
        room = self._facilitated(conn)
        if room is not None:
            await room.lock_seats(msg.locked)  # everyone's presence is the answer

    # -- classes and the facilitator's controls -------------------------------------------

    async def _create_class(self, conn: Connection, msg: CreateClass) -> None:
        await self.lobby.check_host(msg.host_token)
        with self.quotas.room(conn.key):
            klass, token = await self.lobby.create_class(msg.scenario, msg.options)
        conn.send(
            ClassCreated(
                code=klass.code,
                facilitator_token=token,
                tables=tuple(room.code for room in klass.rooms),
            )
        )
        self._follow(conn, klass)  # its class_view follows

    async def _add_table(self, conn: Connection) -> None:
        if conn.klass is None:
            conn.error("not_facilitator", "watch a class with its facilitator token first")
            return
        with self.quotas.room(conn.key):
            await self.lobby.add_table(conn.klass)
        conn.send(conn.klass.status())

    async def _watch_class(self, conn: Connection, msg: WatchClass) -> None:
        klass = await self.lobby.class_for(msg.code, msg.token)
        self._follow(conn, klass)

    async def _list_classes(self, conn: Connection, msg: ListClasses) -> None:
        await self.lobby.check_host(msg.host_token)
        conn.send(ClassList(classes=await self.lobby.class_list()))

    def _follow(self, conn: Connection, klass: Classroom) -> None:
        """This connection is the console of ``klass`` from now on (and of no room)."""
        if conn.room is not None:
            conn.room.leave(conn)
            conn.room = None
        if conn.klass is not None:
            conn.klass.leave(conn)
        conn.klass, conn.role, conn.name = klass, FACILITATOR, FACILITATOR
        klass.watch(conn)

    async def _control(self, conn: Connection, msg: Control) -> None:
        """One control for each table named (or all of them), each answered in one
        ``control_done``: ``ok``, or why that table refused it."""
        rooms = self._controlled(conn, msg)
        if rooms is None:
            return
        results: dict[str, str] = {}
        for room in rooms:
            try:
                to_room = self._move_target(conn, room, msg)
                effects = await controls.run(room, msg.control, msg.id, to_room)
            except (Refusal, GameError) as e:
                results[room.code] = f"{e.code}: {e.message}"
                continue
            except StoreError as e:
                log.error("store failed: %s", e)
                results[room.code] = "storage_failed: the server could not store that"
                continue
            results[room.code] = "ok"
            for effect in effects:
                self._make(effect)
        conn.send(ControlDone(id=msg.id, results=results))

    async def _export(self, conn: Connection, msg: Export) -> None:
        """The stored log of each table named (or every one) of this console's class or
        this facilitator's room, for the debrief: one ``room_log`` each."""
        rooms = self._controlled(conn, msg) or []
        for i, room in enumerate(rooms):
            klass = conn.klass or self.lobby.class_of(room)  # a table keeps its number
            n = klass.number(room) if klass is not None else 0
            conn.send(await room_log(self.lobby.store, room.code, n, last=i == len(rooms) - 1))

    def _debrief(self, conn: Connection, msg: Debrief) -> None:
        """The debrief report (drawn in a task of its own, so this connection is served
        meanwhile): a facilitator's of the tables it controls, any time; a seated
        student's of their own table, as their seat saw it, once it is over."""
        if conn.klass is not None or conn.role == FACILITATOR:
            rooms = self._controlled(conn, msg)
            if rooms is not None:
                self._report(conn, msg.id, self._class_report(conn, msg.id, rooms))
            return
        room = self._room_of(conn, msg.id)
        if room is None:
            return
        if conn.role == SPECTATOR:
            conn.error("not_seated", "the debrief is for the students in a seat", msg.id)
        elif any(t.strip().upper() != room.code for t in msg.tables):
            conn.error("unknown_table", f"you may see the debrief of room {room.code} only")
        elif not room.state.over:
            conn.error("not_over", "your table's debrief opens when its week is over", msg.id)
        else:
            seat = SeatId(conn.role)
            self._report(conn, msg.id, self._seat_report(conn, msg.id, room, seat))

    def _report(self, conn: Connection, report_id: str, job: Coroutine[Any, Any, None]) -> None:
        if not self.lobby.reports.start(conn, job):
            conn.error("busy", "a report for you is being drawn: it comes in a moment", report_id)

    async def _class_report(self, conn: Connection, report_id: str, rooms: list[Room]) -> None:
        klass = conn.klass or self.lobby.class_of(rooms[0])
        tables = [(r, klass.number(r) if klass is not None else 0) for r in rooms]
        whole = klass is not None and len(rooms) == len(klass.rooms)
        code = klass.code if whole and klass is not None else "-".join(r.code for r in rooms)
        opened = klass.created if klass is not None else 0.0

        async def draw() -> str:
            reports = self.lobby.reports
            record = await reports.record(code, tables, is_class=klass is not None, opened=opened)
            return await reports.class_report(record)

        html = await self._drawn(conn, report_id, code, draw())
        if html is not None:
            conn.send(DebriefReport(id=report_id, file_name=f"debrief-{code}.html", html=html))

    async def _seat_report(
        self, conn: Connection, report_id: str, room: Room, seat: SeatId
    ) -> None:
        klass = self.lobby.class_of(room)
        n = klass.number(room) if klass is not None else 0

        async def draw() -> tuple[str, SeatResult]:
            reports = self.lobby.reports
            record = await reports.record(room.code, [(room, n)], is_class=False, opened=0.0)
            return await reports.seat_report(record, seat, room.state.version)

        drawn = await self._drawn(conn, report_id, f"{room.code} for {seat}", draw())
        if drawn is not None:
            html, result = drawn
            name = f"debrief-{room.code}-{seat}.html"
            conn.send(DebriefReport(id=report_id, file_name=name, html=html, seat=result))

    async def _drawn(
        self, conn: Connection, report_id: str, what: str, drawing: Awaitable[_T]
    ) -> _T | None:
        """What ``drawing`` gives; None, and ``debrief_failed`` sent, if it failed."""
        try:
            return await drawing
        except (Refusal, StoreError, ValueError) as e:
            log.error("the debrief of %s failed: %s", what, e)
            conn.error("debrief_failed", f"the debrief could not be drawn: {e}", report_id)
        except Exception:  # a bug of ours: say so, log it, and keep serving
            log.exception("the debrief of %s failed", what)
            why = "the debrief could not be drawn (the server's log says why)"
            conn.error("debrief_failed", why, report_id)
        return None

    def _controlled(self, conn: Connection, msg: Control | Export | Debrief) -> list[Room] | None:
        """The tables a control is for: those named, of this console's class or this
        facilitator's room; None (and an error sent) if there are none it may control."""
        if conn.klass is not None:
            try:
                return [conn.klass.table(t) for t in msg.tables] or list(conn.klass.rooms)
            except Refusal as e:
                conn.error(e.code, e.message)
                return None
        room = self._facilitated(conn)
        if room is None:
            return None
        if any(t.strip().upper() != room.code for t in msg.tables):
            conn.error("unknown_table", f"this connection controls room {room.code} only")
            return None
        return [room]

    def _move_target(self, conn: Connection, room: Room, msg: Control) -> Room | None:
        """The table a student is moved to: in this console's class only."""
        order = msg.control
        if not isinstance(order, MoveStudent) or order.to_room is None:
            return None
        if conn.klass is not None:
            return conn.klass.table(order.to_room)
        if order.to_room.strip().upper() != room.code:
            raise Refusal("unknown_table", "a student moves between tables of one class only")
        return room

    def _make(self, effect: controls.Effect) -> None:
        """A change a control made to an open connection of a student."""
        member = effect.member
        if not isinstance(member, Connection):
            return
        match effect:
            case controls.Moved(room=room, role=role):
                self._seat(member, room, role, member.name, None)
            case controls.Dismissed(message=message):
                if member.room is not None:
                    member.room.leave(member)
                    member.room = None
                member.error("removed", message)
                member.dismiss()

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


def _address(ws: ServerConnection) -> str:
    """The IP address a connection comes from (two seats from one address stand out)."""
    address = ws.remote_address
    return str(address[0]) if address else "?"


def _problems(e: ValidationError) -> str:
    parts = []
    for err in e.errors()[:3]:
        place = ".".join(str(p) for p in err["loc"])
        parts.append(f"{place}: {err['msg']}" if place else err["msg"])
    more = len(e.errors()) - 3
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _in_options(e: ValidationError) -> bool:
    """Whether every problem is in ``create_room.options``."""
    return all(err["loc"][:2] == ("create_room", "options") for err in e.errors())


def _action_id(data: dict[str, Any]) -> str | None:
    """The id to name in an error: the frame's, if it is one an ``act`` may carry (null
    when the id itself is what is wrong)."""
    value = data.get("id")
    return value if isinstance(value, str) and 1 <= len(value) <= 64 else None


def _peek_id(frame: str | bytes) -> str | None:
    """The action id in a frame that is not otherwise read (it is being refused)."""
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        return None
    return _action_id(data) if isinstance(data, dict) and data.get("type") == "act" else None


async def start_server(
    host: str,
    port: int,
    data_dir: Path,
    *,
    host_token: str,
    bot_delay: float | None = None,
    limits: Limits | None = None,
) -> tuple[Server, Lobby, AsyncStore]:
    """Open the store, load every unfinished game, and listen.

    ``host_token`` is the one token that creates rooms (``host.host_token`` keeps one per
    data directory; an embedded server makes its own). ``port`` 0 picks a free port
    (``server.sockets[0].getsockname()`` tells which).
    """
    store = await asyncio.to_thread(AsyncStore, data_dir / DB_FILE)
    await store.run(Store.set_host_token, host_token)
    lobby = Lobby(store, bot_delay=bot_delay)
    resumed = await lobby.load_unfinished()
    if resumed:
        log.info("resumed %d unfinished room(s) from %s", resumed, data_dir)
    app = App(lobby, limits)
    server = await serve(
        app.handler,
        host,
        port,
        process_request=Web(lobby).process_request,  # the console's pages, on the same port
        max_size=MAX_FRAME_BYTES,
        ping_interval=PING_SECONDS,
        ping_timeout=PING_SECONDS,
        close_timeout=2,
    )
    return server, lobby, store


async def stop_server(server: Server, lobby: Lobby, store: AsyncStore) -> None:
    server.close()
    await server.wait_closed()
    await lobby.close()
    await asyncio.to_thread(store.close)
