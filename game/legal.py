"""Which actions a seat may take now.

``legal_actions`` lists concrete actions that ``apply`` will accept. Actions with
free parameters (a term sheet's price, a message's text) are represented by a
few typical examples; ``apply`` accepts any parameters that pass the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from game.checks import check
from game.errors import GameError
from game.state import GameState
from game.types import Algorithm, Mitigation, Scope, SeatId, SheetId, SheetStatus


def legal_actions(state: GameState, seat: SeatId) -> list[Action]:
    """Every kind of action ``seat`` may take now, each as a concrete example."""
    if state.over or seat not in state.seats:
        return []
    out: list[Action] = []
    for action in _candidates(state, seat):
        try:
            check(state, seat, action)
        except GameError:
            continue
        out.append(action)
    return out


def can_act(state: GameState, seat: SeatId) -> bool:
    """Whether the game is waiting for ``seat`` (it has not passed this phase)."""
    return not state.over and seat in state.seats and not state.seats[seat].passed


def _candidates(state: GameState, seat: SeatId) -> Iterator[Action]:
    sc = state.scenario
    yield Pass()
    others = [s for s in state.seats if s != seat]
    for other in others:
        yield Message(to=(other,), text=f"A word from {sc.seat(seat).name}.")
    yield Statement(text="We are studying every option.")
    for sheet in state.sheets:
        if seat in sheet.parties and sheet.status == SheetStatus.OPEN:
            yield Sign(sheet=sheet.id)
            yield Reject(sheet=sheet.id)
            yield Withdraw(sheet=sheet.id)
            yield _counter(state, seat, sheet.terms, sheet.id)
    yield from _proposals(state, seat)
    for lever_id, lever in sc.levers.items():
        if seat not in lever.seats or lever.phase != state.phase:
            continue
        if lever.mechanic in ("endorse_deal", "oppose_deal", "clear_deal", "block_deal"):
            for sheet in state.sheets:
                yield UseLever(lever=lever_id, sheet=sheet.id)
        elif lever.mechanic == "set_mitigations":
            yield UseLever(lever=lever_id, mitigations=tuple(Mitigation))
            for m in Mitigation:
                yield UseLever(lever=lever_id, mitigations=(m,))
        elif lever.options:
            for option in lever.options:
                yield UseLever(lever=lever_id, option=option)
        else:
            yield UseLever(lever=lever_id)


def _counter(state: GameState, seat: SeatId, terms: Terms, sheet_id: SheetId) -> Propose:
    """The same terms, with the price moved a step in this seat's favour."""
    step = -1 if seat in terms.buyer_seats else 1
    rules = state.scenario.term_sheets
    price = max(rules.price_min, min(rules.price_max, terms.price + step))
    return Propose(terms=terms.model_copy(update={"price": price}), replaces=sheet_id)


def _proposals(state: GameState, seat: SeatId) -> Iterator[Action]:
    """Typical term sheets this seat could propose: each buyer set, scope and a fair price."""
    sc = state.scenario
    if seat not in sc.parties:
        return
    buyers = sc.roles.buyers
    buyer_sets: list[tuple[Stake, ...]] = [(Stake(seat=b, percent=100),) for b in buyers]
    if len(buyers) >= 2:
        buyer_sets.append((Stake(seat=buyers[0], percent=60), Stake(seat=buyers[1], percent=40)))
    value = state.tracks[sc.term_sheets.value_track]
    for stakes in buyer_sets:
        if seat != sc.roles.seller and seat not in {s.seat for s in stakes}:
            continue
        for scope in Scope:
            if scope.rank > state.for_sale.rank:
                continue
            price = value * (3 if scope == Scope.GLOBAL else 1) + scope.rank * 2
            for algorithm, data_terms in (
                (Algorithm.LICENSE, False),
                (Algorithm.TRANSFER, True),
            ):
                yield Propose(
                    terms=Terms(
                        buyers=stakes,
                        seller_stake=0,
                        scope=scope,
                        price=max(sc.term_sheets.price_min, min(price, sc.term_sheets.price_max)),
                        algorithm=algorithm,
                        us_storage=data_terms,
                        source_code_review=data_terms,
                        us_board_majority=True,
                        security_committee=data_terms,
                        rounds_to_close=min(2, sc.term_sheets.rounds_to_close_max),
                    )
                )
