"""What one seat, a spectator or the facilitator may see: built field by field.

Views are allow-lists (ARCHITECTURE.md): each field is copied in on purpose;
nothing is deep-copied and then pruned. A seat sees its own brief, its own
notes, the messages it sent or received and the term sheets it is party to;
signed deals and the public feed are for everyone. Briefs and scores of all
seats are revealed when the game is over, for the debrief.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from divestiture.game.actions import Action
from divestiture.game.briefs import brief_text
from divestiture.game.frozen import FrozenMap
from divestiture.game.legal import legal_actions
from divestiture.game.models import Frozen, frozen
from divestiture.game.records import trusted
from divestiture.game.scenario import Scenario
from divestiture.game.scoring import scores
from divestiture.game.state import BriefValue, ChatMessage, FeedItem, GameState, TermSheet
from divestiture.game.types import (
    FACILITATOR,
    OVER,
    SPECTATOR,
    Mitigation,
    Phase,
    Scope,
    SeatId,
    Viewer,
)

_T = TypeVar("_T")


@frozen
class SeatInfo(Frozen):
    id: SeatId
    name: str
    who: str
    wants: str
    color: str
    waiting: bool


@frozen
class TrackView(Frozen):
    id: str
    name: str
    description: str
    value: int
    min: int
    max: int
    unit: str
    label: str


@frozen
class NewsView(Frozen):
    id: str
    headline: str
    quote: str
    round: int


@frozen
class BriefView(Frozen):
    seat: SeatId
    values: dict[str, float | tuple[str, ...]]
    text: str


@frozen
class ObjectiveView(Frozen):
    label: str
    public: bool
    weight: float
    value: float


@frozen
class ScoreView(Frozen):
    seat: SeatId
    total: float
    objectives: tuple[ObjectiveView, ...]


@frozen
class TimelineView(Frozen):
    date: str
    event: str


@frozen
class GameView(Frozen):
    """Everything one viewer may know about the game at one version."""

    viewer: str
    scenario: str
    title: str
    version: int
    round: int
    round_name: str
    deadline: int
    deadline_name: str
    rounds_left: int
    phase: Phase
    tracks: tuple[TrackView, ...]
    flags: tuple[str, ...]
    for_sale: Scope
    divestiture_scope: Scope | None
    required_mitigations: tuple[Mitigation, ...]
    seats: tuple[SeatInfo, ...]
    news: tuple[NewsView, ...]
    brief: BriefView | None
    notes: tuple[str, ...]
    sheets: tuple[TermSheet, ...]
    endorsed: tuple[str, ...]
    opposed: tuple[str, ...]
    messages: tuple[ChatMessage, ...]
    feed: tuple[FeedItem, ...]
    legal: tuple[Action, ...]
    outcome: str | None
    outcome_name: str | None
    scores: tuple[ScoreView, ...]
    briefs: tuple[BriefView, ...]
    timeline: tuple[TimelineView, ...]
    seed: int | None


def view_for(state: GameState, viewer: Viewer, *, with_legal: bool = True) -> GameView:
    """The view of ``viewer``: a seat id, ``SPECTATOR`` or ``FACILITATOR``."""
    is_seat = viewer not in (SPECTATOR, FACILITATOR)
    if is_seat and viewer not in state.seats:
        raise KeyError(f"'{viewer}' is not a seat in this game")
    if not is_seat:
        return _view(state, viewer, None, with_legal)
    seat = SeatId(viewer)
    if state.phase == OVER:
        return _view(state, viewer, seat, with_legal)
    last = _last_seen.get(seat)
    if last is not None and last[0].scenario is state.scenario:
        view = _continued(last[0], last[1], state, seat, with_legal)
    else:
        view = _view(state, viewer, seat, with_legal)
    _last_seen[seat] = (state, view)
    return view


def _view(state: GameState, viewer: Viewer, seat: SeatId | None, with_legal: bool) -> GameView:
    """Every field of the view, each part built (or kept, see ``_part``) from the state."""
    sc = state.scenario
    everything = viewer == FACILITATOR
    over = state.phase == OVER
    outcome = sc.outcome(state.outcome) if state.outcome else None
    sheets = state.sheets
    messages = state.messages
    # Every field is given, in GameView's order: see _assemble.
    return _assemble(
        {
            "viewer": viewer,
            "scenario": sc.id,
            "title": sc.title,
            "version": state.version,
            "round": state.round,
            "round_name": state.round_name(),
            "deadline": state.deadline,
            "deadline_name": state.round_name(state.deadline),
            "rounds_left": state.rounds_left,
            "phase": state.phase,
            "tracks": _part("tracks", state.tracks, _tracks, sc),
            "flags": _part("flags", state.flags, _sorted),
            "for_sale": state.for_sale,
            "divestiture_scope": state.divestiture_scope,
            "required_mitigations": _part("required", state.required_mitigations, _sorted),
            "seats": _seat_infos(sc, state),
            "news": _part("news", state.news, _news_list, sc),
            "brief": _part(("brief", seat), state.seats[seat].brief, _brief, sc, seat)
            if seat
            else None,
            "notes": state.seats[seat].notes if seat else (),
            "sheets": sheets
            if everything
            else _part(("sheets", viewer), sheets, _sheets_seen_by, seat),
            "endorsed": _part("endorsed", state.endorsed, _sorted),
            "opposed": _part("opposed", state.opposed, _sorted),
            "messages": messages if everything else _messages_seen_by(viewer, seat, messages),
            "feed": state.feed,
            "legal": tuple(legal_actions(state, seat)) if seat and with_legal else (),
            "outcome": state.outcome,
            "outcome_name": outcome.name if outcome else None,
            "scores": _scores(state) if over else (),
            "briefs": tuple(
                _part(("brief", s), st.brief, _brief, sc, s) for s, st in state.seats.items()
            )
            if everything or over
            else (),
            "timeline": tuple(TimelineView(date=t.date, event=t.event) for t in sc.timeline)
            if over
            else (),
            "seed": state.seed if everything else None,
        }
    )


# --- a seat's view, continued from its last one ------------------------------------------
#
# A seat's views come one after another, one per move (a bot's, or a player's), and an
# action changes only a few parts of the state. Each seat's last view is kept with the
# state it was made from; the next one (of the same rules, before the game is over)
# copies its fields and builds again only those whose source is not the same object
# (or value) as before. Nothing but the sources decides a field, so a view continued
# from another game's is still right: the other game shares no part with this one.
# tests/game/test_views.py checks every continued view against one built afresh.
_last_seen: dict[SeatId, tuple[GameState, GameView]] = {}


def _continued(
    before: GameState, last: GameView, state: GameState, seat: SeatId, with_legal: bool
) -> GameView:
    sc = state.scenario
    fields = dict(last.__dict__)  # in GameView's order already
    fields["version"] = state.version
    if state.round != before.round or state.deadline != before.deadline:
        fields["round"] = state.round
        fields["round_name"] = state.round_name()
        fields["deadline"] = state.deadline
        fields["deadline_name"] = state.round_name(state.deadline)
        fields["rounds_left"] = state.rounds_left
    fields["phase"] = state.phase
    if state.tracks is not before.tracks:
        fields["tracks"] = _part("tracks", state.tracks, _tracks, sc)
    if state.flags is not before.flags:
        fields["flags"] = _part("flags", state.flags, _sorted)
    fields["for_sale"] = state.for_sale
    fields["divestiture_scope"] = state.divestiture_scope
    if state.required_mitigations is not before.required_mitigations:
        fields["required_mitigations"] = _part("required", state.required_mitigations, _sorted)
    if state.seats is not before.seats:
        fields["seats"] = _seat_infos(sc, state)
        me = state.seats[seat]
        fields["brief"] = _part(("brief", seat), me.brief, _brief, sc, seat)
        fields["notes"] = me.notes
    if state.news is not before.news:
        fields["news"] = _part("news", state.news, _news_list, sc)
    if state.sheets is not before.sheets:
        fields["sheets"] = _part(("sheets", seat), state.sheets, _sheets_seen_by, seat)
    if state.endorsed is not before.endorsed:
        fields["endorsed"] = _part("endorsed", state.endorsed, _sorted)
    if state.opposed is not before.opposed:
        fields["opposed"] = _part("opposed", state.opposed, _sorted)
    if state.messages is not before.messages:
        fields["messages"] = _messages_seen_by(seat, seat, state.messages)
    fields["feed"] = state.feed
    fields["legal"] = tuple(legal_actions(state, seat)) if with_legal else ()
    # outcome, scores, the briefs of all and the timeline come only with the game's end,
    # which _view builds; seed is the facilitator's.
    return _assemble(fields)


# --- parts, each built once while its source is the same object ---------------------------
#
# Views are rebuilt at every move (a bot's, or one per connection on the server), and
# consecutive states share every part an action did not change: the same tracks map,
# the same tuple of sheets. Each kind of part keeps the last one built, with the source
# it was built from; the entry holds the source, so its identity cannot be reused while
# the entry lives. One entry per kind of part (and per viewer for private parts), so
# nothing grows. Everything built here is immutable.
_built: dict[object, tuple[object, Any]] = {}
_S = TypeVar("_S")


def _part(key: object, source: _S, build: Callable[..., _T], *args: Any) -> _T:
    hit = _built.get(key)
    if hit is not None and hit[0] is source:
        return hit[1]  # type: ignore[no-any-return]
    made = build(source, *args)
    _built[key] = (source, made)
    return made


def _assemble(fields: dict[str, object]) -> GameView:
    """A GameView from parts that are all valid already, without validating them again.

    Every part comes from the validated state or from views made here, and bots ask for
    a view at every move: checking the long tuples item by item would cost more than
    building them (``divestiture.game.records``). tests/game/test_views.py checks that the result
    equals a validated model.
    """
    return trusted(GameView, fields, in_order=True)


def _tracks(tracks: FrozenMap[str, int], sc: Scenario) -> tuple[TrackView, ...]:
    return tuple(_track(sc, tid, tracks[tid]) for tid in sc.tracks)


def _seat_infos(sc: Scenario, state: GameState) -> tuple[SeatInfo, ...]:
    """The seats around the table, and which of them the game is waiting for."""
    waiting = tuple(not st.passed for st in state.seats.values())
    return _kept(
        sc, ("seats", waiting), lambda: tuple(_seat_info(sc, s, state) for s in state.seats)
    )


def _seat_info(sc: Scenario, seat: SeatId, state: GameState) -> SeatInfo:
    s = sc.seat(seat)
    return SeatInfo(
        id=s.id,
        name=s.name,
        who=s.who,
        wants=s.wants,
        color=s.color,
        waiting=not state.seats[seat].passed,
    )


def _sheets_seen_by(sheets: tuple[TermSheet, ...], seat: SeatId | None) -> tuple[TermSheet, ...]:
    return tuple(sh for sh in sheets if sh.public or (seat is not None and seat in sh.parties))


_seen_messages: dict[str, tuple[tuple[ChatMessage, ...], tuple[ChatMessage, ...]]] = {}


def _messages_seen_by(
    viewer: str, seat: SeatId | None, messages: tuple[ChatMessage, ...]
) -> tuple[ChatMessage, ...]:
    """The messages ``seat`` sent or received.

    The engine only ever appends to a game's tuple of messages, and makes each message
    once: when the tuple has grown since this viewer's last view and still holds that
    view's last message in the same place, it continues it, and only the new messages
    are read.
    """
    if seat is None:
        return ()
    hit = _seen_messages.get(viewer)
    if hit is not None:
        before, seen = hit
        if before is messages:
            return seen
        n = len(before)
        if 0 < n < len(messages) and messages[n - 1] is before[-1]:
            seen += tuple(m for m in messages[n:] if seat == m.sender or seat in m.to)
            _seen_messages[viewer] = (messages, seen)
            return seen
    seen = tuple(m for m in messages if seat == m.sender or seat in m.to)
    _seen_messages[viewer] = (messages, seen)
    return seen


def _scores(state: GameState) -> tuple[ScoreView, ...]:
    return tuple(
        ScoreView(
            seat=s.seat,
            total=s.total,
            objectives=tuple(
                ObjectiveView(label=o.label, public=o.public, weight=o.weight, value=o.value)
                for o in s.objectives
            ),
        )
        for s in scores(state).values()
    )


# Parts that depend only on the rules and a small value (a track's value, a card's
# round) are kept per rules object; the entry holds it, so its id cannot be reused.
_memo: dict[tuple[int, object], tuple[object, Any]] = {}


def _kept(owner: object, key: object, make: Callable[[], _T]) -> _T:
    hit = _memo.get((id(owner), key))
    if hit is None or hit[0] is not owner:
        if len(_memo) > 50_000:
            _memo.clear()
        hit = _memo[(id(owner), key)] = (owner, make())
    return hit[1]


def _track(sc: Scenario, tid: str, value: int) -> TrackView:
    t = sc.tracks[tid]
    return _kept(
        t,
        value,
        lambda: TrackView(
            id=tid,
            name=t.name,
            description=t.description,
            value=value,
            min=t.min,
            max=t.max,
            unit=t.unit,
            label=t.labels[value - t.min] if t.labels else "",
        ),
    )


_Str = TypeVar("_Str", bound=str)


def _sorted(items: frozenset[_Str]) -> tuple[_Str, ...]:
    return tuple(sorted(items))


def _news_list(news: tuple[str, ...], sc: Scenario) -> tuple[NewsView, ...]:
    """The drawn cards, in the order they were drawn (one a round)."""
    return tuple(_news(sc, card_id, i + 1) for i, card_id in enumerate(news))


def _news(sc: Scenario, card_id: str, round_no: int) -> NewsView:
    card = sc.card(card_id)
    return _kept(
        card,
        round_no,
        lambda: NewsView(id=card.id, headline=card.headline, quote=card.quote, round=round_no),
    )


def _brief(brief: FrozenMap[str, BriefValue], sc: Scenario, seat: SeatId) -> BriefView:
    values = dict(brief)
    return BriefView(seat=seat, values=values, text=brief_text(sc, seat, values))
