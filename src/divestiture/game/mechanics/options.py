"""Levers used with one of their ``options``: ordering a divestiture, choosing what is
for sale, and briefing the President."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from divestiture.game.actions import UseLever
from divestiture.game.errors import IllegalAction, InvalidAction
from divestiture.game.events import Briefed, Event
from divestiture.game.mechanics.base import Mechanic
from divestiture.game.scenario import Lever, Scenario
from divestiture.game.state import ChatMessage, GameState
from divestiture.game.types import Scope, SeatId
from divestiture.game.wording import option_name


class _WithOption(Mechanic):
    parameters = frozenset({"option"})

    def check(self, state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
        if action.option not in lever.options:
            raise InvalidAction(
                f"option must be one of {', '.join(lever.options)}, got {action.option!r}"
            )

    def examples(
        self, state: GameState, seat: SeatId, lever_id: str, lever: Lever
    ) -> Sequence[UseLever]:
        return state.scenario.kept(
            ("lever", lever_id),
            lambda: tuple(UseLever(lever=lever_id, option=o) for o in lever.options),
        )

    def detail(self, sc: Scenario, action: UseLever) -> str:
        return option_name(sc, action.option) if action.option else ""

    def problems(self, lever: Lever) -> Iterator[tuple[str, str]]:
        if not lever.options:
            yield "options", f"mechanic '{self.name}' needs options"


class _WithScope(_WithOption):
    """Its options are scopes of the business."""

    def problems(self, lever: Lever) -> Iterator[tuple[str, str]]:
        yield from super().problems(lever)
        for i, o in enumerate(lever.options):
            if o not in Scope.__members__.values():
                yield f"options.{i}", f"'{o}' is not a scope (us, us_plus, global)"


class OrderDivestiture(_WithScope):
    """A deal must cover the ordered scope to be cleared."""

    name = "order_divestiture"

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        return state.evolve(divestiture_scope=Scope(str(action.option)))


class PutUpForSale(_WithScope):
    """What is for sale: a sheet for a wider scope cannot be proposed or signed."""

    name = "put_up_for_sale"

    def check(self, state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
        super().check(state, seat, lever, action)
        if action.option == state.for_sale:
            raise IllegalAction(
                f"{option_name(state.scenario, str(action.option))} is already what is for sale"
            )

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        return state.evolve(for_sale=Scope(str(action.option)))


class BriefPresident(_WithOption):
    """A private recommendation to the President; that the briefing happened is public."""

    name = "brief_president"
    private_option = True

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        president = state.scenario.roles.president
        option = str(action.option)
        briefing = Briefed(seat=seat, president=president, option=option)
        events.append(Event(briefing, frozenset({seat, president})))
        text = f"Recommendation: {option_name(state.scenario, option)}."
        note = ChatMessage(
            sender=seat, to=(president,), text=text, round=state.round, kind="briefing"
        )
        return state.evolve(messages=(*state.messages, note))
