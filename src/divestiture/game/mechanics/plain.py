"""Levers that only move tracks and raise flags (their ``effects``), and extending the
deadline."""

from __future__ import annotations

from collections.abc import Iterator

from divestiture.game.actions import UseLever
from divestiture.game.events import DeadlineMoved, Event
from divestiture.game.mechanics.base import Mechanic
from divestiture.game.scenario import Lever
from divestiture.game.state import GameState
from divestiture.game.types import SeatId


class Effects(Mechanic):
    """Nothing beyond the lever's effects."""

    name = "effects"


class ExtendDeadline(Mechanic):
    """The deadline moves ``extend_rounds`` rounds later."""

    name = "extend_deadline"

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        deadline = state.deadline + lever.extend_rounds
        events.append(Event(DeadlineMoved(deadline=deadline)))
        return state.evolve(deadline=deadline)

    def problems(self, lever: Lever) -> Iterator[tuple[str, str]]:
        if lever.extend_rounds < 1:
            yield "extend_rounds", f"{self.name} needs extend_rounds of at least 1"
