"""The facilitator's controls: start the week, pause and resume play, announce, read out
a news card, and note a control of the room's. Each is an action in the game's log, so
nothing a teacher does is lost in a crash, and the debrief shows it."""

from __future__ import annotations

from divestiture.game.actions import Announce, Note, Pause, PlayNews, StartWeek
from divestiture.game.changes import read_news
from divestiture.game.errors import IllegalAction, InvalidAction
from divestiture.game.events import Announced, Event, Noted, PlayPaused, WeekStarted
from divestiture.game.moves.base import Rules
from divestiture.game.scenario import Scenario
from divestiture.game.state import GameState
from divestiture.game.types import SeatId


class StartRules(Rules[StartWeek]):
    """The week begins: seats may act from now on (and the room's timers run)."""

    type = "start"

    def check(self, state: GameState, seat: SeatId, action: StartWeek) -> None:
        if state.started:
            raise IllegalAction("the week has started already")

    def apply(
        self, state: GameState, seat: SeatId, action: StartWeek, events: list[Event]
    ) -> GameState:
        events.append(Event(WeekStarted()))
        return state.evolve(started=True)

    def title(self, sc: Scenario, action: StartWeek) -> str:
        return "Start the week"

    def label(self, sc: Scenario, action: StartWeek) -> str:
        return "starts the week"


class PauseRules(Rules[Pause]):
    """Play stops (or goes on): while paused no seat acts, and the timers wait."""

    type = "pause"

    def check(self, state: GameState, seat: SeatId, action: Pause) -> None:
        if action.paused == state.paused:
            raise IllegalAction("play is paused already" if state.paused else "play is not paused")

    def apply(
        self, state: GameState, seat: SeatId, action: Pause, events: list[Event]
    ) -> GameState:
        events.append(Event(PlayPaused(paused=action.paused)))
        return state.evolve(paused=action.paused)

    def title(self, sc: Scenario, action: Pause) -> str:
        return "Pause" if action.paused else "Resume"

    def label(self, sc: Scenario, action: Pause) -> str:
        return "pauses play" if action.paused else "resumes play"

    def describe(self, action: Pause) -> str:
        return "pause" if action.paused else "resume"


class AnnounceRules(Rules[Announce]):
    """A public line on the feed, marked as the facilitator's."""

    type = "announce"

    def check(self, state: GameState, seat: SeatId, action: Announce) -> None:
        if not action.text.strip():
            raise InvalidAction("the text is empty")

    def apply(
        self, state: GameState, seat: SeatId, action: Announce, events: list[Event]
    ) -> GameState:
        events.append(Event(Announced(text=action.text)))
        return state

    def title(self, sc: Scenario, action: Announce) -> str:
        return "Announcement"

    def label(self, sc: Scenario, action: Announce) -> str:
        return "announces"


class NewsRules(Rules[PlayNews]):
    """A news card from the deck read out now, its effects applied."""

    type = "news"

    def check(self, state: GameState, seat: SeatId, action: PlayNews) -> None:
        if not state.deck:
            raise IllegalAction("every news card has been read out")
        if action.card is not None and action.card not in state.deck:
            if action.card in {c.id for c in state.scenario.news.cards}:
                raise IllegalAction(f"'{action.card}' has been read out already")
            raise InvalidAction(f"there is no news card '{action.card}'")

    def apply(
        self, state: GameState, seat: SeatId, action: PlayNews, events: list[Event]
    ) -> GameState:
        return read_news(state, action.card or state.deck[0], events)

    def title(self, sc: Scenario, action: PlayNews) -> str:
        return "Read out the news"

    def label(self, sc: Scenario, action: PlayNews) -> str:
        return "reads out the news"

    def describe(self, action: PlayNews) -> str:
        return f"news {action.card or '(next)'}"


class NoteRules(Rules[Note]):
    """A control of the room's, recorded: the game itself does not change."""

    type = "note"

    def apply(self, state: GameState, seat: SeatId, action: Note, events: list[Event]) -> GameState:
        events.append(Event(Noted(text=action.text), frozenset()))  # the facilitator's alone
        return state

    def title(self, sc: Scenario, action: Note) -> str:
        return "Note"

    def label(self, sc: Scenario, action: Note) -> str:
        return "notes"
