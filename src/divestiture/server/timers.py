"""The phase timer: when a timed phase's time is up, the phase ends.

A room's options may give a phase a number of seconds (``phase_seconds``). When the
game enters a timed phase the timer counts down and every member is told how long is
left. When the time is up it ends the phase through the table's one way in, as the
facilitator's "end phase" does: the clock's action is stored before it is
acknowledged like anyone's, and decided under the table's lock, so a phase that has
ended meanwhile is left alone.

The clock runs only once the week has started and while play is not paused: a pause
freezes the time left, and play resumed goes on from there. The facilitator may change
a phase's time while it runs (``set_seconds``). The countdown is one task with its
deadline (``_start``, ``_stop``): it is stopped and started again, with the time left or
a new time, without touching the rest of the room.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from divestiture.game.actions import Timeout
from divestiture.game.errors import GameError
from divestiture.game.types import FACILITATOR, Phase
from divestiture.server.backoff import Backoff
from divestiture.server.logs import log
from divestiture.server.protocol import Timer
from divestiture.server.table import Gate

Here = tuple[int, Phase]  # a round and phase


@dataclass(eq=False)
class PhaseTimer:
    """A room's phase timer."""

    table: Gate
    code: str  # the room's, for the log
    seconds: dict[str, float]  # a timed phase (Phase.value) -> how long it lasts
    announce: Callable[[Timer], None]  # tells every member
    _timed: Here | None = None  # the round and phase it last followed
    _left: float | None = None  # that phase's time left while the clock waits (None: untimed)
    _ends: float | None = None  # when it is up, by the event loop's clock, while it runs
    _task: asyncio.Task[None] | None = None

    @property
    def timed(self) -> bool:
        """Whether any phase is timed: a room with none sends no timer messages."""
        return bool(self.seconds)

    @property
    def running(self) -> bool:
        """Whether the clock runs: the week has started, play is not paused, the game
        is not over."""
        state = self.table.state
        return state.started and not state.paused and not state.over

    def follow(self) -> None:
        """After every change in the room: when the game is in a new phase, the last
        phase's countdown stops and the new one's starts (if it is timed); the clock
        waits while the week has not started or play is paused, and goes on from where
        it stood. Every member is told of each change."""
        if not self.timed:
            return
        state = self.table.state
        here = (state.round, state.phase)
        changed = False
        if here != self._timed:
            self._stop()
            self._timed = here
            self._left = None if state.over else self.seconds.get(state.phase.value)
            changed = True
        if self.running and self._task is None and self._left is not None:
            self._start(here, self._left)
            changed = True
        elif not self.running and self._task is not None:
            self._left = self._time_left()
            self._stop()
            changed = True
        if changed:
            self.announce(self.message())

    def set_seconds(self, phase: Phase, seconds: float | None) -> None:
        """From now on ``phase`` lasts ``seconds`` (None: untimed); if the game is in
        that phase, its time left is ``seconds`` from now. Every member is told."""
        if seconds is None:
            self.seconds.pop(phase.value, None)
        else:
            self.seconds[phase.value] = seconds
        state = self.table.state
        if state.phase == phase and not state.over:
            self._stop()
            self._left = seconds
            self._timed = (state.round, state.phase)
            if self.running and seconds is not None:
                self._start(self._timed, seconds)
        self.announce(self.message())

    def message(self) -> Timer:
        """The timer as members are told: the phase, the seconds left (None: untimed),
        and whether the clock is running."""
        state = self.table.state
        running = self._task is not None
        left = self._time_left() if running else self._left
        return Timer(
            version=state.version,
            round=state.round,
            phase=state.phase.value,
            seconds_left=left,
            running=running,
        )

    def close(self) -> None:
        self._stop()

    def _time_left(self) -> float | None:
        if self._ends is None:
            return None
        return max(0.0, self._ends - asyncio.get_running_loop().time())

    def _start(self, here: Here, seconds: float) -> None:
        self._ends = asyncio.get_running_loop().time() + seconds
        self._task = asyncio.create_task(self._expire(here, seconds))

    def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._ends = None

    async def _expire(self, here: Here, seconds: float) -> None:
        """When the phase's time is up, end it, if it is still the phase that was timed;
        a store that fails is tried again until the phase ends one way or another."""
        await asyncio.sleep(seconds)
        backoff = Backoff()
        while True:
            try:
                async with self.table.lock:
                    state = self.table.state
                    if (state.round, state.phase) != here or state.over:
                        return
                    log.info("room %s: the %s timer ran out", self.code, here[1].value)
                    timeout = Timeout(version=state.version)
                    await self.table.commit(
                        FACILITATOR, timeout, f"timer:{here[0]}:{here[1].value}"
                    )
                return
            except GameError as e:
                log.info("room %s: timer refused: %s", self.code, e.message)
                return
            except Exception:
                wait = backoff.wait()
                log.exception(
                    "room %s: the timer could not end the %s phase; trying again in %.0f s",
                    self.code,
                    here[1].value,
                    wait,
                )
                await asyncio.sleep(wait)
