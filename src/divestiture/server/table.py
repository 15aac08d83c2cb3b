"""The game and its log: a room's state, and the one way an action gets in.

``Table.submit`` is the one way in, for people, bots and the clock alike: under the
table's lock it applies the action with the engine, stores it with its events,
acknowledges it, and only then tells the room (``on_step``), which sends every
member its own view. Nothing is acknowledged before it is stored, so a client never
holds an ack for an action a restart would lose.

Bots and the clock come in by the same way, through ``Gate``: they take the lock,
decide on ``state`` and ``commit`` with nothing awaited in between, so the game
cannot move on while they think and a refusal is always their own mistake, never a
race.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from divestiture.game.actions import Action, Timeout
from divestiture.game.bots.memory import Memory
from divestiture.game.engine import apply
from divestiture.game.errors import StaleVersion
from divestiture.game.events import Event
from divestiture.game.moves import describe
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, Phase
from divestiture.game.views import view_for
from divestiture.server.logs import log
from divestiture.server.protocol import Ack, Encoded, EventLine, Refusal, Role, ViewMsg, _Out
from divestiture.server.store import AsyncStore, Change, LoggedAction, Store


class Member(Protocol):
    """A connection as a room sees it: who it is, and a way to send it a message."""

    role: Role
    name: str
    address: str  # where it connects from (the facilitator sees it)

    def send(self, message: _Out | Encoded) -> None:
        """Queue ``message`` (or it and its JSON, already encoded) for this connection;
        never waits."""


class Gate(Protocol):
    """The one way in as a room's bots and clock use it: with ``lock`` held, read
    ``state`` and ``commit`` an action decided on it."""

    @property
    def lock(self) -> asyncio.Lock: ...

    @property
    def state(self) -> GameState: ...

    async def commit(
        self,
        actor: str,
        action: Action,
        client_id: str,
        reply_to: Member | None = None,
        memory: Memory | None = None,
    ) -> Ack: ...


# After each stored step, with its events and whether it closed the seats; called with
# the lock still held, so what it sends goes out in the log's order.
StepHook = Callable[[tuple[Event, ...], bool], None]


@dataclass(eq=False)
class Table:
    """One game and its log: the state, its events so far, the client ids used."""

    code: str  # the room's
    store: AsyncStore
    state: GameState
    events: list[tuple[int, Event]]
    on_step: StepHook
    lock_seats_after_first_round: bool = False
    # (actor, client id) -> the version the action made, and the action
    seen: dict[tuple[str, str], tuple[int, Action]] = field(default_factory=dict)
    seats_locked: bool = False  # closed: ``join`` is refused (resume and watch are not)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The version the current round and phase began at (after a restart: the loaded
    # version, which is no earlier than the real start).
    phase_began: int = field(init=False)

    def __post_init__(self) -> None:
        self.phase_began = self.state.version

    async def submit(
        self, actor: str, action: Action, client_id: str, reply_to: Member | None = None
    ) -> Ack:
        """Apply, store, acknowledge, then have every member sent its view.

        Raises:
            GameError: the engine refused the action; nothing changed.
            Refusal: ``client_id`` was used before for another action (``id_reused``).
            StoreError: it could not be stored; nothing changed.
        """
        async with self.lock:
            return await self.commit(actor, action, client_id, reply_to)

    async def end_phase(self, seen: int, reply_to: Member | None = None) -> Ack:
        """The facilitator ends the phase it saw at version ``seen``, if it is still on.

        Raises:
            StaleVersion: that phase had already ended (or ``seen`` is from the future).
            GameError, StoreError: as ``submit``.
        """
        async with self.lock:
            state = self.state
            if not state.over and not self.phase_began <= seen <= state.version:
                raise StaleVersion(
                    f"end phase refused: the phase seen at version {seen} had already ended"
                    f" (the game is at version {state.version}, {state.round_name()}"
                    f" {state.phase.value} phase); nothing was done"
                )
            timeout = Timeout(version=state.version)
            return await self.commit(FACILITATOR, timeout, f"end-phase:{state.version}", reply_to)

    async def commit(
        self,
        actor: str,
        action: Action,
        client_id: str,
        reply_to: Member | None = None,
        memory: Memory | None = None,
        *,
        change: Change | None = None,
    ) -> Ack:
        """``submit`` with the lock held: nothing awaited but the store. A bot's move
        comes with its ``memory``, stored with it; a facilitator's note with the
        room-level ``change`` it records, in the same transaction."""
        assert self.lock.locked()
        done = self.seen.get((actor, client_id))
        if done is not None:
            version, stored = done
            if stored.model_dump() != action.model_dump():
                raise Refusal(
                    "id_reused",
                    f"id '{client_id}' was already used by {actor} for another action"
                    f" ({describe(stored)}); choose a new id for a new action",
                )
            ack = Ack(id=client_id, version=version, duplicate=True)
            if reply_to is not None:
                reply_to.send(ack)
                reply_to.send(self.view(reply_to.role))  # the view that follows every ack
            return ack
        old = self.state
        step = apply(old, actor, action)
        new = step.state
        entry = LoggedAction(new.version, actor, client_id, action, memory)
        closes = self._closes_seats(old, new)
        await self.store.run(Store.append, self.code, entry, new.outcome, closes, change)
        self.state = new
        if (new.round, new.phase) != (old.round, old.phase):
            self.phase_began = new.version
        self.seen[(actor, client_id)] = (new.version, action)
        self.events.extend((new.version, e) for e in step.events)
        ack = Ack(id=client_id, version=new.version)
        if reply_to is not None:
            reply_to.send(ack)
        log.info("room %s v%d: %s %s", self.code, new.version, actor, describe(action))
        if new.over:
            log.info("room %s: game over, %s", self.code, new.outcome)
        if closes:
            self.seats_locked = True
            log.info("room %s: the first negotiate phase is over; the seats are closed", self.code)
        self.on_step(step.events, closes)
        return ack

    def _closes_seats(self, old: GameState, new: GameState) -> bool:
        """Whether this step ends the first negotiate phase of a room whose seats close then
        (``lock_seats_after_first_round``); stored with the step, in its transaction."""
        first = (1, Phase.NEGOTIATE)
        return (
            self.lock_seats_after_first_round
            and not self.seats_locked
            and (old.round, old.phase) == first
            and (new.round, new.phase) != first
        )

    async def lock_seats(self, locked: bool) -> None:
        """Close the seats (``join`` is refused from now on) or open them; stored.

        Raises:
            StoreError: it could not be stored; nothing changed.
        """
        async with self.lock:
            await self.store.run(Store.set_seats_locked, self.code, locked)
            self.seats_locked = locked
        log.info("room %s: the seats are %s", self.code, "closed" if locked else "open")

    def view(self, viewer: Role, events: tuple[Event, ...] = ()) -> ViewMsg:
        """``viewer``'s view of the game, with the lines of ``events`` it may see."""
        return ViewMsg(
            version=self.state.version,
            view=view_for(self.state, viewer),
            events=self._lines(events, viewer),
        )

    def history(self, viewer: Role) -> ViewMsg:
        """The view a member is sent on entering: with every line so far it may see."""
        return ViewMsg(
            version=self.state.version,
            view=view_for(self.state, viewer),
            events=self._lines((e for _, e in self.events), viewer),
            history=True,
        )

    def _lines(self, events: Iterable[Event], viewer: Role) -> tuple[EventLine, ...]:
        """The events ``viewer`` may see, as data and words."""
        sc = self.state.scenario
        return tuple(EventLine.of(sc, e) for e in events if _shows(e, viewer))


def _shows(event: Event, viewer: str) -> bool:
    """What a viewer's event lines include: a bot's reasons only for the facilitator."""
    if event.kind == "rationale" and viewer != FACILITATOR:
        return False
    return event.visible(viewer)  # type: ignore[arg-type]
