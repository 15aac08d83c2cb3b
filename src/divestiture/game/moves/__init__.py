"""Every kind of action, one ``Rules`` entry each, and the fixed order of their checks.

Adding an action: its model in ``actions.py`` (and the ``Action`` union), its rules here
(a ``Rules`` subclass in the module of its family, registered in ``MOVES``), and its
words in ``narration`` if it makes a new kind of event. ``docs/RULES.md`` says more.
"""

from __future__ import annotations

from typing import Any

from divestiture.game.actions import FACILITATOR_ACTIONS, Action
from divestiture.game.errors import (
    GameError,
    GameOver,
    InvalidAction,
    NotStarted,
    NotYourTurn,
    Paused,
    StaleVersion,
)
from divestiture.game.moves.base import Rules
from divestiture.game.moves.deal import PROPOSE, REJECT, SIGN, WITHDRAW
from divestiture.game.moves.facilitator import (
    AnnounceRules,
    NewsRules,
    NoteRules,
    PauseRules,
    StartRules,
)
from divestiture.game.moves.lever import LEVER
from divestiture.game.moves.talk import MessageRules, StatementRules
from divestiture.game.moves.turn import PassRules, TimeoutRules
from divestiture.game.scenario import Scenario
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, SeatId

Actor = SeatId | str  # a seat, or the facilitator (whose clock sends timeouts)

MOVES: dict[str, Rules[Any]] = {
    rules.type: rules
    for rules in (
        PROPOSE,
        SIGN,
        REJECT,
        WITHDRAW,
        MessageRules(),
        StatementRules(),
        LEVER,
        PassRules(),
        TimeoutRules(),
        StartRules(),
        PauseRules(),
        AnnounceRules(),
        NewsRules(),
        NoteRules(),
    )
}


def check(state: GameState, actor: Actor, action: Action) -> None:
    """Raise the ``GameError`` that refuses ``action`` by ``actor``, if any.

    The guards run in a fixed order (ARCHITECTURE.md): game over, stale version, not
    this actor's to do, then the kind's gate (seat, phase, budget) and its own check.
    The error's message names the action and the reason in the rules' words, as a
    player reads it: ``Order divestiture (the global business) refused: it needs “Open
    the CFIUS review” first``; only bad input (an unknown seat, lever or option) is
    answered with the id that was sent.
    """
    try:
        _check(state, actor, action)
    except GameError as e:
        raise type(e)(f"{title(state.scenario, action)} refused: {e.message}") from None


def _check(state: GameState, actor: Actor, action: Action) -> None:
    if state.over:
        outcome = state.scenario.outcome(state.outcome).name if state.outcome else "over"
        raise GameOver(f"the game is over ({outcome})")
    if action.version is not None and action.version != state.version:
        raise StaleVersion(
            f"made against version {action.version}, the game is at version {state.version}"
        )
    rules = MOVES[action.type]
    if action.type in FACILITATOR_ACTIONS:
        if actor != FACILITATOR:
            raise NotYourTurn("only the facilitator can do that")
        if action.type == "timeout" and not state.started:
            raise NotStarted("the week has not started")
        rules.check(state, SeatId(actor), action)
        return
    if actor not in state.seats:
        raise InvalidAction(f"'{actor}' is not a seat in this game")
    if not state.started:
        raise NotStarted("the week has not started: wait for the facilitator")
    if state.paused:
        raise Paused("the facilitator has paused play")
    rules.gate(state, SeatId(actor))
    rules.check(state, SeatId(actor), action)


def title(sc: Scenario, action: Action) -> str:
    """An action as a button would name it: "Sign ts-3", "Counter ts-2", "Order
    divestiture (the global business)". A lever the rules do not know keeps its id."""
    return MOVES[action.type].title(sc, action)


def label(sc: Scenario, action: Action) -> str:
    """What a seat does with ``action``, after its name: "passes", "counters ts-2"."""
    return MOVES[action.type].label(sc, action)


def describe(action: Action) -> str:
    """A short name for an action by its ids, for the server's logs."""
    return MOVES[action.type].describe(action)


__all__ = ["MOVES", "Actor", "Rules", "check", "describe", "label", "title"]
