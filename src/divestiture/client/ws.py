"""A seat in a room on a classroom server, as a ``Connection`` (client/net.py).

One background thread runs its own asyncio loop; the pygame thread only calls
``send``/``send_team`` (handed to the loop, never waited on) and drains
``inbox``. After a drop the loop reconnects forever (0.2 s doubling to 2 s),
resumes with the seat token and resends every action the server has not yet
acknowledged under its first id, which the server applies once. A token the
server does not know (a seat saved from an earlier game, a server started again
on new data) is dropped, and the seat joined again, saying why. Only a server
refusing the seat itself (no such room or seat, a bot in it, closed seats) ends it,
or the teacher taking the student out of it (``removed``): then the token is
forgotten and the connection stops, with no reconnecting.

The code joined may be a class's: the server seats the student at one of its tables
and says which in ``joined``; from then on the connection is in that room (a resume
names it). The teacher may move the student at any time (a new ``joined``, the same
token now holding the new seat): the connection follows, keeps the token under the
new room, and says so (``Moved``) before the new seat's story.

Once the game is over, the end screen asks for the seat's copy of the debrief
(``ask_debrief``); it is asked again after a drop until the answer comes, and arrives
as a ``SeatReport``.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection

from divestiture.client.net import (
    REMOVED,
    ErrorNotice,
    EventLines,
    Inbound,
    LinkState,
    Moved,
    PhaseTimer,
    SeatReport,
    Status,
    TeamChat,
    ViewUpdate,
)
from divestiture.game.actions import Action
from divestiture.game.types import SPECTATOR, SeatId
from divestiture.server.client import DROPS, Refused, open_connection, receive, send
from divestiture.server.protocol import (
    Ack,
    Act,
    Debrief,
    DebriefReport,
    ErrorMsg,
    Join,
    Joined,
    Resume,
    TeamLine,
    TeamSay,
    Timer,
)
from divestiture.server.protocol import ViewMsg as ViewMessage

# Answers to a join or resume that no retry can change: the student must act (or the
# teacher: closed seats), so the connection stops and says why.
FATAL = frozenset(
    {
        "bad_token",
        "unknown_room",
        "seat_taken",
        "unknown_seat",
        "bad_message",
        "invalid_name",
        "seats_locked",
        "room_unavailable",
        "protocol_mismatch",
        "unknown_table",
    }
)
FIRST_DELAY, MAX_DELAY = 0.2, 2.0


def parse_join_url(text: str) -> tuple[str, str]:
    """Split ``ws://HOST:PORT/ROOM`` into ``("ws://HOST:PORT", "ROOM")``.

    Raises:
        ValueError: not a ws:// or wss:// address with a room code after the host.
    """
    shape = "a room address looks like ws://HOST:PORT/ROOM"
    raw = text.strip()
    if "://" not in raw:
        raise ValueError(f"'{raw}' has no ws:// at the start ({shape})")
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("ws", "wss"):
        raise ValueError(f"'{raw}' starts with {scheme}://, not ws:// ({shape})")
    if not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"'{raw}' is not a room address ({shape})")
    room = parts.path.strip("/")
    if not room:
        raise ValueError(f"'{raw}' has no room code after the server ({shape})")
    if not room.isalnum() or len(room) > 12:
        raise ValueError(f"'{room}' is not a room code: letters and digits, at most 12 ({shape})")
    return f"{scheme}://{parts.netloc}", room.upper()


class Fatal(Exception):
    """The server refused this seat; the connection stops for good."""


@dataclass(frozen=True, slots=True)
class Held:
    """A seat this connection holds: ``token`` resumes ``seat`` in ``room``."""

    room: str
    seat: SeatId
    token: str = field(repr=False)  # a secret: never printed


class RemoteConnection:
    """Plays ``seat`` (None: wherever the server seats it) of ``room`` (a room's code
    or a class's) on the server at ``url`` (ws://HOST:PORT).

    ``token`` resumes a seat joined before, in ``resume_in`` (the room the seat is in,
    if not ``room``: a class's table). ``keep``, if given, is called with each seat the
    server gives (a new token, or the same one after a move), and with None when the
    token is void (refused, or the student removed): the caller keeps it on disk
    (client/saved.py).

    Raises:
        ValueError: the room code or the name would not pass the wire's limits.
    """

    def __init__(
        self,
        url: str,
        room: str,
        seat: SeatId | None,
        name: str,
        token: str | None = None,
        *,
        resume_in: str | None = None,
        keep: Callable[[Held | None], None] | None = None,
    ) -> None:
        self.url = url
        self.asked = room.strip().upper()  # the code joined: a room's or a class's
        self.room = (resume_in or self.asked).strip().upper()  # the room it is in
        self.seat = seat  # the seat its token holds (None: not seated yet)
        self.role: str | None = seat  # what it plays now: its seat, or a spectator's
        self.name = name
        self.token = token
        self._keep = keep
        # Made here so a bad name or room fails in the caller, not later in the thread.
        self._join = Join(room=self.asked, seat=seat, name=name)
        self._seated = False  # it was given a seat once: a new one after that is a move
        self.inbox: queue.Queue[Inbound] = queue.Queue()
        # An asyncio.Queue binds to a loop on first wait, so sends made before start()
        # simply wait in it; after start() only the loop's thread touches it.
        self._outbox: asyncio.Queue[Act | TeamSay | Debrief] = asyncio.Queue()
        self._unacked: dict[str, Act] = {}  # insertion order = the order they were sent
        self._in_hand: TeamSay | None = None  # taken from the outbox, not yet on the wire
        self._debrief: Debrief | None = None  # asked for, not yet answered
        self._lines_seen = 0  # event lines delivered, so a resume's history is not repeated
        self._team_seen = 0  # team lines delivered, and how many of a history to skip
        self._team_skip = 0
        self._team_last = 0  # the number of the last team line shown
        self._connected = False  # the current session got in
        self._wake: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None

    @property
    def unacked(self) -> tuple[str, ...]:
        """The ids of actions sent but not yet acknowledged (or refused)."""
        # One C-level copy, so a read from the pygame thread never sees the dict change.
        return tuple(self._unacked)

    # -- the Connection interface (called from the pygame thread) -------------------------

    def send(self, action: Action) -> None:
        seat = SeatId(self.role) if self.role not in (None, SPECTATOR) else None
        self._post(Act(id=uuid.uuid4().hex, action=action, seat=seat))

    def send_team(self, text: str) -> None:
        text = text.strip()[:500]  # the wire's limit; longer lines would be refused
        if text:
            self._post(TeamSay(text=text))

    def ask_debrief(self) -> None:
        self._post(Debrief(id=uuid.uuid4().hex))

    def set_waker(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def start(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.new_event_loop()
        # Created before the thread starts, so close() always has a task to cancel.
        self._task = self._loop.create_task(self._main())
        self._thread = threading.Thread(target=self._run, name=f"ws-{self.asked}", daemon=True)
        self._thread.start()

    def close(self) -> None:
        loop, task, thread = self._loop, self._task, self._thread
        if loop is None or task is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already ended (refused)
            loop.call_soon_threadsafe(task.cancel)
        if thread is not threading.current_thread():
            thread.join(timeout=5)

    # -- the loop's thread ----------------------------------------------------------------

    def _post(self, item: Act | TeamSay | Debrief) -> None:
        if self._loop is None:
            self._outbox.put_nowait(item)
            return
        try:
            self._loop.call_soon_threadsafe(self._outbox.put_nowait, item)
        except RuntimeError:  # the loop is closed
            self._put(ErrorNotice("closed", "not connected to the server; that was not sent"))

    def _put(self, item: Inbound) -> None:
        self.inbox.put(item)
        if self._wake is not None:
            self._wake()

    def _run(self) -> None:
        assert self._loop is not None and self._task is not None
        loop = self._loop
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            self._put(Status("closed", "left the room"))
        except Exception as e:  # a bug must reach the screen, not die in a thread
            self._put(ErrorNotice("connection_crashed", f"{type(e).__name__}: {e}"))
            self._put(Status("closed", "the connection stopped"))
        finally:
            rest = asyncio.all_tasks(loop)
            for t in rest:
                t.cancel()
            if rest:
                loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
            loop.close()

    async def _main(self) -> None:
        self._put(Status("connecting", self.url))
        attempt, delay, ever = 0, FIRST_DELAY, False
        while True:
            try:
                await self._session()
            except Fatal as e:
                self._put(Status("closed", str(e)))
                return
            except Refused as e:  # the hello itself was refused (another protocol)
                self._put(ErrorNotice(e.error.code, e.error.message))
                self._put(Status("closed", e.error.message))
                return
            except DROPS as e:
                if self._connected:  # it had got in: the backoff starts over
                    ever, attempt, delay = True, 0, FIRST_DELAY
                attempt += 1
                state: LinkState = "reconnecting" if ever else "connecting"
                self._put(Status(state, _reason(e), attempt))
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    async def _session(self) -> None:
        self._connected = False
        try:
            ws = await open_connection(self.url)
        except ValueError as e:  # not a websocket URL: no retry can help
            self._put(ErrorNotice("bad_url", str(e)))
            raise Fatal(str(e)) from e
        try:
            await self._enter(ws)
            self._connected = True
            self._team_skip = self._team_seen  # the history repeats these first
            self._put(Status("connected", f"in room {self.room}"))
            for act in list(self._unacked.values()):
                await send(ws, act)  # the same id: the server applies it once
            if self._in_hand is not None:
                await send(ws, self._in_hand)
                self._in_hand = None
            if self._debrief is not None:  # asked before the drop, never answered
                await send(ws, self._debrief)
            reader = asyncio.create_task(self._read(ws))
            writer = asyncio.create_task(self._write(ws))
            try:
                done, _ = await asyncio.wait({reader, writer}, return_when="FIRST_COMPLETED")
            finally:
                for t in (reader, writer):
                    t.cancel()
                await asyncio.gather(reader, writer, return_exceptions=True)
            for t in done:
                t.result()  # re-raise the drop
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 1)

    async def _enter(self, ws: ClientConnection) -> None:
        """Join (or resume with the token) and wait for the server's answer. A token the
        server refuses is forgotten, and the seat joined instead (a refusal changes
        nothing on the server, so the same connection can ask again)."""
        if self.token is None:
            await send(ws, self._join)
            reply = await receive(ws)
        else:
            await send(ws, Resume(room=self.room, token=self.token))
            reply = await receive(ws)
            if isinstance(reply, ErrorMsg) and reply.code == "bad_token":
                self.token = None
                await self._kept(None)
                again = "it again" if self._join.seat is not None else "again"
                self._put(
                    ErrorNotice(
                        "resume_refused",
                        f"The server did not take back your saved seat in room {self.room}"
                        f" ({reply.message}): joining {again} as {self.name}.",
                    )
                )
                await send(ws, self._join)
                reply = await receive(ws)
        if isinstance(reply, ErrorMsg):
            self._put(ErrorNotice(reply.code, reply.message))
            if reply.code in FATAL:
                raise Fatal(reply.message)
            raise ConnectionError(reply.message)  # a passing trouble (storage): try again
        assert isinstance(reply, Joined), reply
        await self._seat(reply)

    async def _seat(self, joined: Joined) -> None:
        """Sit where ``joined`` says: a new seat (a join), the same (a resume), or another
        the teacher moved this student to (then its story starts again from nothing,
        what was not yet acknowledged is dropped, and ``Moved`` says so)."""
        if joined.token is not None:
            self.token = joined.token
        moved = self._seated and (joined.room, joined.role) != (self.room, self.role)
        was = (self.room, self.seat)
        self.room, self.role, self._seated = joined.room, joined.role, True
        if joined.role != SPECTATOR:
            self.seat = SeatId(joined.role)
        if moved:
            self._unacked.clear()  # made for the seat it left
            self._debrief = None
            self._lines_seen = self._team_seen = self._team_skip = self._team_last = 0
            self._put(Moved(joined.room, joined.role, was[0]))
        elsewhere = (self.room, self.seat) != was  # a new seat, or a token moved meanwhile
        if self.token is not None and self.seat is not None and (elsewhere or joined.token):
            await self._kept(Held(self.room, self.seat, self.token))

    async def _kept(self, held: Held | None) -> None:
        """Hand the seat's token and where it is (None: the token is void) to ``keep``,
        off the loop: keeping it writes a file."""
        if self._keep is not None:
            await asyncio.to_thread(self._keep, held)

    async def _write(self, ws: ClientConnection) -> None:
        while True:
            item = await self._outbox.get()
            if isinstance(item, Act):
                self._unacked[item.id] = item  # before sending: a drop mid-send resends it
            elif isinstance(item, Debrief):
                self._debrief = item  # until its answer comes: a drop asks again
            else:
                self._in_hand = item
            try:
                await send(ws, item)
            except ValueError as e:  # over the frame limit: refuse it here, keep going
                if isinstance(item, Act):
                    self._unacked.pop(item.id, None)
                self._put(ErrorNotice("too_large", str(e)))
            self._in_hand = None

    async def _read(self, ws: ClientConnection) -> None:
        while True:
            msg = await receive(ws)
            if isinstance(msg, ViewMessage):
                lines = tuple(e.text for e in msg.events)
                if msg.history:  # the whole story again after a resume: only what is new
                    lines = lines[self._lines_seen :]
                    self._lines_seen = max(self._lines_seen, len(msg.events))
                else:
                    self._lines_seen += len(lines)
                if lines:
                    self._put(EventLines(lines))
                self._put(ViewUpdate(msg.view))
            elif isinstance(msg, Ack):
                self._unacked.pop(msg.id, None)
            elif isinstance(msg, DebriefReport):
                self._debriefed(msg)
            elif isinstance(msg, ErrorMsg):
                if msg.id is not None:
                    self._unacked.pop(msg.id, None)
                    if self._debrief is not None and msg.id == self._debrief.id:
                        self._debrief = None  # refused (not over, not seated): said below
                if msg.code == REMOVED:  # the token no longer resumes: no coming back
                    self.token = None
                    await self._kept(None)  # first: the lobby that says so reads the kept seats
                    self._put(ErrorNotice(msg.code, msg.message))
                    raise Fatal(msg.message)
                self._put(ErrorNotice(msg.code, msg.message))
            elif isinstance(msg, Joined):  # the teacher moved this student
                await self._seat(msg)
                self._put(Status("connected", f"in room {self.room}"))
            elif isinstance(msg, TeamLine):
                if msg.n is not None:  # numbered: skip what was shown before the drop
                    if msg.n <= self._team_last:
                        continue
                    self._team_last = msg.n
                elif msg.history and self._team_skip > 0:
                    self._team_skip -= 1  # a server that does not number lines
                    continue
                self._team_seen += 1
                self._put(TeamChat(msg.sender, msg.text))
            elif isinstance(msg, Timer):
                self._put(PhaseTimer.seconds_from_now(msg.seconds_left, msg.running))
            # presence (who sits where) has no Inbound item yet; it is dropped here.

    def _debriefed(self, msg: DebriefReport) -> None:
        """The debrief asked for: the seat's copy, handed on as a ``SeatReport``."""
        if self._debrief is None or msg.id != self._debrief.id or msg.seat is None:
            return  # not this seat's (a report asked for before a move, say)
        self._debrief = None
        seat = msg.seat
        self._put(
            SeatReport(
                seat=seat.seat,
                score=seat.score,
                percentile=seat.percentile,
                games=seat.games,
                outcome=seat.outcome,
                deal_map=seat.deal_map,
                file_name=msg.file_name,
                html=msg.html,
            )
        )


def _reason(e: BaseException) -> str:
    return str(e) or type(e).__name__
