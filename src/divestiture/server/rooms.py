"""A room: one game, its members, its bots, its phase timer and its team channel.

The game and its log are the room's ``Table`` (``divestiture.server.table``): its
``submit`` is the one way an action gets in, for people, bots and the clock alike,
and nothing is acknowledged before it is stored. After each stored step the table
hands the room the step's events, and the room sends every member its own view.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine, Mapping

from divestiture.game.actions import Action, Pass
from divestiture.game.bots import make_bot, personalities
from divestiture.game.bots.memory import Memory
from divestiture.game.errors import GameError
from divestiture.game.events import Event
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Player
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.game.views import view_for
from divestiture.server.backoff import Backoff
from divestiture.server.logs import log
from divestiture.server.protocol import (
    Ack,
    Attendee,
    BotSpec,
    Encoded,
    Presence,
    Refusal,
    RoomOptions,
    _Out,
)
from divestiture.server.recall import FALLBACK, bot_json, bot_move_id
from divestiture.server.store import AsyncStore, Store
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
    ) -> None:
        self.code = code
        self.scenario_id = scenario_id
        self.scenario = scenario
        self.seed = seed
        self.options = options
        self.store = store
        self.opened_at = opened_at  # when the room was opened (time.time())
        self.joined: set[SeatId] = joined or set()  # seats someone has joined
        self.members: set[Member] = set()
        self.table = Table(
            code,
            store,
            state,
            events,
            self._stepped,
            options.lock_seats_after_first_round,
            seen or {},
            seats_locked,
        )
        self.bots: dict[SeatId, BotSpec] = bots or {}
        # seat -> the version its bot took the seat at, which seeds the bot (None: not
        # stored, a room from an older store; the bot is made afresh when it is loaded)
        self.bots_since: dict[SeatId, int | None] = bots_since or {}
        self.bot_turns = bot_turns  # bot moves made: whose turn is next (the log's count)
        self.claimed: set[SeatId] = set()  # seats bots are being given
        self._players: dict[SeatId, Player] = players or {}
        # seat -> what its bot remembers after its last move (stored with that move)
        self.memories: dict[SeatId, Memory] = memories or {}
        self.team = TeamChannel(
            code, store, len(state.seats), lambda: self.table.state.version, team_lines or []
        )
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self.timer = PhaseTimer(
            self.table, code, {p: s for p, s in options.phase_seconds.items()}, self._send_all
        )

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
        await self.table.lock_seats(locked)
        self._presence()

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
        """Bots take these seats from now on (stored, so they come back after a restart);
        with ``only_empty``, only those of them nobody has joined.

        Every bot is made before anything is stored: a bad request changes nothing.
        While the bots are being stored their seats are claimed, so no one can join
        them meanwhile (Lobby.join refuses a claimed seat).

        Raises:
            Refusal: a seat is not a seat, or its bot is not one the rules have.
            StoreError: the bots could not be stored; nothing changed.
        """
        async with self.table.lock:
            if only_empty:
                specs = {s: b for s, b in specs.items() if s not in self.joined | set(self.bots)}
            if not specs:
                return
            since = self.state.version
            made = {seat: self._new_player(seat, spec, since) for seat, spec in specs.items()}
            stored = {seat: bot_json(spec, since) for seat, spec in specs.items()}
            self.claimed.update(specs)
            try:
                await self.store.run(Store.set_bots, self.code, stored)
            finally:
                self.claimed.difference_update(specs)
            self.bots.update(specs)
            self.bots_since.update(dict.fromkeys(specs, since))
            self._players.update(made)
            self.memories.update({seat: player.first_memory for seat, player in made.items()})
            for seat, spec in specs.items():
                log.info("room %s: a bot plays %s (%s)", self.code, seat, spec.personality or "any")
        self._presence()
        self._changed()

    def make_players(self) -> None:
        """Make a player for every bot seat that has none, starting from its first
        memory unless it has one (raises ``Refusal`` as ``add_bots``); rooms call it
        before they are stored or started."""
        for seat, spec in self.bots.items():
            if seat not in self._players:
                since = self.bots_since.get(seat)
                self._players[seat] = self._new_player(
                    seat, spec, self.state.version if since is None else since
                )
            self.memories.setdefault(seat, self._players[seat].first_memory)

    def start(self) -> None:
        """Start the bots and the timer (after creation, or after loading from the store)."""
        self.make_players()
        self._spawn(self._run_bots())
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

    def _new_player(self, seat: SeatId, spec: BotSpec, since: int) -> Player:
        return new_player(self.scenario, self.seed, seat, spec, since)

    async def _run_bots(self) -> None:
        backoff = Backoff()
        while not self.state.over:
            waiting = [s for s in self.state.seats if s in self._players and self._can_move(s)]
            if not waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            # Whose turn it is depends on the bot moves made so far, which the log keeps:
            # after a restart the bots go on in the order they would have.
            seat = waiting[self.bot_turns % len(waiting)]
            await asyncio.sleep(self.options.bot_delay)
            try:
                decided = await self._bot_move(seat)
            except Exception:  # the store, or a bot's bug: this room's bots must go on
                self.bot_turns += 1  # the next bot's turn: one that fails holds up no other
                wait = backoff.wait()
                log.exception(
                    "room %s: bot %s could not move; trying again in %.0f s", self.code, seat, wait
                )
                await asyncio.sleep(wait)
            else:
                if decided:
                    self.bot_turns += 1
                backoff.reset()

    def _can_move(self, seat: SeatId) -> bool:
        return not self.state.seats[seat].passed

    async def _bot_move(self, seat: SeatId) -> bool:
        """Decide and apply under the lock, on the state the action is applied to;
        whether the bot decided (False: the game had moved on, nothing for it to do).

        The bot's new memory is kept only once its move is stored (with it): a move
        that is refused, or not stored, is forgotten.
        """
        async with self.table.lock:
            state = self.state
            if state.over or not self._can_move(seat):
                return False
            client_id = bot_move_id(seat, state.version)
            action, memory = self._players[seat].decide(view_for(state, seat), self.memories[seat])
            try:
                await self.table.commit(seat, action, client_id, None, memory)
                self.memories[seat] = memory
                return True
            except GameError as e:
                # Refused against the very state it decided on: the bot's own mistake.
                # It must not stall the table, so it passes instead.
                log.info("room %s: bot %s refused (%s); it passes", self.code, seat, e.message)
                fallback = Pass(rationale=f"fell back to pass: {e.message}"[:300])
            try:
                await self.table.commit(seat, fallback, client_id + FALLBACK, None)
            except GameError as e:
                log.warning("room %s: bot %s cannot even pass: %s", self.code, seat, e.message)
            return True

    # -- after a change -------------------------------------------------------------------

    def _changed(self) -> None:
        """After every change: the bots look again, and the timer follows the phase."""
        self._wake.set()
        self.timer.follow()

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


def new_player(sc: Scenario, seed: int, seat: SeatId, spec: BotSpec, since: int) -> Player:
    """The bot for ``seat`` that took it at version ``since`` of a room with this seed;
    the same arguments make the same bot (a restart makes it again, and it goes on from
    its stored memory: ``divestiture.server.recall``).

    Raises:
        Refusal: the seat is not a seat, or the bot is not one the rules have (invalid_bot).
    """
    check_bot(sc, seat, spec, "invalid_bot")
    rng = random.Random(f"{seed}:{seat}:{since}")
    try:
        return make_bot(sc, seat, rng, spec.personality, spec.difficulty)
    except ValueError as e:
        raise Refusal("invalid_bot", f"{seat}: {e}") from None


def check_bot(sc: Scenario, seat: SeatId, spec: BotSpec, code: str) -> None:
    """Raise ``Refusal(code)`` unless ``seat`` is a seat and ``spec`` a bot the rules have."""
    if seat not in sc.seat_ids:
        raise Refusal(code, f"'{seat}' is not a seat (choose from {', '.join(sc.seat_ids)})")
    choices = personalities(sc, seat)
    if spec.personality is not None and spec.personality not in choices:
        raise Refusal(
            code,
            f"'{spec.personality}' is not a personality of {seat}"
            f" (choose from {', '.join(choices)})",
        )
    if spec.difficulty not in sc.bots.difficulties:
        raise Refusal(code, f"'{spec.difficulty}' is not a difficulty")
