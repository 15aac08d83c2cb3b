"""CFIUS's published requirements: the data and governance terms a deal must carry."""

from __future__ import annotations

from collections.abc import Sequence

from divestiture.game.actions import UseLever
from divestiture.game.errors import IllegalAction, InvalidAction
from divestiture.game.events import Event
from divestiture.game.mechanics.base import Mechanic
from divestiture.game.scenario import Lever, Scenario
from divestiture.game.state import GameState
from divestiture.game.types import Mitigation, SeatId
from divestiture.game.wording import safeguard_names


class SetMitigations(Mechanic):
    """Name the data and governance terms any deal must carry to be cleared."""

    name = "set_mitigations"
    parameters = frozenset({"mitigations"})

    def check(self, state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
        chosen = frozenset(action.mitigations)
        if not chosen:
            raise InvalidAction("name at least one mitigation")
        if chosen == state.required_mitigations:
            raise IllegalAction("these are already the requirements")

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        return state.evolve(required_mitigations=frozenset(action.mitigations))

    def examples(
        self, state: GameState, seat: SeatId, lever_id: str, lever: Lever
    ) -> Sequence[UseLever]:
        return state.scenario.kept(
            ("lever", lever_id),
            lambda: (
                UseLever(lever=lever_id, mitigations=tuple(Mitigation)),
                *(UseLever(lever=lever_id, mitigations=(m,)) for m in Mitigation),
            ),
        )

    def detail(self, sc: Scenario, action: UseLever) -> str:
        return ", ".join(safeguard_names(sc, action.mitigations))
