"""The term-sheet composer's model: a draft as typed, and why it cannot be sent yet.

Pure (no pygame): ``problems(view, scenario, draft)`` checks a draft against what
a seat can know — the public rules and its own view — the way the engine's
``check_terms`` checks a proposal against the state, so the player learns what
is wrong before sending and the engine rarely has to refuse. Numbers stay text
until checked, so "price must be a whole number" can be said about "2O".

``warnings`` says what would get a valid sheet blocked once signed: the regulator
(the rules' ``roles.regulator``) may clear only a deal that carries every safeguard
it published as required and covers any scope it ordered sold (the engine's
``ClearDeal``). Such a sheet may still be sent; the player is told first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pydantic import ValidationError

from divestiture.game.actions import Propose, Stake, Terms
from divestiture.game.bots.base import in_a_sentence
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.types import Algorithm, Mitigation, Phase, Scope, SeatId, SheetId, SheetStatus
from divestiture.game.views import GameView
from divestiture.game.wording import safeguard_names, seat_word, subject


@dataclass(frozen=True)
class Draft:
    """A term sheet being written. Stakes, price and rounds are the text typed."""

    buyers: tuple[tuple[SeatId, str], ...] = ()
    seller_stake: str = "0"
    scope: str = Scope.US.value
    price: str = ""
    algorithm: str = Algorithm.LICENSE.value
    mitigations: frozenset[str] = field(default_factory=frozenset)
    rounds_to_close: str = "2"
    note: str = ""
    replaces: SheetId | None = None

    def with_buyer(self, seat: SeatId, stake: str | None) -> Draft:
        """The draft with ``seat`` buying ``stake`` percent, or removed when None."""
        rest = tuple((s, p) for s, p in self.buyers if s != seat)
        if stake is None:
            return replace(self, buyers=rest)
        kept = dict(self.buyers)
        kept[seat] = stake
        order = [s for s, _ in self.buyers] + ([seat] if seat not in dict(self.buyers) else [])
        return replace(self, buyers=tuple((s, kept[s]) for s in order))

    def toggled(self, mitigation: str, on: bool) -> Draft:
        chosen = set(self.mitigations)
        (chosen.add if on else chosen.discard)(mitigation)
        return replace(self, mitigations=frozenset(chosen))


def _whole(text: str, what: str, errors: list[str]) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        errors.append(f"{what} must be a whole number (got '{text.strip()}')")
        return None


def problems(view: GameView, scenario: Scenario, draft: Draft) -> list[str]:
    """Every reason ``draft`` cannot be proposed now, in plain words; [] when it can.

    Args:
        view: the proposing seat's latest view (``viewer`` is the proposer).
        scenario: the public rules the view was made from.
        draft: the composer's fields.
    """
    errors: list[str] = []
    rules = scenario.term_sheets
    me = view.viewer
    seller = scenario.roles.seller
    errors += _can_propose(view, scenario, draft)
    if not draft.buyers:
        errors.append("Choose at least one buyer")
    stakes: dict[str, int] = {}
    for seat, text in draft.buyers:
        if seat not in scenario.roles.buyers:
            errors.append(f"{seat_word(scenario, seat)} cannot be a buyer")
        value = _whole(text, f"{seat_word(scenario, seat)}'s stake", errors)
        if value is not None:
            if not 1 <= value <= 100:
                errors.append(f"{seat_word(scenario, seat)}'s stake must be 1–100% (got {value}%)")
            stakes[seat] = value
    kept = _whole(draft.seller_stake, f"{seat_word(scenario, seller)}'s retained stake", errors)
    if kept is not None and not 0 <= kept <= 99:
        errors.append(f"{seat_word(scenario, seller)} can keep 0–99% (got {kept}%)")
    if kept is not None and len(stakes) == len(draft.buyers) and draft.buyers:
        total = sum(stakes.values()) + kept
        if total != 100:
            errors.append(f"Stakes add up to {total}%, not 100%")
    if me != seller and me not in dict(draft.buyers):
        errors.append(f"You ({seat_word(scenario, me)}) must be one of the buyers")
    price = _whole(draft.price, "Price", errors) if draft.price.strip() else None
    if not draft.price.strip():
        errors.append("Enter a price in $B")
    elif price is not None and not rules.price_min <= price <= rules.price_max:
        errors.append(f"Price must be ${rules.price_min}B–${rules.price_max}B (got ${price}B)")
    rounds = _whole(draft.rounds_to_close, "Rounds to close", errors)
    if rounds is not None and not 1 <= rounds <= rules.rounds_to_close_max:
        errors.append(f"Rounds to close must be 1–{rules.rounds_to_close_max} (got {rounds})")
    if draft.scope not in Scope.__members__.values():
        errors.append(f"'{draft.scope}' is not a scope")
    elif Scope(draft.scope).rank > view.for_sale.rank:
        offered = scenario.scope_names.get(view.for_sale, view.for_sale)
        errors.append(subject(scenario, seller, f"has put only {offered} up for sale"))
    if draft.algorithm not in Algorithm.__members__.values():
        errors.append(f"'{draft.algorithm}' is not an algorithm term")
    for m in sorted(draft.mitigations):
        if m not in Mitigation.__members__.values():
            errors.append(f"'{m}' is not a data or governance term")
    if len(draft.note) > rules.message_max_chars:
        limit = rules.message_max_chars
        errors.append(f"The note has {len(draft.note)} characters; the limit is {limit}")
    if not errors:
        # Anything the checks above missed, the actions model itself refuses.
        try:
            to_terms(draft)
        except ValidationError as e:
            errors += [str(err["msg"]).removeprefix("Value error, ") for err in e.errors()]
    return errors


def requirements(view: GameView, scenario: Scenario) -> str:
    """The regulator's published requirements in one line, for beside the safeguards."""
    regulator = scenario.seat_name(scenario.roles.regulator)
    names = safeguard_names(scenario, view.required_mitigations)
    if not names:
        return f"{regulator} has published no required safeguards yet."
    return f"{regulator} requires: {', '.join(names)}."


def scope_order(view: GameView, scenario: Scenario) -> str:
    """The divestiture the regulator ordered, in one line, for beside the scope."""
    regulator = scenario.seat_name(scenario.roles.regulator)
    ordered = view.divestiture_scope
    if ordered is None:
        return f"{regulator} has ordered no divestiture."
    return f"{regulator} ordered the sale of {scenario.scope_names[ordered]}."


def warnings(view: GameView, scenario: Scenario, draft: Draft) -> list[str]:
    """Why the regulator would block a deal on ``draft``'s terms once it is signed: each
    required safeguard it lacks, and a scope short of the one ordered sold; [] if none."""
    regulator = scenario.seat_name(scenario.roles.regulator)
    missing = [m for m in view.required_mitigations if m.value not in draft.mitigations]
    names = [in_a_sentence(name) for name in safeguard_names(scenario, missing)]
    found = []
    if names:
        listed = (
            " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"
        )
        them = "it" if len(names) == 1 else "them"
        found.append(f"{regulator} requires {listed}: a deal without {them} will be blocked")
    ordered = view.divestiture_scope
    if ordered is not None and draft.scope in _SCOPES and Scope(draft.scope).rank < ordered.rank:
        scopes = scenario.scope_names
        found.append(
            f"{regulator} ordered the sale of {scopes[ordered]}: a deal for only "
            f"{scopes[Scope(draft.scope)]} will be blocked"
        )
    return found


_SCOPES = frozenset(s.value for s in Scope)


def _can_propose(view: GameView, scenario: Scenario, draft: Draft) -> list[str]:
    """Whether this seat may put a sheet on the table at all, as far as its view tells."""
    me = SeatId(view.viewer)
    if view.outcome is not None:
        return ["The game is over"]
    if not view.started:
        return ["Your teacher has not started the week yet"]
    if view.paused:
        return ["Play is paused by your teacher: send it when play resumes"]
    if me not in scenario.moves.propose.seats:
        return [f"{seat_word(scenario, me)} cannot propose term sheets"]
    if view.phase not in scenario.moves.propose.phases:
        return [f"Term sheets are proposed in the negotiate phase, not {view.phase}"]
    if not any(s.id == me and s.waiting for s in view.seats):
        return ["You have passed for this phase"]
    if draft.replaces is not None:
        sheet = next((s for s in view.sheets if s.id == draft.replaces), None)
        if sheet is None or sheet.status != SheetStatus.OPEN:
            return [f"{draft.replaces} is no longer open, so it cannot be countered"]
        return []
    live = sum(1 for s in view.sheets if s.proposer == me and s.status == SheetStatus.OPEN)
    limit = scenario.term_sheets.max_live_per_proposer
    if live >= limit:
        return [f"You already have {limit} open term sheets; withdraw one first"]
    if not any(isinstance(a, Propose) and a.replaces is None for a in view.legal):
        return ["You have no deal moves left this phase"]
    return []


def to_terms(draft: Draft) -> Terms:
    """The draft as Terms (raises ValueError or pydantic's ValidationError)."""
    return Terms(
        buyers=tuple(Stake(seat=s, percent=int(p)) for s, p in draft.buyers),
        seller_stake=int(draft.seller_stake),
        scope=Scope(draft.scope),
        price=int(draft.price),
        algorithm=Algorithm(draft.algorithm),
        us_storage=Mitigation.US_STORAGE in draft.mitigations,
        source_code_review=Mitigation.SOURCE_CODE_REVIEW in draft.mitigations,
        us_board_majority=Mitigation.US_BOARD_MAJORITY in draft.mitigations,
        security_committee=Mitigation.SECURITY_COMMITTEE in draft.mitigations,
        rounds_to_close=int(draft.rounds_to_close),
    )


def to_action(draft: Draft) -> Propose:
    """The Propose a valid draft becomes (check ``problems`` first)."""
    return Propose(terms=to_terms(draft), replaces=draft.replaces, note=draft.note.strip())


def from_terms(terms: Terms, replaces: SheetId | None = None, note: str = "") -> Draft:
    """A draft holding ``terms``: a counter-offer starts from the sheet it answers."""
    return Draft(
        buyers=tuple((b.seat, str(b.percent)) for b in terms.buyers),
        seller_stake=str(terms.seller_stake),
        scope=terms.scope.value,
        price=str(terms.price),
        algorithm=terms.algorithm.value,
        mitigations=frozenset(m.value for m in terms.mitigations),
        rounds_to_close=str(terms.rounds_to_close),
        note=note,
        replaces=replaces,
    )


def counter_of(sheet: TermSheet) -> Draft:
    """A counter-offer to ``sheet``, starting from its terms."""
    return from_terms(sheet.terms, replaces=sheet.id)


def fresh(view: GameView, scenario: Scenario) -> Draft:
    """A sensible first draft: the seat buys all of what is for sale near the value track."""
    me = SeatId(view.viewer)
    buyer = me if me in scenario.roles.buyers else scenario.roles.buyers[0]
    value = next((t.value for t in view.tracks if t.id == scenario.term_sheets.value_track), 0)
    rules = scenario.term_sheets
    price = max(rules.price_min, min(rules.price_max, value))
    return Draft(
        buyers=((buyer, "100"),),
        seller_stake="0",
        scope=view.for_sale.value,
        price=str(price) if price else "",
        rounds_to_close=str(min(2, rules.rounds_to_close_max)),
    )


def can_compose(view: GameView) -> bool:
    """Whether the composer has anything to offer this seat now (a new sheet or a counter)."""
    return view.phase == Phase.NEGOTIATE and any(a.type == "propose" for a in view.legal)
