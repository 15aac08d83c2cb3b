"""Checks that several kinds of action share: the gate of a move, its text, the sheets a
seat may name, and what the whole list of sheets says.

Each raises a ``GameError`` naming the reason in the rules' words, as a player reads
it. The fixed order in which an action's checks run is ``moves.check``.
"""

from __future__ import annotations

from typing import NamedTuple

from divestiture.game.errors import IllegalAction, InvalidAction, NotYourTurn
from divestiture.game.frozen import FrozenMap
from divestiture.game.scenario import Move
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import BEFORE_CFIUS, OPEN, SeatId
from divestiture.game.wording import subject

# A refusal names a move as a player would say it ("ByteDance cannot send messages").
_MOVE_VERBS = {"message": "send messages", "statement": "make public statements"}


def says(state: GameState, seat: SeatId, does: str) -> str:
    """``seat``'s name and what it does, for a refusal ("Investors have passed ...")."""
    return subject(state.scenario, seat, does)


def move_gate(state: GameState, seat: SeatId, move_name: str) -> None:
    """Raise if ``seat`` may not make this kind of move now, whatever its parameters:
    not its move (rules: ``moves``), not this phase, or its budget for the phase spent."""
    sc = state.scenario
    move: Move = getattr(sc.moves, move_name)
    if seat not in move.seats:
        raise NotYourTurn(says(state, seat, f"cannot {_MOVE_VERBS.get(move_name, move_name)}"))
    if state.phase not in move.phases:
        raise NotYourTurn(f"not allowed in the {state.phase} phase")
    me = state.seats[seat]
    if move_name == "message":
        # Talk is free of the turn order: a seat that has passed may still write.
        if me.messages >= sc.rounds.messages_per_phase:
            raise IllegalAction(
                says(state, seat, f"has sent {me.messages} messages this phase, the limit")
            )
        return
    if me.passed:
        raise NotYourTurn(says(state, seat, "has passed for this phase"))
    if move_name == "statement":
        if me.statements >= sc.rounds.statements_per_phase:
            made = f"has made {me.statements} public statements this phase, the limit"
            raise IllegalAction(says(state, seat, made))
        return
    if me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(
            says(state, seat, f"has used all {me.deal_moves} deal moves this phase")
        )


def check_text(state: GameState, text: str) -> None:
    """A message's, a statement's or a cover note's text: not empty, not too long."""
    limit = state.scenario.term_sheets.message_max_chars
    if not text.strip():
        raise InvalidAction("the text is empty")
    if len(text) > limit:
        raise InvalidAction(f"{len(text)} characters, the limit is {limit}")


def visible_sheet(state: GameState, seat: SeatId, sheet_id: str) -> TermSheet:
    """The sheet ``seat`` names, if it may know of it: a private sheet of other seats is
    answered as if it did not exist, so a refusal never tells what it is or how it stands."""
    sheet = state.sheet(sheet_id)  # type: ignore[arg-type]
    if sheet is None or not sheet_known(sheet, seat):
        raise InvalidAction(f"there is no term sheet '{sheet_id}'")
    return sheet


def sheet_known(sheet: TermSheet, seat: SeatId | None) -> bool:
    """Whether ``seat`` may know of ``sheet``: it is party to it, or the sheet is public."""
    return sheet.public or (seat is not None and seat in sheet.parties)


class SheetFacts(NamedTuple):
    """What several rules ask of the whole list of sheets."""

    pending: bool  # a signed deal is before CFIUS (or cleared and not yet closed)
    open_by: FrozenMap[SeatId, int]  # how many open sheets each seat has proposed


def sheet_facts(state: GameState) -> SheetFacts:
    """The facts of ``state.sheets``."""
    open_by: dict[SeatId, int] = {}
    pending = False
    for s in state.sheets:
        if s.status == OPEN:
            open_by[s.proposer] = open_by.get(s.proposer, 0) + 1
        elif s.status in BEFORE_CFIUS:
            pending = True
    return SheetFacts(pending, FrozenMap(open_by))
