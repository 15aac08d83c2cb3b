"""Small changes to a game state that the moves, the levers and the phases all make.

Each takes a state and returns a new one (states are immutable); those that make
something happen append its event to ``events``.
"""

from __future__ import annotations

from divestiture.game.events import Event, NewsDrawn, TrackMove, TracksMoved
from divestiture.game.frozen import FrozenMap
from divestiture.game.scenario import Effects, TrackChange
from divestiture.game.state import GameState, TermSheet
from divestiture.game.types import SeatId, SheetId


def set_seat(state: GameState, seat: SeatId, **changes: object) -> GameState:
    """``seat``'s own bookkeeping changed (passed, moves made this phase, ...)."""
    return state.evolve(seats=state.seats.set(seat, state.seats[seat].evolve(**changes)))


def count_deal_move(state: GameState, seat: SeatId) -> GameState:
    """One more of ``seat``'s deal moves spent this phase."""
    return set_seat(state, seat, deal_moves=state.seats[seat].deal_moves + 1)


def get_sheet(state: GameState, sheet_id: SheetId) -> TermSheet:
    """The sheet an accepted action names (its checks have made sure it exists)."""
    sheet = state.sheet(sheet_id)
    assert sheet is not None, sheet_id
    return sheet


def put_sheet(state: GameState, sheet: TermSheet) -> GameState:
    """``sheet`` in place of the sheet with its id."""
    at = int(sheet.id.removeprefix("ts-")) - 1  # the engine numbers sheets in order
    assert state.sheets[at].id == sheet.id, sheet.id
    return state.evolve(sheets=(*state.sheets[:at], sheet, *state.sheets[at + 1 :]))


def apply_effects(state: GameState, effects: Effects, events: list[Event]) -> GameState:
    """A lever's, a card's or an ending's effects: flags raised and tracks moved."""
    if effects.flags:
        state = state.evolve(flags=state.flags | frozenset(effects.flags))
    return move_tracks(state, effects.tracks, events)


def move_tracks(
    state: GameState, changes: dict[str, TrackChange], events: list[Event]
) -> GameState:
    """The tracks moved within their bounds; one event says which moved, and how far."""
    if not changes:
        return state
    tracks = dict(state.tracks)
    moved = []
    for tid, change in changes.items():
        t = state.scenario.tracks[tid]
        new = change.apply(tracks[tid], t.min, t.max)
        if new != tracks[tid]:
            moved.append(TrackMove(track=tid, before=tracks[tid], after=new))
            tracks[tid] = new
    if moved:
        events.append(Event(TracksMoved(moves=tuple(moved))))
    return state.evolve(tracks=FrozenMap(tracks))


def read_news(state: GameState, card_id: str, events: list[Event]) -> GameState:
    """A news card read out now: out of the deck, on the news, its effects applied."""
    deck = list(state.deck)
    deck.remove(card_id)
    events.append(Event(NewsDrawn(round=state.round, card=card_id)))
    state = state.evolve(deck=tuple(deck), news=(*state.news, (card_id, state.round)))
    return apply_effects(state, state.scenario.card(card_id).effects, events)
