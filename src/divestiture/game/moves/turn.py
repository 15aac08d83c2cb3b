"""The turn: a seat that is done passes; the facilitator's clock ends a phase."""

from __future__ import annotations

from collections.abc import Sequence

from divestiture.game.actions import Action, Pass, Timeout, UseLever
from divestiture.game.changes import set_seat
from divestiture.game.checks import says
from divestiture.game.errors import GameError, NotYourTurn
from divestiture.game.events import Event, Passed, TimedOut
from divestiture.game.moves.base import Rules
from divestiture.game.moves.lever import LEVER
from divestiture.game.scenario import Scenario
from divestiture.game.state import GameState
from divestiture.game.types import SeatId, SheetStatus


class PassRules(Rules[Pass]):
    """The seat is done for the phase (a new offer to it may call it back)."""

    type = "pass"

    def gate(self, state: GameState, seat: SeatId) -> None:
        if state.seats[seat].passed:
            raise NotYourTurn(says(state, seat, f"has nothing to do in the {state.phase} phase"))

    def apply(self, state: GameState, seat: SeatId, action: Pass, events: list[Event]) -> GameState:
        events.append(Event(Passed(seat=seat)))
        return set_seat(state, seat, passed=True)

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        return state.scenario.kept("pass example", lambda: (Pass(),))

    def label(self, sc: Scenario, action: Pass) -> str:
        return "passes"


class TimeoutRules(Rules[Timeout]):
    """The phase timer ran out: every seat that has not finished does what the rules
    say an absent seat does then (``absent``: by default it passes), and passes. Only the
    facilitator's clock sends it (``moves.check``)."""

    type = "timeout"

    def apply(
        self, state: GameState, seat: SeatId, action: Timeout, events: list[Event]
    ) -> GameState:
        waiting = tuple(s for s, st in state.seats.items() if not st.passed)
        events.append(Event(TimedOut(phase=state.phase, seats=waiting)))
        for absent in waiting:
            default = state.scenario.absent.get(absent, {}).get(state.phase, "pass")
            if default == "rule_on_deal":
                state = _rule_on_deal(state, absent, events)
            state = set_seat(state, absent, passed=True)
        return state


def _rule_on_deal(state: GameState, seat: SeatId, events: list[Event]) -> GameState:
    """The regulator, absent, rules on the signed deal awaiting it: it clears one its
    rules let it clear (its published requirements met, any ordered scope covered), and
    blocks any other."""
    deal = next((s for s in state.sheets if s.status == SheetStatus.SIGNED), None)
    if deal is None:
        return state
    for purpose in ("clear", "block"):
        for lever_id in state.scenario.levers_for(purpose):
            use = UseLever(lever=lever_id, sheet=deal.id)
            try:
                LEVER.check(state, seat, use)
            except GameError:
                continue
            return LEVER.apply(state, seat, use, events)
    return state
