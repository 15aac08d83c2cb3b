"""The pure engine: ``new_game`` and ``apply``. No I/O, no clock, no global random.

A round runs news -> negotiate -> government -> resolve (``rounds.phases`` in
the rules). News and an empty resolve run by themselves; the other phases end
when every seat that must act has passed (or the clock sends a Timeout).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from divestiture.game.actions import FACILITATOR_ACTIONS, Action, Terms
from divestiture.game.briefs import BriefValue, brief_text, draw_briefs
from divestiture.game.changes import apply_effects, move_tracks, put_sheet, read_news
from divestiture.game.events import (
    Event,
    GameEnded,
    Lapsed,
    NewsDrawn,
    PhaseBegan,
    Reason,
    RoundEnded,
)
from divestiture.game.frozen import FrozenMap
from divestiture.game.moves import MOVES, Actor, check
from divestiture.game.narration import feed_item
from divestiture.game.scenario import Effects, Scenario, TrackChange
from divestiture.game.state import GameState, NoDeal, SeatState, TermSheet
from divestiture.game.types import OutcomeKind, Phase, SeatId, SheetId, SheetStatus
from divestiture.game.valuation import risk_relief


class Step(NamedTuple):
    """The result of an accepted action: the new state and what happened."""

    state: GameState
    events: tuple[Event, ...]


def new_game(scenario: Scenario, seed: int, rounds: int | None = None) -> GameState:
    """Start a game: draw the briefs and shuffle the news deck with ``seed``."""
    return start(scenario, seed, rounds).state


def start(
    scenario: Scenario, seed: int, rounds: int | None = None, *, wait_for_start: bool = False
) -> Step:
    """Start a game and return it with its opening events (the first news card).

    Args:
        scenario: a loaded, valid scenario.
        seed: decides every hidden draw; the same seed gives the same game.
        rounds: override the scenario's number of rounds (a room option).
        wait_for_start: no seat acts until the facilitator starts the week (a class's
            tables wait for their teacher).
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
        seats=FrozenMap({s: _seat(scenario, s, briefs[s]) for s in seats}),
        deck=tuple(cards),
        news=(),
        for_sale=scenario.start_for_sale,
        started=not wait_for_start,
    )
    events: list[Event] = []
    state = _start_round(state, events)
    return Step(_with_feed(state, state.round, events, 0), tuple(events))


def _seat(sc: Scenario, seat: SeatId, brief: dict[str, BriefValue]) -> SeatState:
    return SeatState(brief=FrozenMap(brief), brief_text=brief_text(sc, seat, brief))


def apply(state: GameState, seat: Actor, action: Action) -> Step:
    """Apply ``action`` by ``seat`` and return the new state and its events.

    Raises:
        GameError: the action is refused; ``state`` is unchanged (it is immutable).
    """
    check(state, seat, action)
    events: list[Event] = []
    rules = MOVES[action.type]
    facilitated = action.type in FACILITATOR_ACTIONS
    if not facilitated and action.rationale:  # check() has made sure the actor is a seat
        # Kept for the facilitator and the debrief; other seats never see it.
        events.append(Event(Reason(seat=SeatId(seat), action=action), frozenset((SeatId(seat),))))
    done = rules.apply(state, SeatId(seat), action, events)
    new = _with_feed(done.evolve(version=state.version + 1), state.round, events, 0)
    # Only an action that leaves its seat passed (or the clock's) can have finished the
    # phase: while the acting seat is still to act, the phase goes on.
    if action.type == "timeout" or (not facilitated and new.seats[SeatId(seat)].passed):
        settled = len(events)
        new = _advance(new, events)
        new = _with_feed(new, state.round, events, settled)
    return Step(new, tuple(events))


def _with_feed(state: GameState, round_no: int, events: list[Event], start: int) -> GameState:
    """The public feed with the lines of ``events[start:]`` that go on it, each dated
    with the round it happened in (a step may end a round and begin the next)."""
    items = []
    for event in events[start:]:
        if isinstance(event.data, PhaseBegan | NewsDrawn):
            round_no = event.data.round
        item = feed_item(state.scenario, round_no, event.data) if event.visible_to is None else None
        if item is not None:
            items.append(item)
    return state.evolve(feed=(*state.feed, *items)) if items else state


# --- phases -------------------------------------------------------------------------------


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
    events.append(Event(PhaseBegan(round=state.round, phase=phase)))
    return state.evolve(phase=phase, seats=seats)


def _start_round(state: GameState, events: list[Event]) -> GameState:
    state = state.evolve(phase=Phase.NEWS, used_this_round=())
    if state.deck:
        state = read_news(state, state.deck[0], events)
    return _enter(state, Phase.NEGOTIATE, events, new_round=True)


def _settle(state: GameState, events: list[Event]) -> GameState:
    """The resolve step: close a cleared deal, or end at the deadline, or go on."""
    sc = state.scenario
    for sheet in state.sheets:
        if sheet.status == SheetStatus.CLEARED and sheet.id not in state.opposed:
            return _close_deal(state, sheet, events)
    if state.round >= state.deadline:
        return _end_without_deal(state, events)
    events.append(Event(RoundEnded(round=state.round)))
    state = move_tracks(state, sc.rounds.drift, events)
    lapsed = [
        s for s in state.sheets if s.status == SheetStatus.OPEN and s.expires_round <= state.round
    ]
    for sheet in lapsed:
        state = put_sheet(state, sheet.with_status(SheetStatus.LAPSED))
        events.append(Event(Lapsed(sheet=sheet.id), frozenset(sheet.parties)))
    state = state.evolve(round=state.round + 1)
    return _start_round(state, events)


def _close_deal(state: GameState, sheet: TermSheet, events: list[Event]) -> GameState:
    sc = state.scenario
    walked = end_without_deal(state)
    no_deal = NoDeal(
        outcome=str(walked.outcome),
        tracks=walked.tracks,
        under_ban=sc.endings.ban_flag in state.flags,
    )
    terms = sheet.terms
    relief = TrackChange(add=-risk_relief(sc, terms))
    state = move_tracks(state, {sc.deal_risk.track: relief}, events)
    state = put_sheet(state, sheet.with_status(SheetStatus.CLOSED))
    buyers = frozenset(terms.buyer_seats)
    outcome = next(
        o for o in sc.outcomes if o.kind == OutcomeKind.DEAL and frozenset(o.buyers) == buyers
    )
    state = state.evolve(closed_sheet=sheet.id, no_deal=no_deal)
    return _end(state, outcome.id, sc.endings.on_deal.effects, events, terms)


def _end_without_deal(state: GameState, events: list[Event]) -> GameState:
    """The game ends with no deal: a ban if the ban order is in force, else a stalemate."""
    endings = state.scenario.endings
    if endings.ban_flag in state.flags:
        return _end(state, OutcomeKind.BAN, endings.on_ban.effects, events)
    return _end(state, OutcomeKind.STALEMATE, endings.on_stalemate.effects, events)


def _end(
    state: GameState,
    outcome_id: str,
    effects: Effects,
    events: list[Event],
    terms: Terms | None = None,
) -> GameState:
    sc = state.scenario
    outcome = next(o for o in sc.outcomes if outcome_id in (o.id, o.kind))
    state = apply_effects(state, effects, events)
    events.append(Event(GameEnded(outcome=outcome.id, terms=terms)))
    seats = FrozenMap({s: st.evolve(passed=True) for s, st in state.seats.items()})
    return state.evolve(phase=Phase.OVER, outcome=outcome.id, seats=seats)


# --- the game ended now, for analysis ----------------------------------------------------


def end_without_deal(state: GameState) -> GameState:
    """The game as it would end now with no deal (a ban if the ban order is in force,
    else a stalemate): the walk-away of every seat, for the scores and the analysis."""
    return _end_without_deal(state, [])


def close_now(state: GameState, terms: Terms) -> GameState:
    """The game as it would end now if a deal on ``terms`` closed: every party signed it
    and the regulator cleared it (for the analysis of the deals that were possible)."""
    sc = state.scenario
    sheet_id = SheetId(f"ts-{len(state.sheets) + 1}")
    sheet = TermSheet.new(sheet_id, sc.roles.seller, terms, sc.roles.seller, state.round)
    sheet = replace(sheet, status=SheetStatus.CLEARED, signatures=sheet.parties)
    return _close_deal(state.evolve(sheets=(*state.sheets, sheet)), sheet, [])


def replay(
    scenario: Scenario, seed: int, log: Iterable[tuple[Actor, Action]], rounds: int | None = None
) -> GameState:
    """Rebuild a game from its seed and its log of accepted actions."""
    state = new_game(scenario, seed, rounds)
    for seat, action in log:
        state = apply(state, seat, action).state
    return state
