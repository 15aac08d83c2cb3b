"""A room: one game, the people in it, and the parts that play it with them.

Each part does one thing and is tested on its own:

- ``table.Table``, the game and its log: its ``submit`` is the one way an action gets
  in, for people, bots and the clock alike, and nothing is acknowledged before it is
  stored;
- ``bot_runner.BotRunner``, the bots, which move through the table's way in;
- ``timers.PhaseTimer``, the phase timer, which ends a phase through it too;
- ``team.TeamChannel``, each seat's private channel.

The room keeps its members and what they are sent: after every stored step each its
own view, and everyone's presence when it changes. It tells the bots and the timer of
every change, and gives the seats nobody joined in time to bots.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Mapping

from divestiture.game.actions import Action, Note
from divestiture.game.bots.memory import Memory
from divestiture.game.events import Event
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Player
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, SPECTATOR, Phase, SeatId
from divestiture.server.backoff import Backoff
from divestiture.server.bot_runner import BotRunner
from divestiture.server.logs import log
from divestiture.server.protocol import (
    Ack,
    Attendee,
    BotSpec,
    Encoded,
    Phases,
    Presence,
    Refusal,
    RoomOptions,
    _Out,
)
from divestiture.server.store import AsyncStore, Change
from divestiture.server.table import Member, Table
from divestiture.server.team import TeamChannel, hears
from divestiture.server.timers import PhaseTimer


class Room:
    """One game in play (or over, kept for the debrief)."""

    def __init__(
        self,
        *,
        code: str,
        scenario_id: str,
        scenario: Scenario,
        seed: int,
        options: RoomOptions,
        store: AsyncStore,
        state: GameState,
        events: list[tuple[int, Event]],
        seen: dict[tuple[str, str], tuple[int, Action]] | None = None,
        bots: dict[SeatId, BotSpec] | None = None,
        bots_since: dict[SeatId, int | None] | None = None,
        bot_turns: int = 0,
        players: dict[SeatId, Player] | None = None,
        memories: dict[SeatId, Memory] | None = None,
        seats_locked: bool = False,
        team_lines: list[tuple[SeatId, str, str]] | None = None,
        opened_at: float = 0.0,
        joined: set[SeatId] | None = None,
        holders: list[tuple[SeatId, str]] | None = None,
    ) -> None:
        self.code = code
        self.scenario_id = scenario_id
        self.scenario = scenario
        self.seed = seed
        self.options = options
        self.store = store
        self.opened_at = opened_at  # when the room was opened (time.time())
        self.joined: set[SeatId] = joined or set()  # seats someone has joined
        # Who holds each seat's token (here or away), in the order they joined.
        self.holders: dict[SeatId, list[str]] = {s: [] for s in state.seats}
        for seat, name in holders or ():
            if name not in self.holders[seat]:
                self.holders[seat].append(name)
        self.members: set[Member] = set()
        # Told after every change a facilitator's overview shows (a class's console).
        self.watchers: list[Callable[[], None]] = []
        self.table = Table(
            code,
            store,
            state,
            events,
            on_step=self._stepped,
            lock_seats_after_first_round=options.lock_seats_after_first_round,
            seen=seen or {},
            seats_locked=seats_locked,
        )
        self.runner = BotRunner(
            self.table,
            store,
            code,
            scenario,
            seed,
            delay=options.bot_delay,
            specs=bots or {},
            since=bots_since or {},
            players=players or {},
            memories=memories or {},
            turns=bot_turns,
        )
        self.timer = PhaseTimer(
            self.table,
            code,
            seconds={phase: s for phase, s in options.phase_seconds.items()},
            announce=self._send_all,
        )
        self.team = TeamChannel(
            code,
            store,
            seats=len(state.seats),
            version=lambda: self.table.state.version,
            lines=team_lines or [],
        )
        self._tasks: set[asyncio.Task[None]] = set()  # the bots' loop, the wait for empty seats

    @property
    def state(self) -> GameState:
        return self.table.state

    @property
    def events(self) -> list[tuple[int, Event]]:
        return self.table.events

    @property
    def seen(self) -> dict[tuple[str, str], tuple[int, Action]]:
        """(actor, client id) -> the version the action made, and the action."""
        return self.table.seen

    @property
    def seats_locked(self) -> bool:
        return self.table.seats_locked

    @property
    def bots(self) -> dict[SeatId, BotSpec]:
        """The seats bots play, and how."""
        return self.runner.specs

    @property
    def bots_since(self) -> dict[SeatId, int | None]:
        """Each bot seat's version it was taken at (``BotRunner.since``)."""
        return self.runner.since

    @property
    def claimed(self) -> set[SeatId]:
        """Seats bots are being given: no one can join them."""
        return self.runner.claimed

    # -- the game ---------------------------------------------------------------------------

    async def submit(
        self, actor: str, action: Action, client_id: str, reply_to: Member | None = None
    ) -> Ack:
        """``Table.submit``: apply, store, acknowledge, then send every member its view."""
        return await self.table.submit(actor, action, client_id, reply_to)

    async def end_phase(self, seen: int, reply_to: Member | None = None) -> Ack:
        """``Table.end_phase``: the facilitator ends the phase it saw at ``seen``."""
        return await self.table.end_phase(seen, reply_to)

    async def lock_seats(self, locked: bool) -> None:
        """Close the seats (``join`` is refused from now on) or open them; stored, then
        every member's presence says so (the facilitator's answer too).

        Raises:
            StoreError: it could not be stored; nothing changed.
        """
        if self.state.over:  # no note once the game is over
            await self.table.lock_seats(locked)
            self._presence()
        else:
            await self.set_seats_locked(locked, f"seats:{self.state.version}:{locked}")

    async def record(
        self,
        text: str,
        client_id: str,
        change: Change | None = None,
        done: Callable[[], None] | None = None,
    ) -> Ack:
        """A control of the room's, kept in the game's log as the facilitator's note
        ``text``: the room-level ``change`` is stored in the same transaction, and
        ``done`` then makes it in memory, before anyone else can act. Everyone's
        presence follows.

        Raises:
            GameError: the note was refused (the game is over); nothing changed.
            StoreError: it could not be stored; nothing changed.
        """
        note = Note(text=text[:300])
        async with self.table.lock:
            ack = await self.table.commit(FACILITATOR, note, client_id, change=change)
            if done is not None and not ack.duplicate:  # a control resent is made once
                done()
        self._presence()
        self._changed()
        return ack

    async def set_seats_locked(self, locked: bool, client_id: str) -> Ack:
        """``lock_seats``, kept in the log with a note."""

        def done() -> None:
            self.table.seats_locked = locked

        code = self.code
        return await self.record(
            "The seats are closed." if locked else "The seats are open again.",
            client_id,
            lambda store: store.write_seats_locked(code, locked),
            done,
        )

    async def hand_back(self, seat: SeatId, client_id: str) -> Ack:
        """The bot gives ``seat`` back: a student may join it (kept in the log).

        Raises:
            Refusal: no bot plays the seat.
        """
        if seat not in self.bots:
            raise Refusal("not_a_bot", f"no bot plays {self.seat_word(seat)}")
        code = self.code
        return await self.record(
            f"The bot gives {self.seat_word(seat)} back.",
            client_id,
            lambda store: store.forget_bot(code, seat),
            lambda: self.runner.drop(seat),
        )

    async def set_timer(self, phase: Phases, seconds: float | None, client_id: str) -> Ack:
        """From now on ``phase`` lasts ``seconds`` (None: untimed), stored with the
        room's options and kept in the log; in that phase now, the time left is
        ``seconds`` from now."""
        timed = dict(self.options.phase_seconds)
        if seconds is None:
            timed.pop(phase, None)
        else:
            timed[phase] = seconds
        options = self.options.model_copy(update={"phase_seconds": timed})
        text = options.model_dump_json()
        code = self.code

        def done() -> None:
            self.options = options
            self.timer.set_seconds(Phase(phase), seconds)

        length = "untimed" if seconds is None else f"{seconds:.0f} seconds"
        return await self.record(
            f"The {phase} phase is now {length}.",
            client_id,
            lambda store: store.set_options(code, text),
            done,
        )

    def seat_word(self, seat: SeatId) -> str:
        """A seat as people say it: "CFIUS", "Microsoft"."""
        return self.scenario.seat_name(seat) if seat in self.state.seats else f"'{seat}'"

    def _stepped(self, events: tuple[Event, ...], closed_seats: bool) -> None:
        """After each stored step (the table's lock held): views, presence, bots, timer."""
        self._publish(events)
        if closed_seats:
            self._presence()
        self._changed()

    # -- members --------------------------------------------------------------------------

    def admit(self, member: Member) -> None:
        """Add a member and send it the whole story so far: view, history, team, timer."""
        self.members.add(member)
        member.send(self.table.history(member.role))
        for line in self.team.replay(member.role):
            member.send(line)
        if self.timer.timed:
            member.send(self.timer.message())
        self._presence()

    def leave(self, member: Member) -> None:
        if member in self.members:
            self.members.discard(member)
            self._presence()

    def seat_names(self) -> dict[SeatId, tuple[str, ...]]:
        names: dict[SeatId, list[str]] = {s: [] for s in self.state.seats}
        for m in self.members:
            if m.role in names:
                names[SeatId(m.role)].append(m.name)
        return {s: tuple(sorted(n)) for s, n in names.items()}

    async def say_to_team(self, seat: SeatId, sender: str, text: str) -> None:
        """A line on a seat's team channel, stored, to the seat's members and the facilitator."""
        line = await self.team.say(seat, sender, text)
        for m in list(self.members):
            if hears(m.role, seat):
                m.send(line)

    # -- bots -----------------------------------------------------------------------------

    async def add_bots(self, specs: Mapping[SeatId, BotSpec], *, only_empty: bool = False) -> None:
        """Bots take these seats from now on (``BotRunner.add``); with ``only_empty``,
        only those of them nobody has joined. Everyone's presence then shows them.

        Raises:
            Refusal: a seat is not a seat, or its bot is not one the rules have.
            StoreError: the bots could not be stored; nothing changed.
        """
        before = set(self.bots)
        if await self.runner.add(specs, joined=self.joined if only_empty else None):
            self._presence()
            self._changed()
            taken_ids = set(self.bots) - before
            taken = [self.seat_word(s) for s in self.state.seats if s in taken_ids]
            if taken and not self.state.over:  # kept in the log, for the debrief
                seats = ",".join(s for s in self.state.seats if s in taken_ids)
                await self.record(
                    f"A bot plays {', '.join(taken)} from now on.",
                    f"bots:{self.state.version}:{seats}",  # the same on a replayed room
                )

    def make_players(self) -> None:
        """Make every bot's player (``BotRunner.make_players``): a bot the rules do not
        have raises ``Refusal`` before the room is stored or started."""
        self.runner.make_players()

    def start(self) -> None:
        """Start the bots and the timer (after creation, or after loading from the store)."""
        self.make_players()
        self._spawn(self.runner.run())
        if self.options.empty_seats_to_bots_after is not None and not self.state.over:
            self._spawn(self._bots_for_empty_seats(self.options.empty_seats_to_bots_after))
        self._changed()

    async def _bots_for_empty_seats(self, after: float) -> None:
        """``after`` seconds from the room's opening (wall-clock time, so it holds across
        a restart), bots take every seat nobody has joined; a store that fails is tried
        again."""
        await asyncio.sleep(max(0.0, self.opened_at + after - time.time()))
        backoff = Backoff()
        while not self.state.over:
            try:
                specs = dict.fromkeys(self.state.seats, self.options.empty_seat_bot)
                await self.add_bots(specs, only_empty=True)
                return
            except Exception:
                log.exception(
                    "room %s: bots could not take the empty seats; trying again", self.code
                )
                await asyncio.sleep(backoff.wait())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.timer.close()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- after a change -------------------------------------------------------------------

    def _changed(self) -> None:
        """After every change: the bots look again, the timer follows the phase, and
        whoever watches the room's overview is told."""
        self.runner.wake()
        self.timer.follow()
        self.tell_watchers()

    def tell_watchers(self) -> None:
        for watcher in list(self.watchers):
            watcher()

    # -- sending --------------------------------------------------------------------------

    def _publish(self, events: tuple[Event, ...]) -> None:
        """Send each member its own view and the new events it may see; one view per role."""
        made: dict[str, Encoded] = {}  # a team or thirty spectators share one encoded view
        for m in list(self.members):
            message = made.get(m.role)
            if message is None:
                message = made[m.role] = Encoded.of(self.table.view(m.role, events))
            m.send(message)

    def _presence(self) -> None:
        """Everyone's presence; the facilitator's also says who connects from where."""
        spectators = sum(1 for m in self.members if m.role == SPECTATOR)
        public = Presence(
            version=self.state.version,
            seats=self.seat_names(),
            bots=tuple(sorted(self.bots)),
            spectators=spectators,
            seats_locked=self.seats_locked,
        )
        made: dict[bool, Encoded] = {}
        for m in list(self.members):
            private = m.role == FACILITATOR
            message = made.get(private)
            if message is None:
                shown = public
                if private:
                    shown = public.model_copy(update={"connections": self._connections()})
                message = made[private] = Encoded.of(shown)
            m.send(message)
        self.tell_watchers()

    def _connections(self) -> dict[SeatId, tuple[Attendee, ...]]:
        """Each seat's connections, with their addresses: one student in two seats shows."""
        found: dict[SeatId, list[Attendee]] = {s: [] for s in self.state.seats}
        for m in self.members:
            if m.role in found:
                found[SeatId(m.role)].append(Attendee(name=m.name, address=m.address))
        return {s: tuple(sorted(a, key=lambda a: (a.name, a.address))) for s, a in found.items()}

    def _send_all(self, message: _Out) -> None:
        for m in list(self.members):
            m.send(message)

    def _spawn(self, coro: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """A room's task never stops unseen: a crash is logged with its traceback."""
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("room %s: a task stopped", self.code, exc_info=task.exception())
