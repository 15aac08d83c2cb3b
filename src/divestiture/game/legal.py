"""Which actions a seat may take now.

``legal_actions`` lists concrete actions that ``apply`` will accept. Actions with free
parameters (a term sheet's price, a message's text) are represented by a few typical
examples, each kind's own (``moves``); ``apply`` accepts any parameters that pass the
rules. A kind whose gate is closed (seat, phase, turn, budget) is skipped at once; an
open kind gives the examples that pass its checks now.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from divestiture.game.actions import Action
from divestiture.game.errors import GameError
from divestiture.game.moves import MOVES, Rules
from divestiture.game.moves.deal import sheet_examples
from divestiture.game.state import GameState
from divestiture.game.types import SeatId

_DEAL_MOVES = ("propose", "sign", "reject", "withdraw")


def legal_actions(state: GameState, seat: SeatId) -> list[Action]:
    """Every kind of action ``seat`` may take now, each as concrete examples, in a fixed
    order: messages, pass, statement, moves on its open sheets, new sheets, levers."""
    if state.over or seat not in state.seats or not state.started or state.paused:
        return []  # nothing is legal before the week starts or while play is paused
    out = list(_examples(MOVES["message"], state, seat))
    if state.seats[seat].passed:
        return out  # only talk is left to a seat that has passed
    out += _examples(MOVES["pass"], state, seat)
    out += _examples(MOVES["statement"], state, seat)
    open_kinds = frozenset(kind for kind in _DEAL_MOVES if _open(MOVES[kind], state, seat))
    out += sheet_examples(state, seat, open_kinds)
    if "propose" in open_kinds:
        out += _examples(MOVES["propose"], state, seat, gated=True)
    out += _examples(MOVES["lever"], state, seat)
    return out


def can_act(state: GameState, seat: SeatId) -> bool:
    """Whether the game is waiting for ``seat`` (it has not passed this phase)."""
    return not state.over and seat in state.seats and not state.seats[seat].passed


def _open(rules: Rules[Any], state: GameState, seat: SeatId) -> bool:
    try:
        rules.gate(state, seat)
    except GameError:
        return False
    return True


def _examples(
    rules: Rules[Any], state: GameState, seat: SeatId, *, gated: bool = False
) -> Sequence[Action]:
    """The kind's legal examples (none if its gate is closed; ``gated``: the gate is
    known to be open)."""
    if not gated and not _open(rules, state, seat):
        return ()
    return rules.examples(state, seat)
