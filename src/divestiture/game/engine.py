"""The pure engine: ``new_game`` and ``apply``. No I/O, no clock, no global random.

A round runs news -> negotiate -> government -> resolve (``rounds.phases`` in
the rules). News and an empty resolve run by themselves; the other phases end
when every seat that must act has passed (or the clock sends a Timeout).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import NamedTuple

from divestiture.game.actions import (
    Action,
    Message,
    Propose,
    Reject,
    Sign,
    UseLever,
    Withdraw,
)
from divestiture.game.briefs import draw_briefs
from divestiture.game.checks import Actor, check
from divestiture.game.events import Event
from divestiture.game.frozen import FrozenMap
from divestiture.game.scenario import Effects, Lever, Scenario, TrackChange
from divestiture.game.state import ChatMessage, FeedItem, GameState, SeatState, TermSheet
from divestiture.game.types import OutcomeKind, Phase, Scope, SeatId, SheetId, SheetStatus
from divestiture.game.wording import action_label, option_name, subject, terms_text, use_detail


class Step(NamedTuple):
    """The result of an accepted action: the new state and what happened."""

    state: GameState
    events: tuple[Event, ...]


def new_game(scenario: Scenario, seed: int, rounds: int | None = None) -> GameState:
    """Start a game: draw the briefs and shuffle the news deck with ``seed``."""
    return start(scenario, seed, rounds).state


def start(scenario: Scenario, seed: int, rounds: int | None = None) -> Step:
    """Start a game and return it with its opening events (the first news card).

    Args:
        scenario: a loaded, valid scenario.
        seed: decides every hidden draw; the same seed gives the same game.
        rounds: override the scenario's number of rounds (a room option).
    """
    rng = random.Random(seed)
    seats = scenario.seat_ids
    briefs = draw_briefs(scenario, rng)
    cards = [c.id for c in scenario.news.cards if c.id != scenario.news.first]
    rng.shuffle(cards)
    if scenario.news.first is not None:
        cards.insert(0, scenario.news.first)
    count = rounds if rounds is not None else scenario.rounds.count
    state = GameState(
        scenario=scenario,
        seed=seed,
        version=0,
        round=1,
        deadline=count,
        phase=Phase.NEWS,
        tracks=FrozenMap({tid: t.start for tid, t in scenario.tracks.items()}),
        flags=frozenset(),
        seats=FrozenMap({s: SeatState(brief=FrozenMap(briefs[s])) for s in seats}),
        deck=tuple(cards),
        news=(),
        for_sale=scenario.start_for_sale,
    )
    events: list[Event] = []
    state = _start_round(state, events)
    return Step(state, tuple(events))


def apply(state: GameState, seat: Actor, action: Action) -> Step:
    """Apply ``action`` by ``seat`` and return the new state and its events.

    Raises:
        GameError: the action is refused; ``state`` is unchanged (it is immutable).
    """
    check(state, seat, action)
    events: list[Event] = []
    # Dispatch on the action's tag (the ``type`` that its JSON carries too).
    if action.type == "timeout":
        state = _timeout(state, events).evolve(version=state.version + 1)
        return Step(_advance(state, events), tuple(events))
    sid = SeatId(seat)  # check() has made sure it is a seat of this game
    if action.rationale:
        # Kept for the facilitator and the debrief; other seats never see it.
        does = subject(state.scenario, sid, action_label(state.scenario, action))
        text = f"{does}: {action.rationale}"
        events.append(Event("rationale", text, frozenset((sid,)), sid))
    state = _execute(state, sid, action, events).evolve(version=state.version + 1)
    if state.seats[sid].passed:
        # Only an action that leaves its seat passed can have finished the phase: while
        # the acting seat is still to act, the phase goes on.
        state = _advance(state, events)
    return Step(state, tuple(events))


# --- one action ---------------------------------------------------------------------


def _execute(state: GameState, seat: SeatId, action: Action, events: list[Event]) -> GameState:
    if action.type == "pass":
        events.append(Event("pass", subject(state.scenario, seat, "passes"), seat=seat))
        return _set_seat(state, seat, passed=True)
    if action.type == "statement":
        name = _name(state, seat)
        events.append(Event("statement", f'{name}: "{action.text}"', seat=seat))
        state = _set_seat(state, seat, statements=state.seats[seat].statements + 1)
        return _feed(state, "statement", f'{name}: "{action.text}"', seat)
    if action.type == "message":
        return _message(state, seat, action, events)
    if action.type == "lever":
        return _lever(state, seat, action, events)
    if action.type in ("propose", "sign", "reject", "withdraw"):
        return _deal_move(state, seat, action, events)
    raise AssertionError(f"unhandled action {action!r}")  # pragma: no cover


def _deal_move(
    state: GameState, seat: SeatId, action: Propose | Sign | Reject | Withdraw, events: list[Event]
) -> GameState:
    state = _count_deal_move(state, seat)
    if action.type == "propose":
        state = _propose(state, seat, action, events)
        return _note(state, seat, action.note, state.sheets[-1].id, events)
    state = _note(state, seat, action.note, action.sheet, events)
    if action.type == "sign":
        return _sign(state, seat, action.sheet, events)
    status = SheetStatus.REJECTED if action.type == "reject" else SheetStatus.WITHDRAWN
    sheet = _get_sheet(state, action.sheet)
    text = subject(state.scenario, seat, action_label(state.scenario, action))
    events.append(Event(action.type, text, frozenset(sheet.parties), seat, sheet.id))
    return _put_sheet(state, sheet.with_status(status))


def _message(state: GameState, seat: SeatId, action: Message, events: list[Event]) -> GameState:
    to = frozenset(action.to)
    msg = ChatMessage.made(sender=seat, to=tuple(sorted(to)), text=action.text, round=state.round)
    names = ", ".join(_name(state, s) for s in sorted(to))
    text = f"{_name(state, seat)} to {names}: {action.text}"
    events.append(Event("message", text, to | {seat}, seat))
    me = state.seats[seat]
    state = state.evolve(messages=(*state.messages, msg))
    return _set_seat(state, seat, messages=me.messages + 1)


def _note(
    state: GameState, seat: SeatId, note: str, sheet_id: SheetId, events: list[Event]
) -> GameState:
    """A deal move's cover note: a private message to the sheet's other parties."""
    if not note:
        return state
    to = tuple(p for p in _get_sheet(state, sheet_id).parties if p != seat)
    msg = ChatMessage.made(sender=seat, to=to, text=note, round=state.round)
    names = ", ".join(_name(state, p) for p in to)
    text = f"{_name(state, seat)} to {names} (on {sheet_id}): {note}"
    events.append(Event("message", text, frozenset((*to, seat)), seat, sheet_id))
    return state.evolve(messages=(*state.messages, msg))


def _propose(state: GameState, seat: SeatId, action: Propose, events: list[Event]) -> GameState:
    sheet_id = SheetId(f"ts-{len(state.sheets) + 1}")
    sheet = TermSheet.new(
        sheet_id, seat, action.terms, state.scenario.roles.seller, state.round, action.replaces
    )
    if action.replaces is not None:
        old = _get_sheet(state, action.replaces)
        state = _put_sheet(state, old.with_status(SheetStatus.SUPERSEDED))
    state = state.evolve(sheets=(*state.sheets, sheet))
    verb = f"counters {action.replaces} with" if action.replaces else "proposes"
    terms = terms_text(state.scenario, action.terms)
    text = f"{subject(state.scenario, seat, verb)} {sheet_id}: {terms}"
    events.append(Event("proposed", text, frozenset(sheet.parties), seat, sheet_id))
    # A new offer calls its other parties back to the table (while they have moves left).
    limit = state.scenario.rounds.negotiate_actions_per_seat
    for party in set(sheet.parties) - {seat}:
        if state.seats[party].passed and state.seats[party].deal_moves < limit:
            state = _set_seat(state, party, passed=False)
    return state


def _sign(state: GameState, seat: SeatId, sheet_id: SheetId, events: list[Event]) -> GameState:
    sheet = _get_sheet(state, sheet_id)
    sheet = sheet.signed_by(seat)
    text = subject(state.scenario, seat, f"signs {sheet.id}")
    events.append(Event("signed", text, frozenset(sheet.parties), seat, sheet.id))
    if sheet.fully_signed:
        sheet = sheet.with_status(SheetStatus.SIGNED)
        parties = ", ".join(_name(state, p) for p in sorted(sheet.parties))
        text = f"Deal {sheet.id} signed by {parties}: {terms_text(state.scenario, sheet.terms)}."
        events.append(
            Event("deal_signed", text + " It goes to CFIUS for review.", None, seat, sheet.id)
        )
        state = _feed(state, "deal", text, seat)
    return _put_sheet(state, sheet)


def _lever(state: GameState, seat: SeatId, action: UseLever, events: list[Event]) -> GameState:
    sc = state.scenario
    lever = sc.levers[action.lever]
    me = state.seats[seat]
    state = state.evolve(used_this_round=(*state.used_this_round, (seat, action.lever)))
    if lever.once:
        state = state.evolve(used_once=state.used_once | {(seat, action.lever)})
    if lever.official:
        state = _set_seat(state, seat, officials=me.officials + 1)
    if lever.phase == Phase.NEGOTIATE:
        state = _count_deal_move(state, seat)
    detail = _lever_detail(sc, lever, action)
    text = f"{sc.seat(seat).name}: {lever.name}{detail}"
    visible = None if lever.public else frozenset({seat})
    events.append(Event("lever", text, visible, seat, action.sheet))
    if lever.public:
        state = _feed(state, "official" if lever.official else "lever", text, seat)
    state = _mechanic(state, seat, lever, action, events)
    state = _apply_effects(state, lever.effects, events)
    if lever.ends_turn:
        # It costs the rest of the phase: spend every move so no new offer reopens it.
        state = _set_seat(state, seat, passed=True, deal_moves=sc.rounds.negotiate_actions_per_seat)
    return state


def _lever_detail(sc: Scenario, lever: Lever, action: UseLever) -> str:
    if action.option and (not lever.public or lever.mechanic == "brief_president"):
        return ""  # a private choice (CFIUS's advice goes to the President alone)
    detail = use_detail(sc, action)
    return f" ({detail})" if detail else ""


def _mechanic(
    state: GameState, seat: SeatId, lever: Lever, action: UseLever, events: list[Event]
) -> GameState:
    sc = state.scenario
    m = lever.mechanic
    if m == "extend_deadline":
        events.append(Event("deadline", f"The deadline moves to {_day(state, lever)}."))
        return state.evolve(deadline=state.deadline + lever.extend_rounds)
    if m == "order_divestiture":
        return state.evolve(divestiture_scope=Scope(str(action.option)))
    if m == "put_up_for_sale":
        return state.evolve(for_sale=Scope(str(action.option)))
    if m == "set_mitigations":
        return state.evolve(required_mitigations=frozenset(action.mitigations))
    if m == "brief_president":
        president = sc.roles.president
        text = f"Recommendation: {option_name(sc, str(action.option))}."
        note = ChatMessage.made(
            sender=seat, to=(president,), text=text, round=state.round, kind="briefing"
        )
        line = f"{subject(sc, seat, 'briefs')} {_name(state, president)}: {text}"
        events.append(Event("briefing", line, frozenset({seat, president}), seat))
        return state.evolve(messages=(*state.messages, note))
    if m == "due_diligence":
        return _due_diligence(state, seat, events)
    sheet_id = SheetId(str(action.sheet))
    if m == "endorse_deal":
        return state.evolve(
            endorsed=state.endorsed | {sheet_id}, opposed=state.opposed - {sheet_id}
        )
    if m == "oppose_deal":
        return state.evolve(
            opposed=state.opposed | {sheet_id}, endorsed=state.endorsed - {sheet_id}
        )
    if m in ("clear_deal", "block_deal"):
        status = SheetStatus.CLEARED if m == "clear_deal" else SheetStatus.BLOCKED
        return _put_sheet(state, _get_sheet(state, sheet_id).with_status(status))
    return state


def _day(state: GameState, lever: Lever) -> str:
    return state.round_name(state.deadline + lever.extend_rounds)


def _due_diligence(state: GameState, seat: SeatId, events: list[Event]) -> GameState:
    sc = state.scenario
    dd = sc.due_diligence
    # Seeded by the game and the version, so a replay learns the same estimate.
    rng = random.Random(f"{state.seed}:{state.version}:{seat}")
    truth = state.number(sc.roles.seller, dd.reveals)
    low = truth - rng.randint(0, dd.noise)
    high = low + dd.noise
    note = (
        f"Due diligence ({state.round_name()}): {_name(state, sc.roles.seller)}'s floor for "
        f"the US business looks to be between ${low:.0f}B and ${high:.0f}B."
    )
    events.append(Event("intel", note, frozenset({seat}), seat))
    me = state.seats[seat]
    return _set_seat(state, seat, notes=(*me.notes, note))


# --- phases -------------------------------------------------------------------------------


def _timeout(state: GameState, events: list[Event]) -> GameState:
    waiting = [s for s, st in state.seats.items() if not st.passed]
    if len(waiting) == 1:
        who = subject(state.scenario, waiting[0], "passes")
    else:
        who = f"{', '.join(_name(state, s) for s in waiting)} pass" if waiting else "nobody passes"
    events.append(Event("timeout", f"Time is up for the {state.phase} phase; {who}."))
    for seat in waiting:
        state = _set_seat(state, seat, passed=True)
    return state


def _advance(state: GameState, events: list[Event]) -> GameState:
    """Move through phases for as long as the current one is finished."""
    while not state.over and all(s.passed for s in state.seats.values()):
        if state.phase == Phase.NEGOTIATE:
            state = _enter(state, Phase.GOVERNMENT, events)
        elif state.phase == Phase.GOVERNMENT:
            state = _enter(state, Phase.RESOLVE, events)
        else:
            state = _settle(state, events)
    return state


def _actors(state: GameState, phase: Phase) -> frozenset[SeatId]:
    """The seats that must act (or pass) before ``phase`` can end."""
    if phase == Phase.NEGOTIATE:
        return frozenset(state.seats)
    if phase == Phase.RESOLVE and not any(s.status == SheetStatus.SIGNED for s in state.sheets):
        return frozenset()
    return state.scenario.lever_holders(phase)


def _enter(
    state: GameState, phase: Phase, events: list[Event], new_round: bool = False
) -> GameState:
    """Start ``phase``: every seat's moves this phase start again from nothing (and its
    official actions too, in a new round)."""
    actors = _actors(state, phase)
    fresh = {"deal_moves": 0, "messages": 0, "statements": 0}
    if new_round:
        fresh["officials"] = 0
    seats = FrozenMap(
        {s: st.evolve(passed=s not in actors, **fresh) for s, st in state.seats.items()}
    )
    events.append(Event("phase", f"{state.round_name()}: {phase} phase."))
    return state.evolve(phase=phase, seats=seats)


def _start_round(state: GameState, events: list[Event]) -> GameState:
    state = state.evolve(phase=Phase.NEWS, used_this_round=())
    if state.deck:
        card_id, rest = state.deck[0], state.deck[1:]
        card = state.scenario.card(card_id)
        text = f"{card.headline}. \u201c{card.quote}\u201d"
        events.append(Event("news", f"{state.round_name()}: {text}"))
        state = state.evolve(deck=rest, news=(*state.news, card_id))
        state = _feed(state, "news", text, None)
        state = _apply_effects(state, card.effects, events)
    return _enter(state, Phase.NEGOTIATE, events, new_round=True)


def _settle(state: GameState, events: list[Event]) -> GameState:
    """The resolve step: close a cleared deal, or end at the deadline, or go on."""
    sc = state.scenario
    for sheet in state.sheets:
        if sheet.status == SheetStatus.CLEARED and sheet.id not in state.opposed:
            return _close_deal(state, sheet, events)
    if state.round >= state.deadline:
        if sc.endings.ban_flag in state.flags:
            return _end(state, OutcomeKind.BAN, sc.endings.on_ban.effects, events)
        return _end(state, OutcomeKind.STALEMATE, sc.endings.on_stalemate.effects, events)
    events.append(Event("round_end", f"{state.round_name()} ends without a deal."))
    state = _apply_changes(state, sc.rounds.drift, events)
    lapsed = [
        s for s in state.sheets if s.status == SheetStatus.OPEN and s.expires_round <= state.round
    ]
    for sheet in lapsed:
        state = _put_sheet(state, sheet.with_status(SheetStatus.LAPSED))
        events.append(
            Event(
                "lapsed", f"{sheet.id} lapses unsigned.", frozenset(sheet.parties), None, sheet.id
            )
        )
    state = state.evolve(round=state.round + 1)
    return _start_round(state, events)


def _close_deal(state: GameState, sheet: TermSheet, events: list[Event]) -> GameState:
    sc = state.scenario
    risk = sc.deal_risk
    terms = sheet.terms
    relief = sum(risk.mitigation_relief.get(m, 0) for m in terms.mitigations)
    relief += risk.algorithm_relief.get(terms.algorithm, 0)
    if terms.seller_stake <= risk.control_max_seller_stake:
        relief += risk.control_relief
    state = _apply_changes(state, {risk.track: TrackChange(add=-relief)}, events)
    state = _put_sheet(state, sheet.with_status(SheetStatus.CLOSED))
    buyers = frozenset(terms.buyer_seats)
    outcome = next(
        o for o in sc.outcomes if o.kind == OutcomeKind.DEAL and frozenset(o.buyers) == buyers
    )
    state = state.evolve(closed_sheet=sheet.id)
    detail = terms_text(sc, terms, closed=True)
    return _end(state, outcome.id, sc.endings.on_deal.effects, events, detail=detail)


def _end(
    state: GameState, outcome_id: str, effects: Effects, events: list[Event], detail: str = ""
) -> GameState:
    sc = state.scenario
    outcome = next(o for o in sc.outcomes if outcome_id in (o.id, o.kind))
    state = _apply_effects(state, effects, events)
    text = f"{outcome.name}: {outcome.description}" + (f" Terms: {detail}" if detail else "")
    events.append(Event("game_over", text))
    state = _feed(state, "result", text, None)
    seats = FrozenMap({s: st.evolve(passed=True) for s, st in state.seats.items()})
    return state.evolve(phase=Phase.OVER, outcome=outcome.id, seats=seats)


# --- small helpers -----------------------------------------------------------------------


def _apply_effects(state: GameState, effects: Effects, events: list[Event]) -> GameState:
    if effects.flags:
        state = state.evolve(flags=state.flags | frozenset(effects.flags))
    return _apply_changes(state, effects.tracks, events)


def _apply_changes(
    state: GameState, changes: dict[str, TrackChange], events: list[Event]
) -> GameState:
    if not changes:
        return state
    tracks = dict(state.tracks)
    moved = []
    for tid, change in changes.items():
        t = state.scenario.tracks[tid]
        new = change.apply(tracks[tid], t.min, t.max)
        if new != tracks[tid]:
            moved.append(f"{t.name} {tracks[tid]} -> {new}")
            tracks[tid] = new
    if moved:
        events.append(Event("tracks", "; ".join(moved)))
    return state.evolve(tracks=FrozenMap(tracks))


def _name(state: GameState, seat: SeatId) -> str:
    return state.scenario.seat_name(seat)


def _count_deal_move(state: GameState, seat: SeatId) -> GameState:
    return _set_seat(state, seat, deal_moves=state.seats[seat].deal_moves + 1)


def _set_seat(state: GameState, seat: SeatId, **changes: object) -> GameState:
    return state.evolve(seats=state.seats.set(seat, state.seats[seat].evolve(**changes)))


def _feed(state: GameState, kind: str, text: str, seat: SeatId | None) -> GameState:
    item = FeedItem.made(round=state.round, kind=kind, text=text, seat=seat)
    return state.evolve(feed=(*state.feed, item))


def _get_sheet(state: GameState, sheet_id: SheetId) -> TermSheet:
    sheet = state.sheet(sheet_id)
    assert sheet is not None, sheet_id
    return sheet


def _put_sheet(state: GameState, sheet: TermSheet) -> GameState:
    at = int(sheet.id.removeprefix("ts-")) - 1  # the engine numbers sheets in order
    assert state.sheets[at].id == sheet.id, sheet.id
    return state.evolve(sheets=(*state.sheets[:at], sheet, *state.sheets[at + 1 :]))


def replay(
    scenario: Scenario, seed: int, log: Iterable[tuple[Actor, Action]], rounds: int | None = None
) -> GameState:
    """Rebuild a game from its seed and its log of accepted actions."""
    state = new_game(scenario, seed, rounds)
    for seat, action in log:
        state = apply(state, seat, action).state
    return state
