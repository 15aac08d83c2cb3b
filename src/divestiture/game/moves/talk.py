"""Talk: private messages and public statements."""

from __future__ import annotations

from collections.abc import Sequence

from divestiture.game.actions import Action, Message, Statement
from divestiture.game.changes import set_seat
from divestiture.game.checks import check_text, move_gate
from divestiture.game.errors import InvalidAction
from divestiture.game.events import Event, MessageSent, StatementMade
from divestiture.game.moves.base import Rules
from divestiture.game.scenario import Scenario
from divestiture.game.state import ChatMessage, GameState
from divestiture.game.types import SeatId
from divestiture.game.wording import seat_word


class MessageRules(Rules[Message]):
    """A private message to one or more seats; free of the turn order (a seat that has
    passed may still write), within the rules' number of messages a phase."""

    type = "message"

    def gate(self, state: GameState, seat: SeatId) -> None:
        move_gate(state, seat, "message")

    def check(self, state: GameState, seat: SeatId, action: Message) -> None:
        check_text(state, action.text)
        for to in action.to:
            if to not in state.seats:
                raise InvalidAction(f"'{to}' is not a seat in this game")
            if to == seat:
                raise InvalidAction("a seat cannot message itself")
        if len(set(action.to)) != len(action.to):
            raise InvalidAction("a recipient is listed twice")

    def apply(
        self, state: GameState, seat: SeatId, action: Message, events: list[Event]
    ) -> GameState:
        to = tuple(sorted(action.to))
        msg = ChatMessage(sender=seat, to=to, text=action.text, round=state.round)
        events.append(
            Event(MessageSent(seat=seat, to=to, text=action.text), frozenset((*to, seat)))
        )
        state = state.evolve(messages=(*state.messages, msg))
        return set_seat(state, seat, messages=state.seats[seat].messages + 1)

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        sc = state.scenario

        def made() -> tuple[Action, ...]:
            word = f"A word from {sc.seat_name(seat)}."
            return tuple(Message(to=(o,), text=word) for o in sc.seat_ids if o != seat)

        return sc.kept(("message examples", seat), made)

    def title(self, sc: Scenario, action: Message) -> str:
        return "Message to " + ", ".join(seat_word(sc, s) for s in action.to)

    def label(self, sc: Scenario, action: Message) -> str:
        return "writes to " + ", ".join(sc.seat_name(s) for s in action.to)

    def describe(self, action: Message) -> str:
        return f"message to {', '.join(action.to)}"


class StatementRules(Rules[Statement]):
    """A public statement everyone sees, within the rules' number a phase."""

    type = "statement"

    def gate(self, state: GameState, seat: SeatId) -> None:
        move_gate(state, seat, "statement")

    def check(self, state: GameState, seat: SeatId, action: Statement) -> None:
        check_text(state, action.text)

    def apply(
        self, state: GameState, seat: SeatId, action: Statement, events: list[Event]
    ) -> GameState:
        events.append(Event(StatementMade(seat=seat, text=action.text)))
        return set_seat(state, seat, statements=state.seats[seat].statements + 1)

    def examples(self, state: GameState, seat: SeatId) -> Sequence[Action]:
        return state.scenario.kept(
            "statement example", lambda: (Statement(text="We are studying every option."),)
        )

    def title(self, sc: Scenario, action: Statement) -> str:
        return "Public statement"

    def label(self, sc: Scenario, action: Statement) -> str:
        return "speaks in public"
