"""The rules of one kind of action, in one place: its checks, its effect, its legal
examples and its wording. ``moves.MOVES`` holds one per action type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from divestiture.game.actions import Action
from divestiture.game.events import Event
from divestiture.game.scenario import Scenario
from divestiture.game.state import GameState
from divestiture.game.types import SeatId

A = TypeVar("A", bound=Any)


class Rules(Generic[A]):
    """One kind of action. Subclasses name their ``type`` (the action's tag) and override
    what their action needs; the defaults suit an action with nothing to check."""

    type: ClassVar[str]

    def gate(self, state: GameState, seat: SeatId) -> None:
        """Raise a ``GameError`` if ``seat`` may not take this kind of action now,
        whatever its parameters (legal moves skip a closed kind at once)."""

    def check(self, state: GameState, seat: SeatId, action: A) -> None:
        """Raise a ``GameError`` if this action's own parameters break the rules (its gate
        is open)."""

    def apply(self, state: GameState, seat: SeatId, action: A, events: list[Event]) -> GameState:
        """The state after the checked ``action``, appending what happened to ``events``."""
        raise NotImplementedError

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        """Typical concrete actions of this kind that ``seat`` may take now (its gate is
        open), each passing ``check``: the legal moves show them."""
        return ()

    def title(self, sc: Scenario, action: A) -> str:
        """The action as a button would name it, for a refusal: "Sign ts-3"."""
        return str(action.type).capitalize()

    def label(self, sc: Scenario, action: A) -> str:
        """What a seat does, after its name: "signs ts-3", "passes"."""
        return str(action.type)

    def describe(self, action: A) -> str:
        """A short name of the action by its ids, for the server's logs."""
        return str(action.type)
