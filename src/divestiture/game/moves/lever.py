"""Using a lever (rules: ``levers``): the gate every lever shares, then its mechanic."""

from __future__ import annotations

from collections.abc import Sequence

from divestiture.game.actions import Action, UseLever
from divestiture.game.changes import apply_effects, count_deal_move, set_seat
from divestiture.game.checks import says
from divestiture.game.errors import GameError, IllegalAction, InvalidAction, NotYourTurn
from divestiture.game.events import Event, LeverUsed
from divestiture.game.mechanics import MECHANICS
from divestiture.game.moves.base import Rules
from divestiture.game.scenario import Lever, Scenario
from divestiture.game.state import GameState
from divestiture.game.types import NEGOTIATE, SeatId
from divestiture.game.wording import flag_source


class LeverRules(Rules[UseLever]):
    """A seat's power, used in its phase within the rules' limits (official actions a
    round, once a game, times a round, requirements), then its mechanic and effects."""

    type = "lever"

    def check(self, state: GameState, seat: SeatId, action: UseLever) -> None:
        lever = lever_gate(state, seat, action.lever)
        mechanic = MECHANICS[lever.mechanic]
        # A parameter the lever does not take is refused, not carried on its public line.
        given = {name for name in _PARAMETERS if getattr(action, name)}
        if given - mechanic.parameters:
            raise InvalidAction(f"it takes no {' or '.join(sorted(given - mechanic.parameters))}")
        mechanic.check(state, seat, lever, action)

    def apply(
        self, state: GameState, seat: SeatId, action: UseLever, events: list[Event]
    ) -> GameState:
        sc = state.scenario
        lever = sc.levers[action.lever]
        mechanic = MECHANICS[lever.mechanic]
        state = state.evolve(used_this_round=(*state.used_this_round, (seat, action.lever)))
        if lever.once:
            state = state.evolve(used_once=state.used_once | {(seat, action.lever)})
        if lever.official:
            state = set_seat(state, seat, officials=state.seats[seat].officials + 1)
        if lever.phase == NEGOTIATE:
            state = count_deal_move(state, seat)
        # A private lever's option, or a mechanic's private choice, is not told with it.
        told = lever.public and not mechanic.private_option
        used = LeverUsed(
            seat=seat,
            lever=action.lever,
            sheet=action.sheet,
            option=action.option if told else None,
            mitigations=action.mitigations if told else (),
        )
        events.append(Event(used, None if lever.public else frozenset({seat})))
        state = mechanic.apply(state, seat, lever, action, events)
        state = apply_effects(state, lever.effects, events)
        if lever.ends_turn:
            # It costs the rest of the phase: spend every move so no new offer reopens it.
            moves = sc.rounds.negotiate_actions_per_seat
            state = set_seat(state, seat, passed=True, deal_moves=moves)
        return state

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        """Each lever ``seat`` holds in this phase whose gate is open, with each of its
        parameters that its mechanic allows now."""
        out: list[Action] = []
        for lever_id, lever in state.scenario.levers.items():
            if seat not in lever.seats or lever.phase != state.phase:
                continue
            try:
                lever_gate(state, seat, lever_id)
            except GameError:
                continue
            mechanic = MECHANICS[lever.mechanic]
            for use in mechanic.examples(state, seat, lever_id, lever):
                try:
                    mechanic.check(state, seat, lever, use)
                except GameError:
                    continue
                out.append(use)
        return out

    def title(self, sc: Scenario, action: UseLever) -> str:
        lever = sc.levers.get(action.lever)
        if lever is None:
            return f"Lever '{action.lever}'"
        detail = MECHANICS[lever.mechanic].detail(sc, action)
        return lever.name + (f" ({detail})" if detail else "")

    def label(self, sc: Scenario, action: UseLever) -> str:
        return f"uses {self.title(sc, action)}"

    def describe(self, action: UseLever) -> str:
        extra = action.sheet or action.option or ",".join(action.mitigations)
        return f"lever {action.lever}" + (f" ({extra})" if extra else "")


LEVER = LeverRules()
_PARAMETERS = ("sheet", "option", "mitigations")


def lever_gate(state: GameState, seat: SeatId, lever_id: str) -> Lever:
    """The lever, if ``seat`` may use it now whatever its parameters; else raise."""
    sc = state.scenario
    lever = sc.levers.get(lever_id)
    if lever is None:
        raise InvalidAction(f"there is no lever '{lever_id}'")
    if seat not in lever.seats:
        raise NotYourTurn(says(state, seat, "does not hold this lever"))
    if state.phase != lever.phase:
        raise NotYourTurn(f"it is used in the {lever.phase} phase, not {state.phase}")
    me = state.seats[seat]
    if me.passed:
        raise NotYourTurn(says(state, seat, "has passed for this phase"))
    if lever.phase == NEGOTIATE and me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(says(state, seat, "has no moves left this phase"))
    if lever.official and me.officials >= sc.rounds.official_actions_per_round:
        raise IllegalAction(says(state, seat, "has no official action left this round"))
    if lever.once and (seat, lever_id) in state.used_once:
        raise IllegalAction("it can be used only once a game")
    if lever.per_round is not None:
        used = state.used_this_round.count((seat, lever_id))
        if used >= lever.per_round:
            raise IllegalAction(f"already used {used} time(s) this round")
    _check_requirements(state, lever)
    return lever


def _check_requirements(state: GameState, lever: Lever) -> None:
    req = lever.requires
    for flag in req.flags_all:
        if flag not in state.flags:
            raise IllegalAction(f"it needs {flag_source(state.scenario, flag)} first")
    for flag in req.flags_none:
        if flag in state.flags:
            raise IllegalAction(f"not possible after {flag_source(state.scenario, flag)}")
    for track, bounds in req.tracks.items():
        value = state.tracks[track]
        name = state.scenario.tracks[track].name
        if bounds.min is not None and value < bounds.min:
            raise IllegalAction(f"it needs {name} at least {bounds.min}; it is {value}")
        if bounds.max is not None and value > bounds.max:
            raise IllegalAction(f"it needs {name} at most {bounds.max}; it is {value}")
