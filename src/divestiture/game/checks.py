"""Whether an action may be applied: guard clauses in a fixed order.

Order (ARCHITECTURE.md): game over -> stale version -> not this seat's to do ->
not allowed in this phase -> the rule's own check. ``check`` raises a
``GameError`` naming the action and the reason, or returns None.
"""

from __future__ import annotations

from typing import NamedTuple

from divestiture.game.actions import (
    Action,
    Propose,
    Reject,
    Sign,
    Terms,
    UseLever,
    Withdraw,
)
from divestiture.game.errors import (
    GameError,
    GameOver,
    IllegalAction,
    InvalidAction,
    NotYourTurn,
    StaleVersion,
)
from divestiture.game.frozen import FrozenMap
from divestiture.game.scenario import Lever, Move, Scenario
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import (
    BEFORE_CFIUS,
    FACILITATOR,
    NEGOTIATE,
    OPEN,
    Scope,
    SeatId,
    SheetStatus,
)
from divestiture.game.wording import (
    flag_source,
    move_title,
    option_name,
    safeguard_names,
    seat_word,
    subject,
)

Actor = SeatId | str
# A refusal names a move as a player would say it ("ByteDance cannot send messages").
_MOVE_VERBS = {"message": "send messages", "statement": "make public statements"}


class SheetFacts(NamedTuple):
    """What several rules ask of the whole list of sheets, worked out once per list."""

    pending: bool  # a signed deal is before CFIUS (or cleared and not yet closed)
    open_by: FrozenMap[SeatId, int]  # how many open sheets each seat has proposed


_facts: list[tuple[object, SheetFacts]] = []


def sheet_facts(state: GameState) -> SheetFacts:
    """The facts of ``state.sheets``; kept while the same tuple is asked about again
    (legal moves ask for every sheet, and most actions leave the sheets alone)."""
    sheets = state.sheets
    kept = _facts[0] if _facts else None  # one read: another thread may replace it
    if kept is not None and kept[0] is sheets:
        return kept[1]
    open_by: dict[SeatId, int] = {}
    pending = False
    for s in sheets:
        if s.status == OPEN:
            open_by[s.proposer] = open_by.get(s.proposer, 0) + 1
        elif s.status in BEFORE_CFIUS:
            pending = True
    facts = SheetFacts(pending, FrozenMap(open_by))
    _facts[:] = [(sheets, facts)]
    return facts


def describe(action: Action) -> str:
    """A short name for an action by its ids, for the server's logs."""
    if action.type == "lever":
        extra = action.sheet or action.option or ",".join(action.mitigations)
        return f"lever {action.lever}" + (f" ({extra})" if extra else "")
    if action.type in ("sign", "reject", "withdraw"):
        return f"{action.type} {action.sheet}"
    if action.type == "propose":
        return "propose" + (f" (countering {action.replaces})" if action.replaces else "")
    if action.type == "message":
        return f"message to {', '.join(action.to)}"
    return action.type


def check(state: GameState, seat: Actor, action: Action) -> None:
    """Raise the GameError that refuses ``action`` by ``seat``, if any.

    The error's message names the action and the reason in the rules' words, as a
    player reads it, e.g. ``Order divestiture (the global business) refused: it needs
    “Open the CFIUS review” first``; only bad input (an unknown seat, lever or option)
    is answered with the id that was sent.
    """
    try:
        _check(state, seat, action)
    except GameError as e:
        raise type(e)(f"{move_title(state.scenario, action)} refused: {e.message}") from None


def _check(state: GameState, seat: Actor, action: Action) -> None:
    if state.over:
        outcome = state.scenario.outcome(state.outcome).name if state.outcome else "over"
        raise GameOver(f"the game is over ({outcome})")
    if action.version is not None and action.version != state.version:
        raise StaleVersion(
            f"made against version {action.version}, the game is at version {state.version}"
        )
    if action.type == "timeout":
        if seat != FACILITATOR:
            raise NotYourTurn("only the facilitator's clock can end a phase")
        return
    if seat not in state.seats:
        raise InvalidAction(f"'{seat}' is not a seat in this game")
    sid = SeatId(seat)
    if action.type == "lever":
        _check_lever(state, sid, action)
    elif action.type == "pass":
        if state.seats[sid].passed:
            raise NotYourTurn(_says(state, sid, f"has nothing to do in the {state.phase} phase"))
    else:
        _check_move(state, sid, action)


def move_gate(state: GameState, seat: SeatId, move_name: str) -> None:
    """Raise if ``seat`` may not make this kind of move now, whatever its parameters."""
    sc = state.scenario
    move: Move = getattr(sc.moves, move_name)
    if seat not in move.seats:
        raise NotYourTurn(_says(state, seat, f"cannot {_MOVE_VERBS.get(move_name, move_name)}"))
    if state.phase not in move.phases:
        raise NotYourTurn(f"not allowed in the {state.phase} phase")
    me = state.seats[seat]
    if move_name == "message":
        # Talk is free of the turn order: a seat that has passed may still write.
        if me.messages >= sc.rounds.messages_per_phase:
            raise IllegalAction(
                _says(state, seat, f"has sent {me.messages} messages this phase, the limit")
            )
        return
    if me.passed:
        raise NotYourTurn(_says(state, seat, "has passed for this phase"))
    if move_name == "statement":
        if me.statements >= sc.rounds.statements_per_phase:
            made = f"has made {me.statements} public statements this phase, the limit"
            raise IllegalAction(_says(state, seat, made))
        return
    if me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(
            _says(state, seat, f"has used all {me.deal_moves} deal moves this phase")
        )


def _check_move(state: GameState, seat: SeatId, action: Action) -> None:
    move_gate(state, seat, action.type)
    if action.type == "message":
        _check_text(state, action.text)
        for to in action.to:
            if to not in state.seats:
                raise InvalidAction(f"'{to}' is not a seat in this game")
            if to == seat:
                raise InvalidAction("a seat cannot message itself")
        if len(set(action.to)) != len(action.to):
            raise InvalidAction("a recipient is listed twice")
    elif action.type == "statement":
        _check_text(state, action.text)
    elif action.type in ("propose", "sign", "reject", "withdraw"):
        if action.note:
            _check_text(state, action.note)
        if action.type == "propose":
            check_proposal(state, seat, action)
        else:
            check_sheet_move(state, seat, action)


def _says(state: GameState, seat: SeatId, does: str) -> str:
    return subject(state.scenario, seat, does)


def _check_text(state: GameState, text: str) -> None:
    limit = state.scenario.term_sheets.message_max_chars
    if not text.strip():
        raise InvalidAction("the text is empty")
    if len(text) > limit:
        raise InvalidAction(f"{len(text)} characters, the limit is {limit}")


_terms_passed: dict[tuple[int, int, SeatId, Scope], tuple[Terms, Scenario]] = {}


def check_terms(state: GameState, proposer: SeatId, terms: Terms) -> None:
    """Raise InvalidAction or IllegalAction if ``terms`` break the scenario's rules.

    The answer depends only on the terms, the rules, the proposer and what is for sale,
    and legal moves ask it of the same open sheets' terms at every move: terms that
    passed are remembered (each entry holds its terms and rules, so neither id can be
    reused while it lives).
    """
    sc = state.scenario
    key = (id(terms), id(sc), proposer, state.for_sale)
    passed = _terms_passed.get(key)
    if passed is not None and passed[0] is terms and passed[1] is sc:
        return
    _judge_terms(state, proposer, terms)
    if len(_terms_passed) > 4096:
        _terms_passed.clear()
    _terms_passed[key] = (terms, sc)


def _judge_terms(state: GameState, proposer: SeatId, terms: Terms) -> None:
    sc = state.scenario
    rules = sc.term_sheets
    for b in terms.buyers:
        if b.seat not in sc.roles.buyers:
            raise InvalidAction(f"{seat_word(sc, b.seat)} is not a buyer")
    if proposer != sc.roles.seller and proposer not in terms.buyer_seats:
        raise IllegalAction(_says(state, proposer, "would not be party to this term sheet"))
    if not rules.price_min <= terms.price <= rules.price_max:
        raise InvalidAction(
            f"price ${terms.price}B is outside ${rules.price_min}B..${rules.price_max}B"
        )
    if terms.rounds_to_close > rules.rounds_to_close_max:
        raise InvalidAction(
            f"a sheet stays open at most {rules.rounds_to_close_max} days, "
            f"not {terms.rounds_to_close}"
        )
    if terms.scope.rank > state.for_sale.rank:
        raise IllegalAction(
            _says(
                state,
                sc.roles.seller,
                f"has put only {sc.scope_names[state.for_sale]} up for sale, "
                f"not {sc.scope_names[terms.scope]}",
            )
        )


def check_proposal(state: GameState, seat: SeatId, action: Propose) -> None:
    old = _sheet(state, seat, action.replaces) if action.replaces is not None else None
    check_offer(state, seat, action.terms, old)


def check_offer(state: GameState, seat: SeatId, terms: Terms, old: TermSheet | None) -> None:
    """A proposal of ``terms`` by ``seat``, countering ``old`` if given."""
    check_terms(state, seat, terms)
    live = sheet_facts(state).open_by.get(seat, 0)
    limit = state.scenario.term_sheets.max_live_per_proposer
    if old is not None:
        if seat not in old.parties:
            raise IllegalAction(_says(state, seat, f"is not party to {old.id}"))
        if old.status != OPEN:
            raise IllegalAction(f"{old.id} is {old.status}, not open")
        if old.proposer == seat:
            live -= 1  # the counter replaces it
    if live >= limit:
        raise IllegalAction(_says(state, seat, f"has {limit} open term sheets already"))


def check_sheet_move(state: GameState, seat: SeatId, action: Sign | Reject | Withdraw) -> None:
    check_move_on(state, seat, action, _sheet(state, seat, action.sheet))


def check_move_on(
    state: GameState, seat: SeatId, action: Sign | Reject | Withdraw, sheet: TermSheet
) -> None:
    """A sign, reject or withdraw of ``sheet`` (the sheet the action names)."""
    if seat not in sheet.parties:
        raise IllegalAction(_says(state, seat, f"is not party to {sheet.id}"))
    if sheet.status != OPEN:
        raise IllegalAction(f"{sheet.id} is {sheet.status}, not open")
    if action.type == "sign":
        if seat in sheet.signatures:
            raise IllegalAction(_says(state, seat, f"has already signed {sheet.id}"))
        if sheet.terms.scope.rank > state.for_sale.rank:
            raise IllegalAction(
                f"{state.scenario.scope_names[sheet.terms.scope]} is no longer for sale"
            )
        completes = set(sheet.parties) <= {*sheet.signatures, seat}
        # One deal at a time goes to CFIUS: a signature that would complete a second
        # sheet is refused, whoever gives it (the proposer's own signature is automatic).
        if completes and sheet_facts(state).pending:
            seller = state.scenario.roles.seller
            raise IllegalAction(_says(state, seller, "has a signed deal before CFIUS already"))
    elif action.type == "reject":
        if seat == sheet.proposer:
            raise IllegalAction(_says(state, seat, f"proposed {sheet.id}; withdraw it instead"))
    elif seat != sheet.proposer:
        raise IllegalAction(
            f"only {state.scenario.seat_name(sheet.proposer)}, who proposed it, can withdraw"
        )


def _sheet(state: GameState, seat: SeatId, sheet_id: str) -> TermSheet:
    """The sheet ``seat`` names, if it may know of it: a private sheet of other seats is
    answered as if it did not exist, so a refusal never tells what it is or how it stands."""
    sheet = state.sheet(sheet_id)  # type: ignore[arg-type]
    if sheet is None or not (sheet.public or seat in sheet.parties):
        raise InvalidAction(f"there is no term sheet '{sheet_id}'")
    return sheet


def lever_gate(state: GameState, seat: SeatId, lever_id: str) -> Lever:
    """Raise if ``seat`` may not use this lever now, whatever its parameters."""
    sc = state.scenario
    lever = sc.levers.get(lever_id)
    if lever is None:
        raise InvalidAction(f"there is no lever '{lever_id}'")
    if seat not in lever.seats:
        raise NotYourTurn(_says(state, seat, "does not hold this lever"))
    if state.phase != lever.phase:
        raise NotYourTurn(f"it is used in the {lever.phase} phase, not {state.phase}")
    me = state.seats[seat]
    if me.passed:
        raise NotYourTurn(_says(state, seat, "has passed for this phase"))
    if lever.phase == NEGOTIATE and me.deal_moves >= sc.rounds.negotiate_actions_per_seat:
        raise IllegalAction(_says(state, seat, "has no moves left this phase"))
    if lever.official and me.officials >= sc.rounds.official_actions_per_round:
        raise IllegalAction(_says(state, seat, "has no official action left this round"))
    if lever.once and (seat, lever_id) in state.used_once:
        raise IllegalAction("it can be used only once a game")
    if lever.per_round is not None:
        used = state.used_this_round.count((seat, lever_id))
        if used >= lever.per_round:
            raise IllegalAction(f"already used {used} time(s) this round")
    _check_requirements(state, lever)
    return lever


def _check_lever(state: GameState, seat: SeatId, action: UseLever) -> None:
    lever = lever_gate(state, seat, action.lever)
    _check_mechanic(state, seat, lever, action)


def check_lever_use(state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
    """The lever's own parameter checks, once its gate is open."""
    _check_mechanic(state, seat, lever, action)


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


def _check_mechanic(state: GameState, seat: SeatId, lever: Lever, action: UseLever) -> None:
    m = lever.mechanic
    if m in ("order_divestiture", "brief_president", "put_up_for_sale"):
        if action.option not in lever.options:
            raise InvalidAction(
                f"option must be one of {', '.join(lever.options)}, got {action.option!r}"
            )
        if m == "put_up_for_sale" and action.option == state.for_sale:
            what = option_name(state.scenario, str(action.option))
            raise IllegalAction(f"{what} is already what is for sale")
    if m == "set_mitigations":
        chosen = frozenset(action.mitigations)
        if not chosen:
            raise InvalidAction("name at least one mitigation")
        if chosen == state.required_mitigations:
            raise IllegalAction("these are already the requirements")
    if m in ("endorse_deal", "oppose_deal", "clear_deal", "block_deal"):
        if action.sheet is None:
            raise InvalidAction("name the term sheet")
        sheet = _sheet(state, seat, action.sheet)
        _check_sheet_lever(state, m, sheet)


def _check_sheet_lever(state: GameState, mechanic: str, sheet: TermSheet) -> None:
    if mechanic in ("endorse_deal", "oppose_deal"):
        if sheet.status not in BEFORE_CFIUS:
            raise IllegalAction(f"{sheet.id} is {sheet.status}, not a signed deal")
        if mechanic == "endorse_deal" and sheet.id in state.endorsed:
            raise IllegalAction(f"{sheet.id} is already endorsed")
        if mechanic == "oppose_deal" and sheet.id in state.opposed:
            raise IllegalAction(f"{sheet.id} is already opposed")
        return
    if sheet.status != SheetStatus.SIGNED:
        raise IllegalAction(f"{sheet.id} is {sheet.status}, not awaiting CFIUS")
    if mechanic == "clear_deal":
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


__all__ = [
    "SheetFacts",
    "check",
    "check_lever_use",
    "check_move_on",
    "check_offer",
    "check_proposal",
    "check_sheet_move",
    "check_terms",
    "describe",
    "lever_gate",
    "move_gate",
    "sheet_facts",
]
