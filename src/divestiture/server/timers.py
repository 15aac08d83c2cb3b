"""The phase timer: when a timed phase's time is up, the phase ends.

A room's options may give a phase a number of seconds (``phase_seconds``). When the
game enters a timed phase the timer counts down and every member is told how long is
left. When the time is up it ends the phase through the table's one way in, as the
facilitator's "end phase" does: the clock's action is stored before it is
acknowledged like anyone's, and decided under the table's lock, so a phase that has
ended meanwhile is left alone.

The countdown is one task with its deadline (``_start``, ``_stop``): the timer can be
stopped and started again, with the time left or a new time, without touching the
rest of the room.
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
    _ends: float | None = None  # when that phase's time is up, by the event loop's clock
    _task: asyncio.Task[None] | None = None

    @property
    def timed(self) -> bool:
        """Whether any phase is timed: a room with none sends no timer messages."""
        return bool(self.seconds)

    def follow(self) -> None:
        """After every change in the room: when the game is in a new phase, the last
        phase's countdown stops, the new one's starts (if it is timed), and every
        member is told."""
        state = self.table.state
        here = (state.round, state.phase)
        if here == self._timed or not self.timed:
            return
        self._timed = here
        self._stop()
        seconds = self.seconds.get(state.phase.value)
        if seconds is not None and not state.over:
            self._start(here, seconds)
        self.announce(self.message())

    def message(self) -> Timer:
        """The timer as members are told: the phase, and the seconds left (None: untimed)."""
        state = self.table.state
        left = None
        if self._ends is not None:
            left = max(0.0, self._ends - asyncio.get_running_loop().time())
        return Timer(
            version=state.version, round=state.round, phase=state.phase.value, seconds_left=left
        )

    def close(self) -> None:
        self._stop()

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
