"""What one seat, a spectator or the facilitator may see: built field by field.

Views are allow-lists (ARCHITECTURE.md): each field is copied in on purpose;
nothing is deep-copied and then pruned. A seat sees its own brief, its own
notes, the messages it sent or received and the term sheets it is party to;
signed deals and the public feed are for everyone. Briefs and scores of all
seats are revealed when the game is over, for the debrief.
"""

from __future__ import annotations

from dataclasses import replace

from divestiture.game.actions import Action
from divestiture.game.checks import sheet_known
from divestiture.game.events import Finding
from divestiture.game.legal import legal_actions
from divestiture.game.models import Frozen, frozen
from divestiture.game.narration import event_text
from divestiture.game.scenario import Scenario
from divestiture.game.scoring import scores
from divestiture.game.state import ChatMessage, FeedItem, GameState, SeatState, TermSheet
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
    # For a party to the deal that closed: its score with no deal, and its surplus in $B.
    walk_away: float | None = None
    surplus: float | None = None


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
    started: bool  # the week has started (a class's waits for its facilitator)
    paused: bool  # the facilitator has paused play: no seat acts
    tracks: tuple[TrackView, ...]
    flags: tuple[str, ...]
    for_sale: Scope
    divestiture_scope: Scope | None
    required_mitigations: tuple[Mitigation, ...]
    seats: tuple[SeatInfo, ...]
    news: tuple[NewsView, ...]
    brief: BriefView | None
    findings: tuple[Finding, ...]  # what this seat's due diligence learned, as data
    notes: tuple[str, ...]  # ... and in words
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
    """The view of ``viewer``: a seat id, ``SPECTATOR`` or ``FACILITATOR``, field by field."""
    is_seat = viewer not in (SPECTATOR, FACILITATOR)
    if is_seat and viewer not in state.seats:
        raise KeyError(f"'{viewer}' is not a seat in this game")
    seat = SeatId(viewer) if is_seat else None
    sc = state.scenario
    everything = viewer == FACILITATOR
    over = state.phase == OVER
    outcome = sc.outcome(state.outcome) if state.outcome else None
    me = state.seats[seat] if seat is not None else None
    return GameView(
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
        started=state.started,
        paused=state.paused,
        tracks=tuple(_track(sc, tid, value) for tid, value in state.tracks.items()),
        flags=tuple(sorted(state.flags)),
        for_sale=state.for_sale,
        divestiture_scope=state.divestiture_scope,
        required_mitigations=tuple(sorted(state.required_mitigations)),
        seats=tuple(_seat_info(sc, s, not st.passed) for s, st in state.seats.items()),
        news=tuple(_news(sc, card_id, round_no) for card_id, round_no in state.news),
        brief=_brief(seat, me) if seat is not None and me is not None else None,
        findings=me.findings if me is not None else (),
        notes=tuple(event_text(sc, f) for f in me.findings) if me is not None else (),
        sheets=state.sheets if everything else _sheets_seen_by(state.sheets, seat),
        endorsed=tuple(sorted(state.endorsed)),
        opposed=tuple(sorted(state.opposed)),
        messages=state.messages if everything else _messages_of(state.messages, seat),
        feed=state.feed,
        legal=tuple(legal_actions(state, seat)) if seat is not None and with_legal else (),
        outcome=state.outcome,
        outcome_name=outcome.name if outcome else None,
        scores=_scores(state) if over else (),
        briefs=tuple(_brief(s, st) for s, st in state.seats.items()) if everything or over else (),
        timeline=sc.kept("timeline view", lambda: _timeline(sc)) if over else (),
        seed=state.seed if everything else None,
    )


def _track(sc: Scenario, tid: str, value: int) -> TrackView:
    return sc.kept(("track view", tid, value), lambda: _track_view(sc, tid, value))


def _track_view(sc: Scenario, tid: str, value: int) -> TrackView:
    t = sc.tracks[tid]
    return TrackView(
        id=tid,
        name=t.name,
        description=t.description,
        value=value,
        min=t.min,
        max=t.max,
        unit=t.unit,
        label=t.labels[value - t.min] if t.labels else "",
    )


def _seat_info(sc: Scenario, seat: SeatId, waiting: bool) -> SeatInfo:
    return sc.kept(("seat view", seat, waiting), lambda: _seat_view(sc, seat, waiting))


def _seat_view(sc: Scenario, seat: SeatId, waiting: bool) -> SeatInfo:
    s = sc.seat(seat)
    return SeatInfo(id=s.id, name=s.name, who=s.who, wants=s.wants, color=s.color, waiting=waiting)


def _news(sc: Scenario, card_id: str, round_no: int) -> NewsView:
    """A card read out, with the round it was read out in."""
    card = sc.card(card_id)
    return sc.kept(
        ("news view", card_id, round_no),
        lambda: NewsView(id=card.id, headline=card.headline, quote=card.quote, round=round_no),
    )


def _timeline(sc: Scenario) -> tuple[TimelineView, ...]:
    return tuple(TimelineView(date=t.date, event=t.event) for t in sc.timeline)


def _brief(seat: SeatId, seat_state: SeatState) -> BriefView:
    return BriefView(seat=seat, values=dict(seat_state.brief), text=seat_state.brief_text)


def _sheets_seen_by(sheets: tuple[TermSheet, ...], seat: SeatId | None) -> tuple[TermSheet, ...]:
    """The sheets ``seat`` may know of, each naming the sheet it counters only if the seat
    may know of that one too."""
    by_id = {s.id: s for s in sheets}
    return tuple(
        sh
        if sh.replaces is None or sheet_known(by_id[sh.replaces], seat)
        else replace(sh, replaces=None)
        for sh in sheets
        if sheet_known(sh, seat)
    )


def _messages_of(messages: tuple[ChatMessage, ...], seat: SeatId | None) -> tuple[ChatMessage, ...]:
    """The messages ``seat`` sent or received."""
    if seat is None:
        return ()
    return tuple(m for m in messages if seat == m.sender or seat in m.to)


def _scores(state: GameState) -> tuple[ScoreView, ...]:
    return tuple(
        ScoreView(
            seat=s.seat,
            total=s.total,
            walk_away=s.walk_away,
            surplus=s.surplus,
            objectives=tuple(
                ObjectiveView(label=o.label, public=o.public, weight=o.weight, value=o.value)
                for o in s.objectives
            ),
        )
        for s in scores(state).values()
    )
