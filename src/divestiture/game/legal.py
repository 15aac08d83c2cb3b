"""Which actions a seat may take now.

``legal_actions`` lists concrete actions that ``apply`` will accept. Actions with
free parameters (a term sheet's price, a message's text) are represented by a
few typical examples; ``apply`` accepts any parameters that pass the rules.

Each kind of action is gated once (seat, phase, turn, budget, requirements:
``checks.move_gate`` and ``checks.lever_gate``); only the kinds that are open
have their examples checked one by one, by the same checks ``apply`` makes.
Examples are immutable and made once: those that depend only on the rules are
kept per scenario (``_Examples``), a counter-offer per sheet's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from divestiture.game.actions import (
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
from divestiture.game.checks import (
    check_lever_use,
    check_move_on,
    check_offer,
    lever_gate,
    move_gate,
)
from divestiture.game.errors import GameError
from divestiture.game.records import trusted
from divestiture.game.scenario import SHEET_MECHANICS, Lever, Scenario
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import (
    BEFORE_CFIUS,
    OPEN,
    OVER,
    Algorithm,
    Mitigation,
    Phase,
    Scope,
    SeatId,
    SheetId,
)

_PASS = Pass()
_STATEMENT = Statement(text="We are studying every option.")

# Levers whose use takes no parameter: once the gate is open, the one example is legal.
_NO_PARAMETERS = frozenset({"effects", "extend_deadline", "due_diligence"})


def legal_actions(state: GameState, seat: SeatId) -> list[Action]:
    """Every kind of action ``seat`` may take now, each as a concrete example."""
    if state.phase == OVER or seat not in state.seats:
        return []
    ex = _examples(state.scenario)
    out: list[Action] = []
    if _ok(move_gate, state, seat, "message"):
        out += ex.messages[seat]
    if state.seats[seat].passed:
        return out  # only talk is left to a seat that has passed
    out.append(_PASS)
    if _ok(move_gate, state, seat, "statement"):
        out.append(_STATEMENT)
    if seat in ex.proposers and _ok(move_gate, state, seat, "propose"):
        out += _sheet_moves(state, seat)
        # The examples differ only in their buyers, each valid by construction: what
        # can still refuse them (the seat's open-sheet limit) refuses all alike.
        proposals = ex.proposals(seat, state.for_sale, state.tracks[ex.value_track])
        if proposals and _ok(check_offer, state, seat, proposals[0].terms, None):
            out += proposals
    for lever_id, lever, examples in ex.levers.get((seat, state.phase), ()):
        if lever.once and (seat, lever_id) in state.used_once:
            continue  # spent for the game; not worth a refusal from the gate
        if not _ok(lever_gate, state, seat, lever_id):
            continue
        if lever.mechanic in _NO_PARAMETERS:
            out += examples
            continue
        if lever.mechanic in SHEET_MECHANICS:
            examples = _sheet_lever_examples(state, lever_id)  # noqa: PLW2901 - per state
        out += [u for u in examples if _ok(check_lever_use, state, seat, lever, u)]
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


# --- examples that depend only on the rules -------------------------------------------


class _Examples:
    """The example actions of one scenario that no state changes, made once."""

    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.value_track = sc.term_sheets.value_track
        self.proposers = frozenset(sc.moves.propose.seats)
        seats = sc.seat_ids
        self.messages: dict[SeatId, tuple[Message, ...]] = {
            seat: tuple(
                Message(to=(other,), text=f"A word from {sc.seat(seat).name}.")
                for other in seats
                if other != seat
            )
            for seat in seats
        }
        # (seat, phase) -> the levers it holds then, each with its parameter examples.
        self.levers: dict[tuple[SeatId, Phase], list[tuple[str, Lever, tuple[UseLever, ...]]]] = {}
        for lever_id, lever in sc.levers.items():
            examples = _lever_examples(lever_id, lever)
            for seat in lever.seats:
                self.levers.setdefault((seat, lever.phase), []).append((lever_id, lever, examples))
        self._proposals: dict[tuple[SeatId, Scope, int], tuple[Propose, ...]] = {}

    def proposals(self, seat: SeatId, for_sale: Scope, value: int) -> tuple[Propose, ...]:
        """Typical term sheets ``seat`` could propose: each buyer set, at the value track."""
        key = (seat, for_sale, value)
        found = self._proposals.get(key)
        if found is None:
            found = self._proposals[key] = tuple(_make_proposals(self.sc, seat, for_sale, value))
        return found


_by_scenario: dict[int, _Examples] = {}


def _examples(sc: Scenario) -> _Examples:
    # Each entry holds its scenario, so a scenario's id cannot be reused while it lives.
    found = _by_scenario.get(id(sc))
    if found is None or found.sc is not sc:
        if len(_by_scenario) > 64:
            _by_scenario.clear()
        found = _by_scenario[id(sc)] = _Examples(sc)
    return found


def _lever_examples(lever_id: str, lever: Lever) -> tuple[UseLever, ...]:
    """A lever's uses with each of its parameters (none for a lever on a sheet: see
    ``_sheet_lever_examples``)."""
    if lever.mechanic in SHEET_MECHANICS:
        return ()
    if lever.mechanic == "set_mitigations":
        return (
            UseLever(lever=lever_id, mitigations=tuple(Mitigation)),
            *(UseLever(lever=lever_id, mitigations=(m,)) for m in Mitigation),
        )
    if lever.options:
        return tuple(UseLever(lever=lever_id, option=o) for o in lever.options)
    return (UseLever(lever=lever_id),)


def _make_proposals(sc: Scenario, seat: SeatId, for_sale: Scope, value: int) -> Iterator[Propose]:
    if seat not in sc.parties:
        return
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


# --- examples on the sheets of the moment ---------------------------------------------


def _sheet_moves(state: GameState, seat: SeatId) -> list[Action]:
    """Sign, reject, withdraw or counter each open sheet this seat is party to."""
    moves: list[Action] = []
    for sheet in state.sheets:
        if sheet.status != OPEN or seat not in sheet.parties:
            continue
        sign, reject, withdraw = _sheet_examples(sheet.id)
        # Only the proposer withdraws, only the others reject, and a seat signs once: the
        # other candidates are not even tried (check_move_on still judges the rest).
        first = withdraw if seat == sheet.proposer else reject
        if _ok(check_move_on, state, seat, first, sheet):
            moves.append(first)
        if seat not in sheet.signatures and _ok(check_move_on, state, seat, sign, sheet):
            moves.append(sign)
        counter = _counter(state, seat, sheet)
        if _ok(check_offer, state, seat, counter.terms, sheet):
            moves.append(counter)
    return moves


_on_sheet: dict[SheetId, tuple[Sign, Reject, Withdraw]] = {}


def _sheet_examples(sheet_id: SheetId) -> tuple[Sign, Reject, Withdraw]:
    """Sign, reject and withdraw of one sheet (they name only its id)."""
    found = _on_sheet.get(sheet_id)
    if found is None:
        if len(_on_sheet) > 4096:
            _on_sheet.clear()
        found = _on_sheet[sheet_id] = (
            Sign(sheet=sheet_id),
            Reject(sheet=sheet_id),
            Withdraw(sheet=sheet_id),
        )
    return found


_counters: dict[tuple[int, SheetId, int], tuple[Terms, Propose]] = {}


def _counter(state: GameState, seat: SeatId, sheet: TermSheet) -> Propose:
    """The same terms, with the price moved a step in this seat's favour.

    Kept by the sheet's terms (an entry holds them, so their id cannot be reused): a
    sheet's terms stay the same object while its status and signatures change.
    """
    terms = sheet.terms
    step = -1 if seat in terms.buyer_seats else 1
    rules = state.scenario.term_sheets
    price = max(rules.price_min, min(rules.price_max, terms.price + step))
    key = (id(terms), sheet.id, price)
    hit = _counters.get(key)
    if hit is None or hit[0] is not terms:
        if len(_counters) > 4096:
            _counters.clear()
        # Built from valid parts (the sheet's terms, a price within the bounds): not
        # validated again (divestiture.game.records).
        new_terms = terms.model_copy(update={"price": price})
        counter = trusted(Propose, {"terms": new_terms, "replaces": sheet.id})
        hit = _counters[key] = (terms, counter)
    return hit[1]


def _sheet_lever_examples(state: GameState, lever_id: str) -> tuple[UseLever, ...]:
    """A lever on a deal (endorse, oppose, clear, block) used on each signed deal."""
    return tuple(
        UseLever(lever=lever_id, sheet=s.id) for s in state.sheets if s.status in BEFORE_CFIUS
    )
