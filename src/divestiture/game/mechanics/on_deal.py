"""Levers on a signed deal: the President endorses or opposes it, CFIUS clears or blocks it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from divestiture.game.actions import UseLever
from divestiture.game.changes import get_sheet, put_sheet
from divestiture.game.checks import visible_sheet
from divestiture.game.errors import IllegalAction, InvalidAction
from divestiture.game.events import Event
from divestiture.game.mechanics.base import Mechanic
from divestiture.game.scenario import Lever, Scenario
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import BEFORE_CFIUS, Phase, SeatId, SheetId, SheetStatus
from divestiture.game.wording import safeguard_names


class _OnDeal(Mechanic):
    """Used on one signed deal, named by ``sheet``."""

    parameters = frozenset({"sheet"})

    def check(self, state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
        if action.sheet is None:
            raise InvalidAction("name the term sheet")
        self.check_deal(state, visible_sheet(state, seat, action.sheet))

    def check_deal(self, state: GameState, sheet: TermSheet) -> None:
        if sheet.status not in BEFORE_CFIUS:
            raise IllegalAction(f"{sheet.id} is {sheet.status}, not a signed deal")

    def examples(
        self, state: GameState, seat: SeatId, lever_id: str, lever: Lever
    ) -> Sequence[UseLever]:
        sc = state.scenario

        def on(sheet_id: SheetId) -> UseLever:
            return sc.kept(
                ("lever", lever_id, sheet_id), lambda: UseLever(lever=lever_id, sheet=sheet_id)
            )

        return tuple(on(s.id) for s in state.sheets if s.status in BEFORE_CFIUS)

    def detail(self, sc: Scenario, action: UseLever) -> str:
        return action.sheet or ""


class EndorseDeal(_OnDeal):
    """Public backing; it lifts an earlier opposition."""

    name = "endorse_deal"

    def check_deal(self, state: GameState, sheet: TermSheet) -> None:
        super().check_deal(state, sheet)
        if sheet.id in state.endorsed:
            raise IllegalAction(f"{sheet.id} is already endorsed")

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        sheet_id = SheetId(str(action.sheet))
        return state.evolve(
            endorsed=state.endorsed | {sheet_id}, opposed=state.opposed - {sheet_id}
        )


class OpposeDeal(_OnDeal):
    """Public opposition: an opposed deal cannot close."""

    name = "oppose_deal"

    def check_deal(self, state: GameState, sheet: TermSheet) -> None:
        super().check_deal(state, sheet)
        if sheet.id in state.opposed:
            raise IllegalAction(f"{sheet.id} is already opposed")

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        sheet_id = SheetId(str(action.sheet))
        return state.evolve(
            opposed=state.opposed | {sheet_id}, endorsed=state.endorsed - {sheet_id}
        )


class _Ruling(_OnDeal):
    """The regulator rules on the deal awaiting it, in the resolve phase."""

    status: SheetStatus

    def problems(self, lever: Lever) -> Iterator[tuple[str, str]]:
        if lever.phase != Phase.RESOLVE:
            yield "phase", f"'{self.name}' must be in the resolve phase"

    def check_deal(self, state: GameState, sheet: TermSheet) -> None:
        if sheet.status != SheetStatus.SIGNED:
            raise IllegalAction(f"{sheet.id} is {sheet.status}, not awaiting CFIUS")

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        sheet = get_sheet(state, SheetId(str(action.sheet)))
        return put_sheet(state, sheet.with_status(self.status))


class ClearDeal(_Ruling):
    """Approval: the deal closes unless the President opposes it. CFIUS may clear only a
    deal that meets its published requirements and covers any ordered scope."""

    name = "clear_deal"
    status = SheetStatus.CLEARED

    def check_deal(self, state: GameState, sheet: TermSheet) -> None:
        super().check_deal(state, sheet)
        missing = state.required_mitigations - sheet.terms.mitigations
        if missing:
            names = ", ".join(safeguard_names(state.scenario, missing))
            raise IllegalAction(f"{sheet.id} lacks the required {names}")
        ordered = state.divestiture_scope
        if ordered is not None and sheet.terms.scope.rank < ordered.rank:
            scopes = state.scenario.scope_names
            raise IllegalAction(
                f"{sheet.id} covers {scopes[sheet.terms.scope]}, but divestiture "
                f"was ordered for {scopes[ordered]}"
            )


class BlockDeal(_Ruling):
    """Refusal: the parties may negotiate again."""

    name = "block_deal"
    status = SheetStatus.BLOCKED
