"""A room's bots: which seats they play, and the loop that moves them.

A bot is immutable: ``decide(view, memory) -> Decision(action, memory)``. What it
remembers is the memory its last move returned, stored with that move and kept here
only once it is stored: a decision that is refused, or not stored, is forgotten, and
a restarted room's bots go on from their stored memories (``recall``).

The bots take turns in one loop, and each moves through the table's one way in
(``Gate``): under the table's lock it decides on the very state its action is applied
to, with nothing awaited in between, so a refusal is the bot's own mistake, never a
race; it passes instead, so as not to stall the table. Whose turn it is follows from
the count of bot moves made, which the log keeps, so after a restart the bots go on
in the order they would have.

Everything about a seat's bot (its spec, the version it took the seat at, its player,
its memory) is kept here by seat, and each turn goes to one of the seats that have a
player at that moment.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping, Set
from dataclasses import dataclass, field

from divestiture.game.actions import Pass
from divestiture.game.bots import make_bot, personalities
from divestiture.game.bots.memory import Memory
from divestiture.game.errors import GameError
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Player
from divestiture.game.types import SeatId
from divestiture.game.views import view_for
from divestiture.server.backoff import Backoff
from divestiture.server.logs import log
from divestiture.server.protocol import BotSpec, Refusal
from divestiture.server.recall import FALLBACK, bot_json, bot_move_id
from divestiture.server.store import AsyncStore, Store
from divestiture.server.table import Gate


@dataclass(eq=False)
class BotRunner:
    """The bots of a room."""

    table: Gate
    store: AsyncStore
    code: str  # the room's
    scenario: Scenario
    seed: int  # the room's: with a seat and a version, it seeds the bot (new_player)
    delay: float  # seconds before each bot move (the room's bot_delay)
    specs: dict[SeatId, BotSpec] = field(default_factory=dict)
    # seat -> the version its bot took the seat at, which seeds the bot (None: not
    # stored, a room from an older store; the bot is made afresh when it is loaded)
    since: dict[SeatId, int | None] = field(default_factory=dict)
    players: dict[SeatId, Player] = field(default_factory=dict)
    # seat -> what its bot remembers after its last move (stored with that move)
    memories: dict[SeatId, Memory] = field(default_factory=dict)
    turns: int = 0  # bot moves made: whose turn is next (the log's count after a restart)
    claimed: set[SeatId] = field(default_factory=set)  # seats bots are being given
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def add(
        self, specs: Mapping[SeatId, BotSpec], *, joined: Set[SeatId] | None = None
    ) -> bool:
        """Bots take these seats from now on (stored, so they come back after a restart);
        given the seats people have ``joined``, only those of them neither joined nor a
        bot's already. Whether any seat was taken.

        Every bot is made before anything is stored: a bad request changes nothing.
        While the bots are being stored their seats are claimed, so no one can join
        them meanwhile (Lobby.join refuses a claimed seat).

        Raises:
            Refusal: a seat is not a seat, or its bot is not one the rules have.
            StoreError: the bots could not be stored; nothing changed.
        """
        async with self.table.lock:
            # Filtered and claimed with nothing awaited in between: a student joining
            # meanwhile is either in ``joined`` already or finds the seat claimed.
            if joined is not None:
                specs = {s: b for s, b in specs.items() if s not in joined | set(self.specs)}
            if not specs:
                return False
            since = self.table.state.version
            made = {seat: self._new_player(seat, spec, since) for seat, spec in specs.items()}
            stored = {seat: bot_json(spec, since) for seat, spec in specs.items()}
            self.claimed.update(specs)
            try:
                await self.store.run(Store.set_bots, self.code, stored)
            finally:
                self.claimed.difference_update(specs)
            self.specs.update(specs)
            self.since.update(dict.fromkeys(specs, since))
            self.players.update(made)
            self.memories.update({seat: player.first_memory for seat, player in made.items()})
            for seat, spec in specs.items():
                log.info("room %s: a bot plays %s (%s)", self.code, seat, spec.personality or "any")
        return True

    def drop(self, seat: SeatId) -> None:
        """No bot plays ``seat`` from now on (the caller has stored that, under the
        table's lock)."""
        for kept in (self.specs, self.since, self.players, self.memories):
            kept.pop(seat, None)
        log.info("room %s: the bot gives %s back", self.code, seat)

    def make_players(self) -> None:
        """Make a player for every bot seat that has none, starting from its first
        memory unless it has one (raises ``Refusal`` as ``add``); rooms call it before
        they are stored or started."""
        for seat, spec in self.specs.items():
            if seat not in self.players:
                since = self.since.get(seat)
                self.players[seat] = self._new_player(
                    seat, spec, self.table.state.version if since is None else since
                )
            self.memories.setdefault(seat, self.players[seat].first_memory)

    def wake(self) -> None:
        """Something changed in the room: a bot may have something to do."""
        self._wake.set()

    async def run(self) -> None:
        """Move the bots, one at a time, until the game is over (the room's task)."""
        backoff = Backoff()
        while not self.table.state.over:
            waiting = [s for s in self.table.state.seats if s in self.players and self._can_move(s)]
            if not waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            seat = waiting[self.turns % len(waiting)]
            await asyncio.sleep(self.delay)
            try:
                decided = await self._move(seat)
            except Exception:  # the store, or a bot's bug: this room's bots must go on
                self.turns += 1  # the next bot's turn: one that fails holds up no other
                wait = backoff.wait()
                log.exception(
                    "room %s: bot %s could not move; trying again in %.0f s", self.code, seat, wait
                )
                await asyncio.sleep(wait)
            else:
                if decided:
                    self.turns += 1
                backoff.reset()

    def _can_move(self, seat: SeatId) -> bool:
        """Whether the bot in ``seat`` has something to do: not before the week starts,
        nor while play is paused (every move would be refused), nor once it passed."""
        state = self.table.state
        return state.started and not state.paused and not state.seats[seat].passed

    async def _move(self, seat: SeatId) -> bool:
        """Decide and apply under the lock, on the state the action is applied to;
        whether the bot decided (False: the game had moved on, nothing for it to do).

        The bot's new memory is kept only once its move is stored (with it): a move
        that is refused, or not stored, is forgotten.
        """
        async with self.table.lock:
            state = self.table.state
            if state.over or not self._can_move(seat):
                return False
            client_id = bot_move_id(seat, state.version)
            action, memory = self.players[seat].decide(view_for(state, seat), self.memories[seat])
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

    def _new_player(self, seat: SeatId, spec: BotSpec, since: int) -> Player:
        return new_player(self.scenario, self.seed, seat, spec, since)


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
