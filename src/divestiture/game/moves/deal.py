"""Deal moves on term sheets: propose (or counter), sign, reject and withdraw.

Each is a deal move: it spends one of the seat's deal moves for the phase, and may
carry a cover note, a private message to the sheet's other parties.
"""

from __future__ import annotations

from collections.abc import Sequence

from divestiture.game.actions import Action, Propose, Reject, Sign, Stake, Terms, Withdraw
from divestiture.game.changes import count_deal_move, get_sheet, put_sheet, set_seat
from divestiture.game.checks import check_text, move_gate, says, sheet_facts, visible_sheet
from divestiture.game.errors import GameError, IllegalAction, InvalidAction
from divestiture.game.events import (
    DealSigned,
    Event,
    MessageSent,
    Proposed,
    Rejected,
    Signed,
    Withdrawn,
)
from divestiture.game.moves.base import Rules
from divestiture.game.scenario import Scenario
from divestiture.game.state import ChatMessage, GameState, TermSheet
from divestiture.game.types import OPEN, Algorithm, Scope, SeatId, SheetId, SheetStatus
from divestiture.game.wording import capitalised, seat_word

SheetMove = Sign | Reject | Withdraw


# -- propose --------------------------------------------------------------------------------


class ProposeRules(Rules[Propose]):
    """A term sheet on the table, signed by its proposer; a counter replaces the open
    sheet it answers."""

    type = "propose"

    def gate(self, state: GameState, seat: SeatId) -> None:
        move_gate(state, seat, "propose")

    def check(self, state: GameState, seat: SeatId, action: Propose) -> None:
        if action.note:
            check_text(state, action.note)
        old = visible_sheet(state, seat, action.replaces) if action.replaces is not None else None
        check_offer(state, seat, action.terms, old)

    def apply(
        self, state: GameState, seat: SeatId, action: Propose, events: list[Event]
    ) -> GameState:
        sc = state.scenario
        state = count_deal_move(state, seat)
        sheet_id = SheetId(f"ts-{len(state.sheets) + 1}")
        sheet = TermSheet.new(
            sheet_id, seat, action.terms, sc.roles.seller, state.round, action.replaces
        )
        parties = frozenset(sheet.parties)
        told = frozenset[SeatId]()  # the parties who may know of the sheet it counters
        if action.replaces is not None:
            old = get_sheet(state, action.replaces)
            state = put_sheet(state, old.with_status(SheetStatus.SUPERSEDED))
            told = parties & frozenset(old.parties)
            counter = Proposed(seat=seat, sheet=sheet_id, terms=action.terms, replaces=old.id)
            events.append(Event(counter, told))
        if parties - told:  # to the others, a new sheet: the one it counters is not theirs
            events.append(
                Event(Proposed(seat=seat, sheet=sheet_id, terms=action.terms), parties - told)
            )
        state = state.evolve(sheets=(*state.sheets, sheet))
        # A new offer calls its other parties back to the table (while they have moves left).
        limit = sc.rounds.negotiate_actions_per_seat
        for party in sorted(parties - {seat}):
            if state.seats[party].passed and state.seats[party].deal_moves < limit:
                state = set_seat(state, party, passed=False)
        return cover_note(state, seat, action.note, sheet, events)

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        """Typical new term sheets: each set of buyers this seat may propose for, the US
        business (always for sale) at the value track's price."""
        sc = state.scenario
        rules = sc.term_sheets
        price = max(rules.price_min, min(state.tracks[rules.value_track], rules.price_max))
        proposals = sc.kept(("proposals", seat, price), lambda: _proposals(sc, seat, price))
        # Each is valid by construction and they differ only in their buyers: what can
        # still refuse them (the seat's open-sheet limit) refuses all alike.
        if not proposals:
            return ()
        try:
            check_offer(state, seat, proposals[0].terms, None)
        except GameError:
            return ()
        return proposals

    def counter(self, state: GameState, seat: SeatId, sheet: TermSheet) -> Propose:
        """A counter to ``sheet``: the same terms, the price a step in this seat's favour."""
        terms = sheet.terms
        step = -1 if seat in terms.buyer_seats else 1
        rules = state.scenario.term_sheets
        price = max(rules.price_min, min(rules.price_max, terms.price + step))
        return Propose(terms=terms.model_copy(update={"price": price}), replaces=sheet.id)

    def title(self, sc: Scenario, action: Propose) -> str:
        return f"Counter {action.replaces}" if action.replaces else "Propose a term sheet"

    def label(self, sc: Scenario, action: Propose) -> str:
        return f"counters {action.replaces}" if action.replaces else "proposes a term sheet"

    def describe(self, action: Propose) -> str:
        return "propose" + (f" (countering {action.replaces})" if action.replaces else "")


def _proposals(sc: Scenario, seat: SeatId, price: int) -> tuple[Propose, ...]:
    if seat not in sc.parties:
        return ()
    buyers = sc.roles.buyers
    buyer_sets: list[tuple[Stake, ...]] = [(Stake(seat=b, percent=100),) for b in buyers]
    if len(buyers) >= 2:
        buyer_sets.append((Stake(seat=buyers[0], percent=60), Stake(seat=buyers[1], percent=40)))
    return tuple(
        Propose(
            terms=Terms(
                buyers=stakes,
                seller_stake=0,
                scope=Scope.US,
                price=price,
                algorithm=Algorithm.LICENSE,
                us_storage=True,
                us_board_majority=True,
                rounds_to_close=min(2, sc.term_sheets.rounds_to_close_max),
            )
        )
        for stakes in buyer_sets
        if seat == sc.roles.seller or seat in {s.seat for s in stakes}
    )


def check_offer(state: GameState, seat: SeatId, terms: Terms, old: TermSheet | None) -> None:
    """A proposal of ``terms`` by ``seat``, countering ``old`` if given."""
    check_terms(state, seat, terms)
    live = sheet_facts(state).open_by.get(seat, 0)
    limit = state.scenario.term_sheets.max_live_per_proposer
    if old is not None:
        if seat not in old.parties:
            raise IllegalAction(says(state, seat, f"is not party to {old.id}"))
        if old.status != OPEN:
            raise IllegalAction(f"{old.id} is {old.status}, not open")
        if old.proposer == seat:
            live -= 1  # the counter replaces it
    if live >= limit:
        raise IllegalAction(says(state, seat, f"has {limit} open term sheets already"))


def check_terms(state: GameState, proposer: SeatId, terms: Terms) -> None:
    """Raise if ``terms`` break the scenario's rules for a sheet ``proposer`` puts forward."""
    sc = state.scenario
    rules = sc.term_sheets
    for b in terms.buyers:
        if b.seat not in sc.roles.buyers:
            raise InvalidAction(f"{seat_word(sc, b.seat)} is not a buyer")
    if proposer != sc.roles.seller and proposer not in terms.buyer_seats:
        raise IllegalAction(says(state, proposer, "would not be party to this term sheet"))
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
            says(
                state,
                sc.roles.seller,
                f"has put only {sc.scope_names[state.for_sale]} up for sale, "
                f"not {sc.scope_names[terms.scope]}",
            )
        )


def cover_note(
    state: GameState, seat: SeatId, note: str, sheet: TermSheet, events: list[Event]
) -> GameState:
    """A deal move's cover note: a private message to the sheet's other parties."""
    if not note:
        return state
    to = tuple(p for p in sheet.parties if p != seat)
    msg = ChatMessage(sender=seat, to=to, text=note, round=state.round)
    sent = MessageSent(seat=seat, to=to, text=note, sheet=sheet.id)
    events.append(Event(sent, frozenset((*to, seat))))
    return state.evolve(messages=(*state.messages, msg))


# -- moves on a sheet -------------------------------------------------------------------------


class _OnSheet(Rules[SheetMove]):
    """What sign, reject and withdraw share: a sheet this seat is party to, still open."""

    model: type[SheetMove]

    def example(self, sc: Scenario, sheet_id: SheetId) -> SheetMove:
        """This move on the sheet ``sheet_id`` (sheets are numbered alike in every game)."""
        return sc.kept((self.type, sheet_id), lambda: self.model(sheet=sheet_id))

    def gate(self, state: GameState, seat: SeatId) -> None:
        move_gate(state, seat, self.type)

    def check(self, state: GameState, seat: SeatId, action: SheetMove) -> None:
        if action.note:
            check_text(state, action.note)
        self.check_on(state, seat, visible_sheet(state, seat, action.sheet))

    def check_on(self, state: GameState, seat: SeatId, sheet: TermSheet) -> None:
        """This move on ``sheet`` (the sheet the action names)."""
        if seat not in sheet.parties:
            raise IllegalAction(says(state, seat, f"is not party to {sheet.id}"))
        if sheet.status != OPEN:
            raise IllegalAction(f"{sheet.id} is {sheet.status}, not open")

    def apply(
        self, state: GameState, seat: SeatId, action: SheetMove, events: list[Event]
    ) -> GameState:
        state = count_deal_move(state, seat)
        sheet = get_sheet(state, action.sheet)
        state = cover_note(state, seat, action.note, sheet, events)
        return self.settle(state, seat, sheet, events)

    def settle(
        self, state: GameState, seat: SeatId, sheet: TermSheet, events: list[Event]
    ) -> GameState:
        """The sheet after this move."""
        raise NotImplementedError

    def title(self, sc: Scenario, action: SheetMove) -> str:
        return f"{capitalised(action.type)} {action.sheet}"

    def label(self, sc: Scenario, action: SheetMove) -> str:
        return f"{action.type}s {action.sheet}"

    def describe(self, action: SheetMove) -> str:
        return f"{action.type} {action.sheet}"


class SignRules(_OnSheet):
    """A party's signature; the last one makes the deal, public, and sends it to CFIUS."""

    type = "sign"
    model = Sign

    def check_on(self, state: GameState, seat: SeatId, sheet: TermSheet) -> None:
        super().check_on(state, seat, sheet)
        if seat in sheet.signatures:
            raise IllegalAction(says(state, seat, f"has already signed {sheet.id}"))
        if sheet.terms.scope.rank > state.for_sale.rank:
            raise IllegalAction(
                f"{state.scenario.scope_names[sheet.terms.scope]} is no longer for sale"
            )
        completes = set(sheet.parties) <= {*sheet.signatures, seat}
        # One deal at a time goes to CFIUS: a signature that would complete a second
        # sheet is refused, whoever gives it (the proposer's own signature is automatic).
        if completes and sheet_facts(state).pending:
            seller = state.scenario.roles.seller
            raise IllegalAction(says(state, seller, "has a signed deal before CFIUS already"))

    def settle(
        self, state: GameState, seat: SeatId, sheet: TermSheet, events: list[Event]
    ) -> GameState:
        sheet = sheet.signed_by(seat)
        events.append(Event(Signed(seat=seat, sheet=sheet.id), frozenset(sheet.parties)))
        if sheet.fully_signed:
            sheet = sheet.with_status(SheetStatus.SIGNED)
            deal = DealSigned(seat=seat, sheet=sheet.id, parties=sheet.parties, terms=sheet.terms)
            events.append(Event(deal))
        return put_sheet(state, sheet)


class RejectRules(_OnSheet):
    """Another party turns the sheet down."""

    type = "reject"
    model = Reject

    def check_on(self, state: GameState, seat: SeatId, sheet: TermSheet) -> None:
        super().check_on(state, seat, sheet)
        if seat == sheet.proposer:
            raise IllegalAction(says(state, seat, f"proposed {sheet.id}; withdraw it instead"))

    def settle(
        self, state: GameState, seat: SeatId, sheet: TermSheet, events: list[Event]
    ) -> GameState:
        events.append(Event(Rejected(seat=seat, sheet=sheet.id), frozenset(sheet.parties)))
        return put_sheet(state, sheet.with_status(SheetStatus.REJECTED))


class WithdrawRules(_OnSheet):
    """The proposer takes its sheet back, before every party has signed it."""

    type = "withdraw"
    model = Withdraw

    def check_on(self, state: GameState, seat: SeatId, sheet: TermSheet) -> None:
        super().check_on(state, seat, sheet)
        if seat != sheet.proposer:
            raise IllegalAction(
                f"only {state.scenario.seat_name(sheet.proposer)}, who proposed it, can withdraw"
            )

    def settle(
        self, state: GameState, seat: SeatId, sheet: TermSheet, events: list[Event]
    ) -> GameState:
        events.append(Event(Withdrawn(seat=seat, sheet=sheet.id), frozenset(sheet.parties)))
        return put_sheet(state, sheet.with_status(SheetStatus.WITHDRAWN))


PROPOSE = ProposeRules()
SIGN, REJECT, WITHDRAW = SignRules(), RejectRules(), WithdrawRules()


def sheet_examples(state: GameState, seat: SeatId, open_kinds: frozenset[str]) -> list[Action]:
    """For each open sheet ``seat`` is party to, in order: withdraw it (its proposer) or
    reject it (another party), sign it, and counter it; those of the ``open_kinds`` (the
    kinds whose gate is open) the rules allow now."""
    moves: list[Action] = []
    for sheet in state.sheets:
        if sheet.status != OPEN or seat not in sheet.parties:
            continue
        first = WITHDRAW if seat == sheet.proposer else REJECT
        if first.type in open_kinds and _allowed(first, state, seat, sheet):
            moves.append(first.example(state.scenario, sheet.id))
        signs = "sign" in open_kinds and seat not in sheet.signatures
        if signs and _allowed(SIGN, state, seat, sheet):
            moves.append(SIGN.example(state.scenario, sheet.id))
        if "propose" not in open_kinds:
            continue
        counter = PROPOSE.counter(state, seat, sheet)
        try:
            check_offer(state, seat, counter.terms, sheet)
        except GameError:
            continue
        moves.append(counter)
    return moves


def _allowed(rules: _OnSheet, state: GameState, seat: SeatId, sheet: TermSheet) -> bool:
    try:
        rules.check_on(state, seat, sheet)
    except GameError:
        return False
    return True
