"""A solo game on this machine: the pure engine and scripted bots in a background thread.

The thread plays the way ``game.simulation.play_game`` does: the seats that have
not passed take turns, one action each, and a bot's turn waits ``bot_delay``
seconds so a human can follow the table. On the human's turn the thread waits
for the human; the human may also talk (or move) between bots' turns. Only the
human seat's view ever leaves the thread, so the client still never holds the
full state (ARCHITECTURE.md, "the client is thin").
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from game.actions import Action, Pass, Timeout
from game.bots import make_bot
from game.client.net import (
    ErrorNotice,
    EventLines,
    Inbound,
    PhaseTimer,
    Status,
    TeamChat,
    ViewUpdate,
)
from game.engine import apply, start
from game.errors import GameError
from game.events import Event
from game.scenario import Scenario
from game.simulation import Player
from game.state import GameState
from game.types import FACILITATOR, Phase, SeatId
from game.views import view_for

_TIMED_PHASES = (Phase.NEGOTIATE, Phase.GOVERNMENT)


class LocalConnection:
    """Plays every seat but ``seat`` with bots; delivers ``seat``'s views.

    Args:
        scenario: the rules.
        seat: the human's seat.
        seed: the game's seed (briefs, deck and the bots' choices).
        difficulty: the bots' difficulty.
        personalities: a personality per bot seat; missing or None means
            "surprise me" (drawn by the bot's own seeded generator).
        bot_delay: seconds between bots' moves (0 for tests and autoplay).
        phase_seconds: a phase timer for negotiate and government; None = off.
    """

    def __init__(
        self,
        scenario: Scenario,
        seat: SeatId,
        seed: int,
        *,
        difficulty: str = "normal",
        personalities: Mapping[SeatId, str | None] | None = None,
        bot_delay: float = 0.35,
        phase_seconds: float | None = None,
    ) -> None:
        if seat not in scenario.seat_ids:
            raise ValueError(f"'{seat}' is not a seat (choose from {', '.join(scenario.seat_ids)})")
        self.scenario = scenario
        self.seat = seat
        self.seed = seed
        self.difficulty = difficulty
        self.personalities = dict(personalities or {})
        self.bot_delay = bot_delay
        self.phase_seconds = phase_seconds
        self.inbox: queue.Queue[Inbound] = queue.Queue()
        self._actions: queue.Queue[Action] = queue.Queue()
        self._stop = threading.Event()
        self._wake: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._ends_at: float | None = None
        self._timed: tuple[int, Phase] | None = None
        self.final_state: GameState | None = None  # for the debrief in tests, never the UI

    # -- the Connection interface ---------------------------------------------------------

    def send(self, action: Action) -> None:
        self._actions.put(action)

    def send_team(self, text: str) -> None:
        # A solo seat has no team mates: the channel is the player's own notepad.
        self._put(TeamChat("you", text))

    def set_waker(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="local-game", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    # -- the game thread ------------------------------------------------------------------

    def _put(self, item: Inbound) -> None:
        self.inbox.put(item)
        if self._wake is not None:
            self._wake()

    def _bots(self, state: GameState) -> dict[SeatId, Player]:
        # The same generator streams as play_game, so a seed plays out the same way.
        rng = random.Random(f"players:{self.seed}")
        bots: dict[SeatId, Player] = {}
        for s in state.seats:
            bot_rng = random.Random(rng.getrandbits(64))
            if s != self.seat:
                bots[s] = make_bot(
                    self.scenario, s, bot_rng, self.personalities.get(s), self.difficulty
                )
        return bots

    def _run(self) -> None:
        try:
            self._play()
        except Exception as e:  # a crash must reach the screen, not die in a thread
            self._put(ErrorNotice("local_game_crashed", f"{type(e).__name__}: {e}"))
            self._put(Status("offline", "the local game stopped"))

    def _play(self) -> None:
        opening = start(self.scenario, self.seed)
        state = opening.state
        bots = self._bots(state)
        order = list(state.seats)
        turn = 0
        self._put(Status("connected", "solo game"))
        self._publish(state, opening.events, turn)
        while not state.over and not self._stop.is_set():
            state = self._tick_timer(state, turn)
            waiting = [s for s in order if not state.seats[s].passed]
            if not waiting:
                continue  # the timer ended the phase; the next loop sees the new one
            seat = waiting[turn % len(waiting)]
            if seat == self.seat:
                try:
                    action = self._actions.get(timeout=0.1)
                except queue.Empty:
                    continue
                state, ok = self._human(state, action, turn + 1)
                turn += ok
                continue
            state = self._between_bots(state, turn)
            if state.over or state.seats[seat].passed:
                continue
            state = self._bot_move(state, seat, bots[seat], turn + 1)
            turn += 1
        self.final_state = state

    def _between_bots(self, state: GameState, turn: int) -> GameState:
        """Wait ``bot_delay``, applying any human action that arrives meanwhile."""
        until = time.monotonic() + self.bot_delay
        while not self._stop.is_set():
            left = until - time.monotonic()
            try:
                action = self._actions.get(timeout=max(left, 0)) if left > 0 else None
                if action is None:
                    action = self._actions.get_nowait()
            except queue.Empty:
                return state
            state, _ = self._human(state, action, turn)
        return state

    def _human(self, state: GameState, action: Action, next_turn: int) -> tuple[GameState, bool]:
        try:
            step = apply(state, self.seat, action)
        except GameError as e:
            self._put(ErrorNotice(e.code, e.message))
            self._publish(state, (), next_turn - 1)
            return state, False
        self._publish(step.state, step.events, next_turn)
        return step.state, True

    def _bot_move(self, state: GameState, seat: SeatId, bot: Player, next_turn: int) -> GameState:
        action = bot.act(view_for(state, seat))
        try:
            step = apply(state, seat, action)
        except GameError as e:
            # A bot's mistake must not stop the game (as in play_game): it passes.
            step = apply(state, seat, Pass(rationale=f"fell back to pass: {e.message}"[:300]))
        self._publish(step.state, step.events, next_turn)
        return step.state

    def _tick_timer(self, state: GameState, turn: int) -> GameState:
        """Start the phase timer on a timed phase; end the phase when it runs out."""
        if self.phase_seconds is None:
            return state
        here = (state.round, state.phase)
        if here != self._timed:
            self._timed = here
            timed = state.phase in _TIMED_PHASES
            self._ends_at = time.monotonic() + self.phase_seconds if timed else None
            self._put(PhaseTimer(self._ends_at))
        if self._ends_at is not None and time.monotonic() >= self._ends_at:
            self._ends_at = None
            step = apply(state, FACILITATOR, Timeout())
            self._publish(step.state, step.events, turn)
            return step.state
        return state

    def _publish(self, state: GameState, events: Iterable[Event], turn: int) -> None:
        lines = tuple(e.text for e in events if e.visible(self.seat) and e.kind != "rationale")
        if lines:
            self._put(EventLines(lines))
        waiting = [s for s in state.seats if not state.seats[s].passed]
        mine = bool(waiting) and not state.over and waiting[turn % len(waiting)] == self.seat
        self._put(ViewUpdate(view_for(state, self.seat), your_turn=mine))
