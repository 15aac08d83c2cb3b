"""What happened, in words: each event's line, and the public feed's line for those that
go on the feed. The words come from the event's data and the rules' names, here only."""

from __future__ import annotations

from divestiture.game import moves
from divestiture.game.actions import UseLever
from divestiture.game.events import (
    Announced,
    Briefed,
    DeadlineMoved,
    DealSigned,
    EventData,
    Finding,
    GameEnded,
    LeverUsed,
    MessageSent,
    NewsDrawn,
    Noted,
    Passed,
    PhaseBegan,
    PlayPaused,
    Proposed,
    Reason,
    Rejected,
    RoundEnded,
    Signed,
    StatementMade,
    TimedOut,
    TracksMoved,
    WeekStarted,
    Withdrawn,
)
from divestiture.game.events import Lapsed as LapsedEvent
from divestiture.game.scenario import Scenario
from divestiture.game.state import FeedItem
from divestiture.game.types import Scope
from divestiture.game.wording import day_name, option_name, subject, terms_text


def event_text(sc: Scenario, data: EventData) -> str:
    """The event's line, as players read it."""
    match data:
        case Reason(seat=seat, action=action):
            return f"{subject(sc, seat, moves.label(sc, action))}: {action.rationale}"
        case Passed(seat=seat):
            return subject(sc, seat, "passes")
        case StatementMade() | NewsDrawn() | GameEnded():
            return _feed_text(sc, data, dated=True)
        case MessageSent(seat=seat, to=to, text=text, sheet=sheet):
            on = f" (on {sheet})" if sheet else ""
            return f"{sc.seat_name(seat)} to {_names(sc, to)}{on}: {text}"
        case Proposed(seat=seat, sheet=sheet, terms=terms, replaces=replaces):
            verb = f"counters {replaces} with" if replaces else "proposes"
            return f"{subject(sc, seat, verb)} {sheet}: {terms_text(sc, terms)}"
        case Signed(seat=seat, sheet=sheet):
            return subject(sc, seat, f"signs {sheet}")
        case DealSigned():
            return (
                f"{_feed_text(sc, data)} It goes to {sc.seat_name(sc.roles.regulator)} for review."
            )
        case Rejected(seat=seat, sheet=sheet):
            return subject(sc, seat, f"rejects {sheet}")
        case Withdrawn(seat=seat, sheet=sheet):
            return subject(sc, seat, f"withdraws {sheet}")
        case LapsedEvent(sheet=sheet):
            return f"{sheet} lapses unsigned."
        case LeverUsed():
            return _feed_text(sc, data)
        case DeadlineMoved(deadline=deadline):
            return f"The deadline moves to {day_name(sc, deadline)}."
        case Briefed(seat=seat, president=president, option=option):
            what = f"Recommendation: {option_name(sc, option)}."
            return f"{subject(sc, seat, 'briefs')} {sc.seat_name(president)}: {what}"
        case Finding(round=round_no, seller=seller, low=low, high=high):
            return (
                f"Due diligence ({day_name(sc, round_no)}): {sc.seat_name(seller)}'s floor "
                f"for {sc.scope_names[Scope.US]} looks to be between ${low}B and ${high}B."
            )
        case TimedOut(phase=phase, seats=seats):
            if len(seats) == 1:
                who = subject(sc, seats[0], "passes")
            else:
                who = f"{_names(sc, seats)} pass" if seats else "nobody passes"
            return f"Time is up for the {phase} phase; {who}."
        case PhaseBegan(round=round_no, phase=phase):
            return f"{day_name(sc, round_no)}: {phase} phase."
        case TracksMoved(moves=moved):
            return "; ".join(f"{sc.tracks[m.track].name} {m.before} -> {m.after}" for m in moved)
        case RoundEnded(round=round_no):
            return f"{day_name(sc, round_no)} ends without a deal."
        case WeekStarted():
            return "The facilitator starts the week."
        case PlayPaused(paused=paused):
            return "The facilitator pauses play." if paused else "The facilitator resumes play."
        case Announced():
            return _feed_text(sc, data)
        case Noted(text=text):
            return f"Note: {text}"
    raise AssertionError(f"no words for {data!r}")  # pragma: no cover - a closed set


def feed_item(sc: Scenario, round_no: int, data: EventData) -> FeedItem | None:
    """The public feed's line for an event that goes on it (news, statements, public
    lever uses, signed deals, the result), or None."""
    match data:
        case NewsDrawn():
            kind, seat = "news", None
        case StatementMade(seat=seat):
            kind = "statement"
        case DealSigned(seat=seat):
            kind = "deal"
        case LeverUsed(seat=seat, lever=lever):
            kind = "official" if sc.levers[lever].official else "lever"
        case GameEnded():
            kind, seat = "result", None
        case Announced():
            kind, seat = "facilitator", None
        case _:
            return None
    return FeedItem(round=round_no, kind=kind, text=_feed_text(sc, data), seat=seat)


def _feed_text(sc: Scenario, data: EventData, *, dated: bool = False) -> str:
    """The line of an event that goes on the feed (a news card ``dated`` with its day, as
    the event's own line has it)."""
    match data:
        case NewsDrawn(round=round_no, card=card_id):
            card = sc.card(card_id)
            text = f"{card.headline}. \u201c{card.quote}\u201d"
            return f"{day_name(sc, round_no)}: {text}" if dated else text
        case StatementMade(seat=seat, text=text):
            return f'{sc.seat_name(seat)}: "{text}"'
        case DealSigned(sheet=sheet, parties=parties, terms=terms):
            return f"Deal {sheet} signed by {_names(sc, parties)}: {terms_text(sc, terms)}."
        case LeverUsed(seat=seat, lever=lever, sheet=sheet, option=option, mitigations=mits):
            use = UseLever(lever=lever, sheet=sheet, option=option, mitigations=mits)
            return f"{sc.seat_name(seat)}: {moves.title(sc, use)}"
        case Announced(text=text):
            return f"Facilitator: {text}"
        case GameEnded(outcome=outcome_id, terms=terms):
            outcome = sc.outcome(outcome_id)
            text = f"{outcome.name}: {outcome.description}"
            return text + (f" Terms: {terms_text(sc, terms, closed=True)}" if terms else "")
    raise AssertionError(f"{data!r} is not on the feed")  # pragma: no cover


def _names(sc: Scenario, seats: tuple[str, ...]) -> str:
    return ", ".join(sc.seat_name(s) for s in seats)  # type: ignore[arg-type]
