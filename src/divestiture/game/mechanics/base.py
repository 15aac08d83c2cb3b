"""A lever mechanic: what a lever does beyond its effects (rules: ``levers.*.mechanic``),
in one place: its parameter checks, its effect, its legal examples and the words for
what it is used on. ``mechanics.MECHANICS`` holds one per mechanic name."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from divestiture.game.actions import UseLever
from divestiture.game.events import Event
from divestiture.game.scenario import Lever, Scenario
from divestiture.game.state import GameState
from divestiture.game.types import SeatId


class Mechanic:
    """A mechanic with no parameters and nothing to do beyond the lever's effects."""

    name: ClassVar[str] = "effects"
    # The parameters of a use it takes (of sheet, option, mitigations); others are refused.
    parameters: ClassVar[frozenset[str]] = frozenset()
    # The chosen option is told only to those the mechanic tells (a private choice).
    private_option: ClassVar[bool] = False

    def check(self, state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
        """Raise a ``GameError`` if the use's parameters break the rules (the lever's gate
        is open)."""

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        """The state after the checked use (the lever's effects follow)."""
        return state

    def examples(
        self, state: GameState, seat: SeatId, lever_id: str, lever: Lever
    ) -> Sequence[UseLever]:
        """The lever's uses with each of its parameters; legal moves keep those that pass
        ``check``."""
        return state.scenario.kept(("lever", lever_id), lambda: (UseLever(lever=lever_id),))

    def detail(self, sc: Scenario, action: UseLever) -> str:
        """What the lever is used on, in words ("" if nothing)."""
        return ""

    def problems(self, lever: Lever) -> Iterator[tuple[str, str]]:
        """What a rules file's lever with this mechanic lacks, as (its field, the problem);
        ``divest rules check`` reports them."""
        return iter(())
