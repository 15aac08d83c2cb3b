"""Which actions a seat may take now.

``legal_actions`` lists concrete actions that ``apply`` will accept. Actions with
free parameters (a term sheet's price, a message's text) are represented by a
few typical examples; ``apply`` accepts any parameters that pass the rules.

Each kind of action is gated once (seat, phase, turn, budget, requirements:
``checks.move_gate`` and ``checks.lever_gate``); only the kinds that are open
have their examples checked one by one. Examples are immutable and memoised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from game.actions import (
    Action,
    Message,
    Pass,
    Propose,
    Reject,
    Sign,
    Stake,
    Statement,
    Terms,
    UseLever,
    Withdraw,
)
from game.checks import (
    check_lever_use,
    check_proposal,
    check_sheet_move,
    lever_gate,
    move_gate,
)
from game.errors import GameError
from game.scenario import Lever, Scenario
from game.state import GameState, TermSheet
from game.types import Algorithm, Mitigation, Phase, Scope, SeatId, SheetId, SheetStatus

_A = TypeVar("_A")
_memo: dict[tuple[object, ...], tuple[object, object]] = {}


_recent: dict[tuple[object, ...], tuple[object, object]] = {}


def _memoised(owner: object, key: tuple[object, ...], make: Callable[[], _A]) -> _A:
    """Examples are immutable: make each once. An entry holds its owner (the rules
    object or state part it was made from), so the owner's id cannot be reused while
    it lives. Entries owned by state parts go to a small memo: only consecutive
    states share parts, and keeping many would keep old states alive."""
    memo = _memo if isinstance(owner, Scenario | Lever) or owner is None else _recent
    full = (id(owner), *key)
    hit = memo.get(full)
    if hit is None or hit[0] is not owner:
        if len(memo) > (20_000 if memo is _memo else 512):
            memo.clear()
        hit = memo[full] = (owner, make())
    return hit[1]  # type: ignore[return-value]


def legal_actions(state: GameState, seat: SeatId) -> list[Action]:
    """Every kind of action ``seat`` may take now, each as a concrete example."""
    if state.over or seat not in state.seats:
        return []
    out: list[Action] = []
    if _ok(move_gate, state, seat, "message"):
        out += _messages(state.scenario, seat, tuple(state.seats))
    if state.seats[seat].passed:
        return out  # only talk is left to a seat that has passed
    out.append(_PASS)
    if _ok(move_gate, state, seat, "statement"):
        out.append(_STATEMENT)
    if seat in state.scenario.moves.propose.seats and _ok(move_gate, state, seat, "propose"):
        out += _sheet_moves(state, seat)
        # The examples differ only in their buyers, each valid by construction: what
        # can still refuse them (the seat's open-sheet limit) refuses all alike.
        proposals = _proposals(state, seat)
        if proposals and _ok(check_proposal, state, seat, proposals[0]):
            out += proposals
    for lever_id, lever in _levers_of(state.scenario, seat, state.phase):
        if lever.once and (seat, lever_id) in state.used_once:
            continue  # spent for the game; not worth a refusal from the gate
        if _ok(lever_gate, state, seat, lever_id):
            examples = _lever_examples(state, lever_id, lever)
            if lever.mechanic in _NO_PARAMETERS:
                out += examples
            else:
                out += [u for u in examples if _ok(check_lever_use, state, lever, u)]
    return out


def can_act(state: GameState, seat: SeatId) -> bool:
    """Whether the game is waiting for ``seat`` (it has not passed this phase)."""
    return not state.over and seat in state.seats and not state.seats[seat].passed


def _ok(check: Callable[..., object], *args: object) -> bool:
    """Whether ``check(*args)`` lets the action through."""
    try:
        check(*args)
    except GameError:
        return False
    return True


_PASS = Pass()


# Levers whose use takes no parameter: once the gate is open, the one example is legal.
_NO_PARAMETERS = frozenset({"effects", "extend_deadline", "due_diligence"})


def _levers_of(sc: Scenario, seat: SeatId, phase: Phase) -> list[tuple[str, Lever]]:
    """The levers ``seat`` holds in ``phase``."""
    return _memoised(
        sc,
        ("levers", seat, phase),
        lambda: [(i, lv) for i, lv in sc.levers.items() if seat in lv.seats and lv.phase == phase],
    )


def _sheet_examples(sheet_id: SheetId) -> tuple[Action, ...]:
    def make() -> tuple[Action, ...]:
        return (Sign(sheet=sheet_id), Reject(sheet=sheet_id), Withdraw(sheet=sheet_id))

    return _memoised(None, ("moves", sheet_id), make)


_STATEMENT = Statement(text="We are studying every option.")


def _messages(sc: Scenario, seat: SeatId, seats: tuple[SeatId, ...]) -> list[Message]:
    def make() -> list[Message]:
        text = f"A word from {sc.seat(seat).name}."
        return [Message(to=(other,), text=text) for other in seats if other != seat]

    return _memoised(sc, ("messages", seat, seats), make)


def _sheet_moves(state: GameState, seat: SeatId) -> list[Action]:
    """Sign, reject, withdraw or counter each open sheet this seat is party to.

    What the rules allow on one sheet depends only on that sheet, the seat, what is
    for sale, whether a deal awaits CFIUS and how many sheets the seat has open
    (its turn and budget are gated before this): the answer is kept per sheet on
    exactly those, so a new offer elsewhere does not recheck every sheet.
    """
    pending = any(s.status in (SheetStatus.SIGNED, SheetStatus.CLEARED) for s in state.sheets)
    live = sum(1 for s in state.sheets if s.proposer == seat and s.status == SheetStatus.OPEN)
    moves: list[Action] = []
    for sheet in state.sheets:
        if sheet.status == SheetStatus.OPEN and seat in sheet.parties:
            moves += _memoised(
                sheet,
                ("moves on", seat, state.for_sale, pending, live),
                lambda sheet=sheet: _moves_on(state, seat, sheet),  # type: ignore[misc]
            )
    return moves


def _moves_on(state: GameState, seat: SeatId, sheet: TermSheet) -> list[Action]:
    sign, reject, withdraw = _sheet_examples(sheet.id)
    # Only the proposer withdraws, only the others reject, and a seat signs once: the
    # other candidates are not even tried (check_sheet_move still judges the rest).
    tries = [withdraw] if seat == sheet.proposer else [reject]
    if seat not in sheet.signatures:
        tries.append(sign)
    moves = [m for m in tries if _ok(check_sheet_move, state, seat, m)]
    counter = _counter(state, seat, sheet.terms, sheet.id)
    if _ok(check_proposal, state, seat, counter):
        moves.append(counter)
    return moves


def _counter(state: GameState, seat: SeatId, terms: Terms, sheet_id: SheetId) -> Propose:
    """The same terms, with the price moved a step in this seat's favour."""
    step = -1 if seat in terms.buyer_seats else 1
    rules = state.scenario.term_sheets
    price = max(rules.price_min, min(rules.price_max, terms.price + step))
    return _memoised(
        terms,
        ("counter", sheet_id, price),
        lambda: Propose(terms=terms.model_copy(update={"price": price}), replaces=sheet_id),
    )


def _lever_examples(state: GameState, lever_id: str, lever: Lever) -> list[UseLever]:
    if lever.mechanic in ("endorse_deal", "oppose_deal", "clear_deal", "block_deal"):
        return [
            UseLever(lever=lever_id, sheet=s.id)
            for s in state.sheets
            if s.status in (SheetStatus.SIGNED, SheetStatus.CLEARED)
        ]

    def make() -> list[UseLever]:
        if lever.mechanic == "set_mitigations":
            return [UseLever(lever=lever_id, mitigations=tuple(Mitigation))] + [
                UseLever(lever=lever_id, mitigations=(m,)) for m in Mitigation
            ]
        if lever.options:
            return [UseLever(lever=lever_id, option=o) for o in lever.options]
        return [UseLever(lever=lever_id)]

    return _memoised(lever, ("lever", lever_id), make)


def _proposals(state: GameState, seat: SeatId) -> list[Propose]:
    """Typical term sheets this seat could propose: each buyer set, scope and a fair price."""
    sc = state.scenario
    if seat not in sc.parties:
        return []
    value = state.tracks[sc.term_sheets.value_track]
    return _memoised(
        sc,
        ("proposals", seat, state.for_sale, value),
        lambda: list(_make_proposals(sc, seat, state.for_sale, value)),
    )


def _make_proposals(sc: Scenario, seat: SeatId, for_sale: Scope, value: int) -> Iterator[Propose]:
    buyers = sc.roles.buyers
    buyer_sets: list[tuple[Stake, ...]] = [(Stake(seat=b, percent=100),) for b in buyers]
    if len(buyers) >= 2:
        buyer_sets.append((Stake(seat=buyers[0], percent=60), Stake(seat=buyers[1], percent=40)))
    rules = sc.term_sheets
    for stakes in buyer_sets:
        if seat != sc.roles.seller and seat not in {s.seat for s in stakes}:
            continue
        # One example per buyer set; any scope up to what is for sale is also legal.
        yield Propose(
            terms=Terms(
                buyers=stakes,
                seller_stake=0,
                scope=Scope.US if for_sale.rank >= 0 else for_sale,
                price=max(rules.price_min, min(value, rules.price_max)),
                algorithm=Algorithm.LICENSE,
                us_storage=True,
                us_board_majority=True,
                rounds_to_close=min(2, rules.rounds_to_close_max),
            )
        )
