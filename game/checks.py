"""Whether an action may be applied: guard clauses in a fixed order.

Order (ARCHITECTURE.md): game over -> stale version -> not this seat's to do ->
not allowed in this phase -> the rule's own check. ``check`` raises a
``GameError`` naming the action and the reason, or returns None.
"""

from __future__ import annotations

from game.actions import (
    Action,
    Message,
    Pass,
    Propose,
    Reject,
    Sign,
    Statement,
    Terms,
    Timeout,
    UseLever,
    Withdraw,
)
from game.errors import GameOver, IllegalAction, InvalidAction, NotYourTurn, StaleVersion
from game.scenario import Lever, Move
from game.state import GameState, TermSheet
from game.types import FACILITATOR, Phase, SeatId, SheetStatus

Actor = SeatId | str


def describe(action: Action) -> str:
    """A short name for an action, for messages and logs."""
    if isinstance(action, UseLever):
        extra = action.sheet or action.option or ",".join(action.mitigations)
        return f"lever {action.lever}" + (f" ({extra})" if extra else "")
    if isinstance(action, Sign | Reject | Withdraw):
        return f"{action.type} {action.sheet}"
    if isinstance(action, Propose):
        return "propose" + (f" (countering {action.replaces})" if action.replaces else "")
    if isinstance(action, Message):
        return f"message to {', '.join(action.to)}"
    return action.type


def check(state: GameState, seat: Actor, action: Action) -> None:
    """Raise the GameError that refuses ``action`` by ``seat``, if any."""
    what = describe(action)
    if state.over:
        raise GameOver(f"{what} refused: the game is over ({state.outcome})")
    if action.version is not None and action.version != state.version:
        raise StaleVersion(
            f"{what} refused: made against version {action.version}, "
            f"the game is at version {state.version}"
        )
    if isinstance(action, Timeout):
        if seat != FACILITATOR:
            raise NotYourTurn(f"{what} refused: only the facilitator's clock can end a phase")
        return
    if seat not in state.seats:
        raise InvalidAction(f"{what} refused: '{seat}' is not a seat in this game")
    sid = SeatId(seat)
    if isinstance(action, UseLever):
        _check_lever(state, sid, action, what)
    elif isinstance(action, Pass):
        if state.seats[sid].passed:
            raise NotYourTurn(f"{what} refused: {sid} has nothing to do in the {state.phase} phase")
    else:
        _check_move(state, sid, action, what)


def _check_move(state: GameState, seat: SeatId, action: Action, what: str) -> None:
    sc = state.scenario
    move: Move = getattr(sc.moves, action.type)
    if seat not in move.seats:
        raise NotYourTurn(f"{what} refused: {seat} cannot {action.type}")
    if state.phase not in move.phases:
        raise NotYourTurn(f"{what} refused: not allowed in the {state.phase} phase")
    me = state.seats[seat]
    if isinstance(action, Message):
        if me.messages >= sc.rounds.messages_per_phase:
            raise IllegalAction(
                f"{what} refused: {seat} has sent {me.messages} messages this phase, the limit"
            )
        _check_text(state, action.text, what)
        for to in action.to:
            if to not in state.seats:
                raise InvalidAction(f"{what} refused: '{to}' is not a seat in this game")
            if to == seat:
                raise InvalidAction(f"{what} refused: a seat cannot message itself")
        if len(set(action.to)) != len(action.to):
            raise InvalidAction(f"{what} refused: a recipient is listed twice")
        return
    if me.passed:
        raise NotYourTurn(f"{what} refused: {seat} has passed for this phase")
    if isinstance(action, Statement):
        _check_text(state, action.text, what)
        return
    if me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(
            f"{what} refused: {seat} has used all {me.deal_moves} deal moves this phase"
        )
    if isinstance(action, Propose):
        _check_propose(state, seat, action, what)
    elif isinstance(action, Sign | Reject | Withdraw):
        _check_sheet_move(state, seat, action, what)


def _check_text(state: GameState, text: str, what: str) -> None:
    limit = state.scenario.term_sheets.message_max_chars
    if not text.strip():
        raise InvalidAction(f"{what} refused: the text is empty")
    if len(text) > limit:
        raise InvalidAction(f"{what} refused: {len(text)} characters, the limit is {limit}")


def check_terms(state: GameState, proposer: SeatId, terms: Terms) -> None:
    """Raise InvalidAction or IllegalAction if ``terms`` break the scenario's rules."""
    sc = state.scenario
    rules = sc.term_sheets
    what = "propose"
    for b in terms.buyers:
        if b.seat not in sc.roles.buyers:
            raise InvalidAction(f"{what} refused: '{b.seat}' is not a buyer")
    if proposer != sc.roles.seller and proposer not in terms.buyer_seats:
        raise IllegalAction(f"{what} refused: {proposer} would not be party to this term sheet")
    if not rules.price_min <= terms.price <= rules.price_max:
        raise InvalidAction(
            f"{what} refused: price ${terms.price}B is outside "
            f"${rules.price_min}B..${rules.price_max}B"
        )
    if terms.rounds_to_close > rules.rounds_to_close_max:
        raise InvalidAction(
            f"{what} refused: rounds_to_close {terms.rounds_to_close} is above "
            f"{rules.rounds_to_close_max}"
        )
    if terms.scope.rank > state.for_sale.rank:
        raise IllegalAction(
            f"{what} refused: {sc.roles.seller} has put only '{state.for_sale}' up for sale, "
            f"not '{terms.scope}'"
        )


def _check_propose(state: GameState, seat: SeatId, action: Propose, what: str) -> None:
    check_terms(state, seat, action.terms)
    live = [s for s in state.sheets if s.proposer == seat and s.status == SheetStatus.OPEN]
    limit = state.scenario.term_sheets.max_live_per_proposer
    if action.replaces is not None:
        old = _sheet(state, action.replaces, what)
        if seat not in old.parties:
            raise IllegalAction(f"{what} refused: {seat} is not party to {old.id}")
        if old.status != SheetStatus.OPEN:
            raise IllegalAction(f"{what} refused: {old.id} is {old.status}, not open")
        if old.proposer == seat:
            live = [s for s in live if s.id != old.id]
    if len(live) >= limit:
        raise IllegalAction(f"{what} refused: {seat} already has {limit} open term sheets")


def _check_sheet_move(
    state: GameState, seat: SeatId, action: Sign | Reject | Withdraw, what: str
) -> None:
    sheet = _sheet(state, action.sheet, what)
    if seat not in sheet.parties:
        raise IllegalAction(f"{what} refused: {seat} is not party to {sheet.id}")
    if sheet.status != SheetStatus.OPEN:
        raise IllegalAction(f"{what} refused: {sheet.id} is {sheet.status}, not open")
    if isinstance(action, Sign):
        if seat in sheet.signatures:
            raise IllegalAction(f"{what} refused: {seat} has already signed {sheet.id}")
        seller = state.scenario.roles.seller
        if seat == seller and any(
            s.status in (SheetStatus.SIGNED, SheetStatus.CLEARED) for s in state.sheets
        ):
            raise IllegalAction(f"{what} refused: {seller} already has a signed deal before CFIUS")
    elif isinstance(action, Reject):
        if seat == sheet.proposer:
            raise IllegalAction(f"{what} refused: {seat} proposed {sheet.id}; withdraw it instead")
    elif seat != sheet.proposer:
        raise IllegalAction(f"{what} refused: only {sheet.proposer}, who proposed it, can withdraw")


def _sheet(state: GameState, sheet_id: str, what: str) -> TermSheet:
    sheet = state.sheet(sheet_id)  # type: ignore[arg-type]
    if sheet is None:
        raise InvalidAction(f"{what} refused: there is no term sheet '{sheet_id}'")
    return sheet


def _check_lever(state: GameState, seat: SeatId, action: UseLever, what: str) -> None:
    sc = state.scenario
    lever = sc.levers.get(action.lever)
    if lever is None:
        raise InvalidAction(f"{what} refused: there is no lever '{action.lever}'")
    if seat not in lever.seats:
        raise NotYourTurn(f"{what} refused: {seat} does not hold this lever")
    if state.phase != lever.phase:
        raise NotYourTurn(
            f"{what} refused: it is used in the {lever.phase} phase, not {state.phase}"
        )
    me = state.seats[seat]
    if me.passed:
        raise NotYourTurn(f"{what} refused: {seat} has passed for this phase")
    if lever.phase == Phase.NEGOTIATE and me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(f"{what} refused: {seat} has used all its moves this phase")
    if lever.official and me.officials >= sc.rounds.official_actions_per_round:
        raise IllegalAction(f"{what} refused: {seat} has taken its official action this round")
    if lever.once and (seat, action.lever) in state.used_once:
        raise IllegalAction(f"{what} refused: it can be used only once a game")
    if lever.per_round is not None:
        used = state.used_this_round.count((seat, action.lever))
        if used >= lever.per_round:
            raise IllegalAction(f"{what} refused: already used {used} time(s) this round")
    _check_requirements(state, lever, what)
    _check_mechanic(state, lever, action, what)


def _check_requirements(state: GameState, lever: Lever, what: str) -> None:
    req = lever.requires
    for flag in req.flags_all:
        if flag not in state.flags:
            raise IllegalAction(f"{what} refused: needs '{flag}' first")
    for flag in req.flags_none:
        if flag in state.flags:
            raise IllegalAction(f"{what} refused: not possible once '{flag}'")
    for track, bounds in req.tracks.items():
        value = state.tracks[track]
        if bounds.min is not None and value < bounds.min:
            raise IllegalAction(
                f"{what} refused: needs {track} at least {bounds.min}, it is {value}"
            )
        if bounds.max is not None and value > bounds.max:
            raise IllegalAction(
                f"{what} refused: needs {track} at most {bounds.max}, it is {value}"
            )


def _check_mechanic(state: GameState, lever: Lever, action: UseLever, what: str) -> None:
    m = lever.mechanic
    if m in ("order_divestiture", "brief_president", "put_up_for_sale"):
        if action.option not in lever.options:
            raise InvalidAction(
                f"{what} refused: option must be one of {', '.join(lever.options)}, "
                f"got {action.option!r}"
            )
        if m == "put_up_for_sale" and action.option == state.for_sale:
            raise IllegalAction(f"{what} refused: '{action.option}' is already what is for sale")
    if m == "set_mitigations":
        chosen = frozenset(action.mitigations)
        if not chosen:
            raise InvalidAction(f"{what} refused: name at least one mitigation")
        if chosen == state.required_mitigations:
            raise IllegalAction(f"{what} refused: these are already the requirements")
    if m in ("endorse_deal", "oppose_deal", "clear_deal", "block_deal"):
        if action.sheet is None:
            raise InvalidAction(f"{what} refused: name the term sheet")
        sheet = _sheet(state, action.sheet, what)
        _check_sheet_lever(state, m, sheet, what)


def _check_sheet_lever(state: GameState, mechanic: str, sheet: TermSheet, what: str) -> None:
    reviewable = (SheetStatus.SIGNED, SheetStatus.CLEARED)
    if mechanic in ("endorse_deal", "oppose_deal"):
        if sheet.status not in reviewable:
            raise IllegalAction(f"{what} refused: {sheet.id} is {sheet.status}, not a signed deal")
        if mechanic == "endorse_deal" and sheet.id in state.endorsed:
            raise IllegalAction(f"{what} refused: {sheet.id} is already endorsed")
        if mechanic == "oppose_deal" and sheet.id in state.opposed:
            raise IllegalAction(f"{what} refused: {sheet.id} is already opposed")
        return
    if sheet.status != SheetStatus.SIGNED:
        raise IllegalAction(f"{what} refused: {sheet.id} is {sheet.status}, not awaiting CFIUS")
    if mechanic == "clear_deal":
        missing = state.required_mitigations - sheet.terms.mitigations
        if missing:
            names = ", ".join(sorted(m.value for m in missing))
            raise IllegalAction(f"{what} refused: {sheet.id} lacks required mitigations: {names}")
        ordered = state.divestiture_scope
        if ordered is not None and sheet.terms.scope.rank < ordered.rank:
            raise IllegalAction(
                f"{what} refused: {sheet.id} covers '{sheet.terms.scope}' but divestiture "
                f"was ordered for '{ordered}'"
            )


__all__ = ["check", "check_terms", "describe"]
