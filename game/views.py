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

from pydantic import BaseModel, ConfigDict

from game.actions import Action
from game.briefs import brief_text
from game.legal import legal_actions
from game.scenario import Scenario, Seat
from game.scoring import scores
from game.state import ChatMessage, FeedItem, GameState, TermSheet
from game.types import FACILITATOR, SPECTATOR, Mitigation, Phase, Scope, SeatId, Viewer


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_V = TypeVar("_V", bound=_View)


class SeatInfo(_View):
    id: SeatId
    name: str
    who: str
    wants: str
    color: str
    waiting: bool


class TrackView(_View):
    id: str
    name: str
    description: str
    value: int
    min: int
    max: int
    unit: str
    label: str


class NewsView(_View):
    id: str
    headline: str
    quote: str
    round: int


class BriefView(_View):
    seat: SeatId
    values: dict[str, float | tuple[str, ...]]
    text: str


class ObjectiveView(_View):
    label: str
    public: bool
    weight: float
    value: float


class ScoreView(_View):
    seat: SeatId
    total: float
    objectives: tuple[ObjectiveView, ...]


class TimelineView(_View):
    date: str
    event: str


class GameView(_View):
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
    sc = state.scenario
    is_seat = viewer not in (SPECTATOR, FACILITATOR)
    if is_seat and viewer not in state.seats:
        raise KeyError(f"'{viewer}' is not a seat in this game")
    seat = SeatId(viewer) if is_seat else None
    everything = viewer == FACILITATOR
    reveal = everything or state.over
    outcome = sc.outcome(state.outcome) if state.outcome else None
    own_sheets, own_messages = _private_parts(state, viewer, seat, everything)
    return _assemble(
        viewer=viewer,
        scenario=sc.id,
        title=sc.title,
        version=state.version,
        round=state.round,
        round_name=state.round_name(),
        deadline=state.deadline,
        deadline_name=state.round_name(state.deadline),
        rounds_left=state.rounds_left,
        phase=state.phase,
        tracks=_by_identity(
            state.tracks, "tracks", lambda: tuple(_track(state, tid) for tid in sc.tracks)
        ),
        flags=_sorted(state.flags),
        for_sale=state.for_sale,
        divestiture_scope=state.divestiture_scope,
        required_mitigations=_sorted(state.required_mitigations),
        seats=_by_identity(
            state.seats,
            "seats",
            lambda: tuple(
                _seat_info(s, not state.seats[s.id].passed) for s in sc.seats if s.id in state.seats
            ),
        ),
        news=_news_list(state),
        brief=_brief(state, seat) if seat else None,
        notes=state.seats[seat].notes if seat else (),
        sheets=own_sheets,
        endorsed=_sorted(state.endorsed),
        opposed=_sorted(state.opposed),
        messages=own_messages,
        feed=state.feed,
        legal=tuple(legal_actions(state, seat)) if seat and with_legal else (),
        outcome=state.outcome,
        outcome_name=outcome.name if outcome else None,
        scores=tuple(
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
        if state.over
        else (),
        briefs=tuple(_brief(state, s) for s in state.seats) if reveal else (),
        timeline=tuple(TimelineView(date=t.date, event=t.event) for t in sc.timeline)
        if state.over
        else (),
        seed=state.seed if everything else None,
    )


# Views are rebuilt for every move a bot makes, and most of their parts only
# change with a value from a small range. These memos hold the rules object
# they were made from, so its id cannot be reused while the entry lives.
_memo: dict[tuple[int, object], tuple[object, _View]] = {}


def _memoised(source: object, key: object, make: Callable[[], _V]) -> _V:
    hit = _memo.get((id(source), key))
    if hit is None:
        if len(_memo) > 50_000:
            _memo.clear()
        hit = (source, make())
        _memo[(id(source), key)] = hit
    return hit[1]  # type: ignore[return-value]


_VIEW_FIELDS = frozenset(GameView.model_fields)


def _assemble(**fields: object) -> GameView:
    """A GameView from parts that are all valid already, without validating them again.

    Every part comes from the validated state or from memoised views, and bots ask
    for a view at every move: checking the long tuples item by item would cost more
    than building them. This is what ``model_construct`` does, without its per-field
    default handling (every field is given). tests/game/test_views.py checks that the
    result equals a validated model.
    """
    view = GameView.__new__(GameView)
    object.__setattr__(view, "__dict__", fields)
    object.__setattr__(view, "__pydantic_fields_set__", set(_VIEW_FIELDS))
    object.__setattr__(view, "__pydantic_extra__", None)
    object.__setattr__(view, "__pydantic_private__", None)
    return view


def _track(state: GameState, tid: str) -> TrackView:
    t = state.scenario.tracks[tid]
    value = state.tracks[tid]
    return _memoised(
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


def _seat_info(s: Seat, waiting: bool) -> SeatInfo:
    return _memoised(
        s,
        waiting,
        lambda: SeatInfo(
            id=s.id, name=s.name, who=s.who, wants=s.wants, color=s.color, waiting=waiting
        ),
    )


# Consecutive states share the parts an action did not change (the same tracks
# map, the same tuple of drawn cards): what is built from such a part is kept by
# the part's identity, holding the part so its id cannot be reused.
_by_part: dict[tuple[int, str], tuple[object, object]] = {}
_T = TypeVar("_T")
_S = TypeVar("_S", bound=str)


def _by_identity(part: object, what: str, make: Callable[[], _T]) -> _T:
    hit = _by_part.get((id(part), what))
    if hit is None or hit[0] is not part:
        # Only consecutive states share parts: a small memo is enough, and a large
        # one would keep many old states alive for the garbage collector to scan.
        if len(_by_part) > 512:
            _by_part.clear()
        hit = _by_part[(id(part), what)] = (part, make())
    return hit[1]  # type: ignore[return-value]


_private: dict[tuple[int, str, str], tuple[object, tuple[Any, ...]]] = {}


def _private_parts(
    state: GameState, viewer: str, seat: SeatId | None, everything: bool
) -> tuple[tuple[TermSheet, ...], tuple[ChatMessage, ...]]:
    """The sheets and messages ``viewer`` may see, each kept while its tuple is the same."""
    key_s = (id(state.sheets), "sheets", viewer)
    hit_s = _private.get(key_s)
    if hit_s is None or hit_s[0] is not state.sheets:
        shown = tuple(sh for sh in state.sheets if everything or sh.public or (seat in sh.parties))
        hit_s = _private[key_s] = (state.sheets, shown)
    key_m = (id(state.messages), "messages", viewer)
    hit_m = _private.get(key_m)
    if hit_m is None or hit_m[0] is not state.messages:
        said = tuple(
            m
            for m in state.messages
            if everything or (seat is not None and (seat == m.sender or seat in m.to))
        )
        hit_m = _private[key_m] = (state.messages, said)
    if len(_private) > 512:
        _private.clear()
    return hit_s[1], hit_m[1]


def _sorted(items: frozenset[_S]) -> tuple[_S, ...]:
    return _by_identity(items, "sorted", lambda: tuple(sorted(items)))


def _news_list(state: GameState) -> tuple[NewsView, ...]:
    """The drawn cards."""
    return _by_identity(
        state.news,
        "news",
        lambda: tuple(_news(state.scenario, c, i + 1) for i, c in enumerate(state.news)),
    )


def _news(sc: Scenario, card_id: str, round_no: int) -> NewsView:
    card = next(c for c in sc.news.cards if c.id == card_id)
    return _memoised(
        card,
        round_no,
        lambda: NewsView(id=card.id, headline=card.headline, quote=card.quote, round=round_no),
    )


def _brief(state: GameState, seat: SeatId) -> BriefView:
    brief = state.seats[seat].brief
    return _memoised(brief, seat, lambda: _make_brief(state, seat))


def _make_brief(state: GameState, seat: SeatId) -> BriefView:
    values = dict(state.seats[seat].brief)
    return BriefView(seat=seat, values=values, text=brief_text(state.scenario, seat, values))
