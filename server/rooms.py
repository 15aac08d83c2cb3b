"""A room: one game, its log, its members, its bots and its phase timer.

``Room.submit`` is the one way an action gets in, for people, bots and the clock
alike: under the room's lock it applies the action, stores it with its events,
acknowledges it, and sends every member its own view. Nothing is acknowledged
before it is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from game.actions import Action, Pass, Timeout
from game.bots import make_bot
from game.checks import describe
from game.engine import apply
from game.errors import GameError
from game.events import Event
from game.scenario import Scenario
from game.simulation import Player
from game.state import GameState
from game.types import FACILITATOR, SPECTATOR, Phase, SeatId
from game.views import view_for
from server.protocol import (
    Ack,
    BotSpec,
    Presence,
    Role,
    RoomOptions,
    TeamLine,
    Timer,
    ViewMsg,
    _Out,
)
from server.store import SNAPSHOT_EVERY, AsyncStore, LoggedAction, Store

log = logging.getLogger("divest.server")


class Member(Protocol):
    """A connection as a room sees it: who it is, and a way to send it a message."""

    role: Role
    name: str

    def send(self, message: _Out | str) -> None:
        """Queue ``message`` (or its JSON, already encoded) for this connection; never waits."""


@dataclass(eq=False)
class Room:
    """One game in play (or over, kept for the debrief)."""

    code: str
    scenario_id: str
    scenario: Scenario
    seed: int
    options: RoomOptions
    store: AsyncStore
    state: GameState
    events: list[tuple[int, Event]]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (actor, id) -> version
    bots: dict[SeatId, BotSpec] = field(default_factory=dict)
    team_lines: list[tuple[SeatId, str, str]] = field(default_factory=list)
    members: set[Member] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _players: dict[SeatId, Player] = field(default_factory=dict)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _timed: tuple[int, Phase] | None = None
    _timer_ends: float | None = None
    _timer_task: asyncio.Task[None] | None = None

    # -- the one way in -------------------------------------------------------------------

    async def submit(
        self, actor: str, action: Action, client_id: str, reply_to: Member | None = None
    ) -> Ack:
        """Apply, store, acknowledge, then send every member its view.

        Raises:
            GameError: the engine refused the action; nothing changed.
            StoreError: it could not be stored; nothing changed.
        """
        async with self.lock:
            done = self.seen.get((actor, client_id))
            if done is not None:
                ack = Ack(id=client_id, version=done, duplicate=True)
                if reply_to is not None:
                    reply_to.send(ack)
                return ack
            step = apply(self.state, actor, action)
            new = step.state
            entry = LoggedAction(new.version, actor, client_id, action)
            snapshot = new if new.version % SNAPSHOT_EVERY == 0 else None
            await self.store.run(Store.append, self.code, entry, step.events, snapshot, new.outcome)
            self.state = new
            self.seen[(actor, client_id)] = new.version
            self.events.extend((new.version, e) for e in step.events)
            ack = Ack(id=client_id, version=new.version)
            if reply_to is not None:
                reply_to.send(ack)
            log.info("room %s v%d: %s %s", self.code, new.version, actor, describe(action))
            if new.over:
                log.info("room %s: game over, %s", self.code, new.outcome)
            self._publish(step.events)
            self._changed()
            return ack

    # -- members --------------------------------------------------------------------------

    def admit(self, member: Member) -> None:
        """Add a member and send it the whole story so far: view, history, team, timer."""
        self.members.add(member)
        viewer = member.role
        lines = tuple(e.text for _, e in self.events if _shows(e, viewer))
        member.send(
            ViewMsg(
                version=self.state.version,
                view=view_for(self.state, viewer),
                events=lines,
                history=True,
            )
        )
        for seat, sender, text in self.team_lines:
            if member.role in (seat, FACILITATOR):
                line = TeamLine(version=self.state.version, seat=seat, sender=sender, text=text)
                member.send(line.model_copy(update={"history": True}))
        if self.options.phase_seconds:
            member.send(self._timer_message())
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
        await self.store.run(Store.team_line, self.code, seat, sender, text)
        self.team_lines.append((seat, sender, text))
        line = TeamLine(version=self.state.version, seat=seat, sender=sender, text=text)
        for m in list(self.members):
            if m.role in (seat, FACILITATOR):
                m.send(line)

    # -- bots -----------------------------------------------------------------------------

    async def add_bots(self, specs: dict[SeatId, BotSpec]) -> None:
        """Bots take these seats from now on (stored, so they come back after a restart)."""
        for seat, spec in specs.items():
            await self.store.run(Store.set_bot, self.code, seat, spec.model_dump_json())
            self.bots[seat] = spec
            log.info("room %s: a bot plays %s (%s)", self.code, seat, spec.personality or "any")
        self._make_players()
        self._presence()
        self._changed()

    def start(self) -> None:
        """Start the bots and the timer (after creation, or after loading from the store)."""
        self._make_players()
        self._spawn(self._run_bots())
        self._changed()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._timer_task is not None:
            self._timer_task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _make_players(self) -> None:
        for seat, spec in self.bots.items():
            if seat not in self._players:
                # Seeded by the room and the log's length: a restart makes a fresh bot
                # that plays on from where the game is.
                rng = random.Random(f"{self.seed}:{seat}:{self.state.version}")
                self._players[seat] = make_bot(
                    self.scenario, seat, rng, spec.personality, spec.difficulty
                )

    async def _run_bots(self) -> None:
        turn = 0
        while not self.state.over:
            waiting = [s for s in self.state.seats if s in self._players and self._can_move(s)]
            if not waiting:
                self._wake.clear()
                await self._wake.wait()
                continue
            seat = waiting[turn % len(waiting)]
            turn += 1
            await asyncio.sleep(self.options.bot_delay)
            if self.state.over or not self._can_move(seat):
                continue
            await self._bot_move(seat)

    def _can_move(self, seat: SeatId) -> bool:
        return not self.state.seats[seat].passed

    async def _bot_move(self, seat: SeatId) -> None:
        player = self._players[seat]
        action = player.act(view_for(self.state, seat))
        client_id = f"bot:{seat}:{self.state.version}"
        try:
            await self.submit(seat, action, client_id)
        except GameError as e:
            # A bot's mistake must not stall the table: it passes instead.
            fallback = Pass(rationale=f"fell back to pass: {e.message}"[:300])
            with contextlib.suppress(GameError):  # if the state moved on, the loop looks again
                await self.submit(seat, fallback, client_id + ":pass")
        except Exception:
            log.exception("room %s: bot %s could not move; retrying soon", self.code, seat)
            await asyncio.sleep(1.0)

    # -- the phase timer ------------------------------------------------------------------

    def _changed(self) -> None:
        self._wake.set()
        here = (self.state.round, self.state.phase)
        if here == self._timed or not self.options.phase_seconds:
            return
        self._timed = here
        if self._timer_task is not None:
            self._timer_task.cancel()
            self._timer_task = None
        seconds = self.options.phase_seconds.get(self.state.phase.value)  # type: ignore[call-overload]
        if seconds is None or self.state.over:
            self._timer_ends = None
        else:
            loop = asyncio.get_running_loop()
            self._timer_ends = loop.time() + seconds
            self._timer_task = asyncio.create_task(self._expire(here, seconds))
        self._send_all(self._timer_message())

    async def _expire(self, here: tuple[int, Phase], seconds: float) -> None:
        await asyncio.sleep(seconds)
        if (self.state.round, self.state.phase) != here or self.state.over:
            return
        log.info("room %s: the %s timer ran out", self.code, here[1].value)
        try:
            await self.submit(FACILITATOR, Timeout(), f"timer:{here[0]}:{here[1].value}")
        except GameError as e:
            log.info("room %s: timer refused: %s", self.code, e.message)

    def _timer_message(self) -> Timer:
        left = None
        if self._timer_ends is not None:
            left = max(0.0, self._timer_ends - asyncio.get_running_loop().time())
        return Timer(
            version=self.state.version,
            round=self.state.round,
            phase=self.state.phase.value,
            seconds_left=left,
        )

    # -- sending --------------------------------------------------------------------------

    def _publish(self, events: Iterable[Event]) -> None:
        """Send each member its own view and the new events it may see; one view per role."""
        events = tuple(events)
        made: dict[str, str] = {}  # a team or thirty spectators share one encoded view
        for m in list(self.members):
            text = made.get(m.role)
            if text is None:
                viewer = m.role
                text = made[m.role] = ViewMsg(
                    version=self.state.version,
                    view=view_for(self.state, viewer),
                    events=tuple(e.text for e in events if _shows(e, viewer)),
                ).model_dump_json()
            m.send(text)

    def _presence(self) -> None:
        spectators = sum(1 for m in self.members if m.role == SPECTATOR)
        self._send_all(
            Presence(
                version=self.state.version,
                seats=self.seat_names(),
                bots=tuple(sorted(self.bots)),
                spectators=spectators,
            )
        )

    def _send_all(self, message: _Out) -> None:
        for m in list(self.members):
            m.send(message)

    def _spawn(self, coro: object) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _shows(event: Event, viewer: str) -> bool:
    """What a viewer's event lines include: a bot's reasons only for the facilitator."""
    if event.kind == "rationale" and viewer != FACILITATOR:
        return False
    return event.visible(viewer)  # type: ignore[arg-type]
