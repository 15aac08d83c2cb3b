"""The wire: every message between a client and the server, as pydantic models.

A message is one JSON object per websocket text frame, tagged by ``type``. The
client speaks first with ``hello`` (the protocol version); then it creates a
room, joins a seat, watches, or resumes with a token, and acts. Every message
the server sends about a room carries the room's state ``version``.
docs/PROTOCOL.md explains each message with an example session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from divestiture.game.actions import Action
from divestiture.game.events import Event, EventData
from divestiture.game.narration import event_text
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024
RATE_PER_SECOND = 20.0  # sustained messages a connection may send
RATE_BURST = 40.0  # and in one burst

SEED_LIMIT = 2**63  # a seed is stored as SQLite's signed 64-bit INTEGER
Seconds = Annotated[float, Field(gt=0, le=3600)]
Role = SeatId | Literal["spectator", "facilitator"]


class Refusal(Exception):
    """A request the server refuses; ``code`` is the wire's error code. Nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- room options ------------------------------------------------------------------------


class BotSpec(_Msg):
    """How a bot plays a seat: a personality from the rules (None: drawn at random)."""

    personality: str | None = None
    difficulty: Literal["easy", "normal", "hard"] = "normal"


class RoomOptions(_Msg):
    """What a facilitator chooses when creating a room."""

    rounds: int | None = Field(default=None, ge=1, le=10, description="Days before the deadline")
    seed: int | None = Field(
        default=None,
        ge=0,
        lt=SEED_LIMIT,
        description="Decides briefs and news; random if None",
    )
    bots: dict[SeatId, BotSpec] = Field(default_factory=dict, description="Seats bots play")
    bot_delay: float = Field(default=1.5, ge=0, le=30, description="Seconds between bot moves")
    phase_seconds: dict[Literal["negotiate", "government", "resolve"], Seconds] = Field(
        default_factory=dict,
        description="A timer per phase; when it runs out every seat still to act passes",
    )
    lock_seats_after_first_round: bool = Field(
        default=False,
        description="Close the seats (as lock_seats does) when the first negotiate phase ends",
    )
    empty_seats_to_bots_after: Seconds | None = Field(
        default=None,
        description="Seconds after the room opens: every seat nobody has joined by then is"
        " played by a bot (empty_seat_bot) from then on",
    )
    empty_seat_bot: BotSpec = Field(
        default_factory=BotSpec, description="The bot that takes a seat nobody joined"
    )
    start: Literal["now", "teacher"] = Field(
        default="now",
        description="When the week starts: at once, or when the facilitator starts it"
        " (the timers run from then)",
    )


# --- client to server --------------------------------------------------------------------


class Hello(_Msg):
    """The first message on every connection."""

    type: Literal["hello"] = "hello"
    protocol: int
    client: str = Field(default="", max_length=80)


class CreateRoom(_Msg):
    """Open a room: only with the server's host token (``divest serve`` prints it)."""

    type: Literal["create_room"] = "create_room"
    scenario: str = Field(default="tiktok_2020", pattern=r"^[a-z0-9_]{1,40}$")
    options: RoomOptions = Field(default_factory=RoomOptions)
    host_token: str | None = Field(
        default=None,
        description="The host token divest serve printed; without it, or with another, the"
        " answer is not_host and nothing is created",
    )


class Join(_Msg):
    """Take a seat (or join the team already in it). ``room`` is a room's code or a
    class's: in a class, with no ``seat`` (or ``table``) named, the student is seated
    where the class needs them; ``joined`` says where."""

    type: Literal["join"] = "join"
    room: str = Field(max_length=12, description="A room's code, or a class's")
    seat: SeatId | None = Field(default=None, description="None: wherever a seat is free")
    name: str = Field(min_length=1, max_length=40)
    table: int | None = Field(default=None, ge=1, le=20, description="A class's table, from 1")


class Watch(_Msg):
    type: Literal["watch"] = "watch"
    room: str = Field(max_length=12)


class Resume(_Msg):
    """Come back with a seat token or the facilitator token."""

    type: Literal["resume"] = "resume"
    room: str = Field(max_length=12)
    token: str = Field(min_length=1, max_length=100)


class Act(_Msg):
    """An action for this connection's seat. ``id`` is chosen by the client, unique per
    seat (a UUID does): an action resent with the same id is applied once."""

    type: Literal["act"] = "act"
    id: str = Field(min_length=1, max_length=64)
    action: Action
    seat: SeatId | None = Field(default=None, description="If given, must be this connection's")


class TeamSay(_Msg):
    """A line on the seat's team channel: the other clients in the same seat see it."""

    type: Literal["team"] = "team"
    text: str = Field(min_length=1, max_length=500)


class EndPhase(_Msg):
    """Facilitator: end the phase now (every seat still to act passes).

    ``version`` is the state version the facilitator saw: if the phase it was in
    has ended since, nothing happens and the answer is ``stale_version``. Without
    it, the phase the room is in when the message arrives is the one ended.
    """

    type: Literal["end_phase"] = "end_phase"
    version: int | None = Field(default=None, ge=0, description="The version the facilitator saw")


class AddBots(_Msg):
    """Facilitator: bots take these seats (all seats nobody has joined, if empty)."""

    type: Literal["add_bots"] = "add_bots"
    seats: tuple[SeatId, ...] = ()
    bot: BotSpec = Field(default_factory=BotSpec)


class LockSeats(_Msg):
    """Facilitator: close the seats (``join`` is refused) or open them again.

    A seat's token still resumes, spectators still watch: closing the seats only
    stops anyone taking a seat, or joining a team, from now on.
    """

    type: Literal["lock_seats"] = "lock_seats"
    locked: bool = True


# --- the facilitator's controls -----------------------------------------------------------

Phases = Literal["negotiate", "government", "resolve"]


class StartPlay(_Msg):
    """The week starts (timers run from now). Seats nobody joined are given to bots
    first if ``bots_for_empty_seats``."""

    do: Literal["start"] = "start"
    bots_for_empty_seats: bool = True


class PausePlay(_Msg):
    """Pause (timers freeze; every seat's action is refused with ``paused``)."""

    do: Literal["pause"] = "pause"


class ResumePlay(_Msg):
    do: Literal["resume"] = "resume"


class EndPhaseNow(_Msg):
    """End the phase now: every seat still to act does what its rules say an absent
    seat does."""

    do: Literal["end_phase"] = "end_phase"


class SetTimer(_Msg):
    """From now on ``phase`` lasts ``seconds`` (None: untimed); in that phase now, the
    time left is ``seconds`` from now."""

    do: Literal["timer"] = "timer"
    phase: Phases
    seconds: Seconds | None


class ReadNews(_Msg):
    """Read out a news card now: the deck's next, or ``card``."""

    do: Literal["news"] = "news"
    card: str | None = Field(default=None, max_length=40)


class Announcement(_Msg):
    """A public line on every seat's feed, marked as the facilitator's."""

    do: Literal["announce"] = "announce"
    text: str = Field(min_length=1, max_length=500)


class SeatLock(_Msg):
    """Close the seats (no one new joins) or open them."""

    do: Literal["lock_seats"] = "lock_seats"
    locked: bool = True


class BotTakes(_Msg):
    """A bot plays ``seat`` from now on (its students watch, or are moved first)."""

    do: Literal["bot"] = "bot"
    seat: SeatId
    bot: BotSpec = Field(default_factory=BotSpec)


class BotLeaves(_Msg):
    """The bot gives ``seat`` back: a student may join it (or be moved to it)."""

    do: Literal["release"] = "release"
    seat: SeatId


class MoveStudent(_Msg):
    """Move the student ``name`` in ``seat`` to ``to_seat`` (of table ``to_room``, or
    the same table). A bot playing ``to_seat`` gives it up to the student."""

    do: Literal["move"] = "move"
    seat: SeatId
    name: str = Field(min_length=1, max_length=40)
    to_seat: SeatId
    to_room: str | None = Field(default=None, max_length=12)


class RemoveStudent(_Msg):
    """Take the student ``name`` out of ``seat``: their connection is closed and their
    token no longer resumes."""

    do: Literal["remove"] = "remove"
    seat: SeatId
    name: str = Field(min_length=1, max_length=40)


ControlOrder = Annotated[
    StartPlay
    | PausePlay
    | ResumePlay
    | EndPhaseNow
    | SetTimer
    | ReadNews
    | Announcement
    | SeatLock
    | BotTakes
    | BotLeaves
    | MoveStudent
    | RemoveStudent,
    Field(discriminator="do"),
]


class Control(_Msg):
    """Facilitator: one control, for the tables named (``tables``: their room codes) or,
    with none named, for this connection's room or every table of its class. Every
    control is kept in each table's log. The answer is one ``control_done``."""

    type: Literal["control"] = "control"
    id: str = Field(min_length=1, max_length=64, description="Chosen by the client")
    control: ControlOrder
    tables: tuple[Annotated[str, Field(max_length=12)], ...] = Field(default=(), max_length=40)


# --- classes -------------------------------------------------------------------------------


class ClassOptions(_Msg):
    """What a teacher chooses when opening a class: its tables, and each table's room."""

    tables: int = Field(default=6, ge=1, le=20, description="How many tables (rooms)")
    room: RoomOptions = Field(
        default_factory=lambda: RoomOptions(start="teacher"),
        description="Every table's room options (unless they say otherwise, the week waits"
        " for the teacher)",
    )

    @model_validator(mode="after")
    def _teacher_starts(self) -> ClassOptions:
        if "start" not in self.room.model_fields_set:
            return self.model_copy(
                update={"room": self.room.model_copy(update={"start": "teacher"})}
            )
        return self


class CreateClass(_Msg):
    """Open a class: several tables, one facilitator token, one code students type.
    Only with the server's host token, as ``create_room``."""

    type: Literal["create_class"] = "create_class"
    host_token: str | None = Field(default=None, max_length=100)
    scenario: str = Field(default="tiktok_2020", pattern=r"^[a-z0-9_]{1,40}$")
    options: ClassOptions = Field(default_factory=ClassOptions)


class AddTable(_Msg):
    """Facilitator of a class: open one more table."""

    type: Literal["add_table"] = "add_table"


class WatchClass(_Msg):
    """Facilitator: follow a whole class (``class_view``), and control it; ``token`` is
    the class's facilitator token or the server's host token."""

    type: Literal["watch_class"] = "watch_class"
    code: str = Field(max_length=12, description="The class's code")
    token: str = Field(min_length=1, max_length=100)


class ListClasses(_Msg):
    """The server's host: which classes and rooms there are (``classes``)."""

    type: Literal["list_classes"] = "list_classes"
    host_token: str | None = Field(default=None, max_length=100)


class Export(_Msg):
    """Facilitator: every table's stored log, for the debrief (one ``room_log`` each): the
    tables named, or every table of the class this connection watches (or its room)."""

    type: Literal["export"] = "export"
    tables: tuple[Annotated[str, Field(max_length=12)], ...] = Field(default=(), max_length=40)


class Debrief(_Msg):
    """The debrief report (``debrief_report``). A facilitator: of the tables named, or
    every table of the class this connection watches (or its room), during play too. A
    student in a seat: of their own table, as their seat saw it, once the game is over."""

    type: Literal["debrief"] = "debrief"
    id: str = Field(min_length=1, max_length=64, description="Chosen by the client")
    tables: tuple[Annotated[str, Field(max_length=12)], ...] = Field(default=(), max_length=40)


ClientMessage = Annotated[
    Hello
    | CreateRoom
    | Join
    | Watch
    | Resume
    | Act
    | TeamSay
    | EndPhase
    | AddBots
    | LockSeats
    | Control
    | CreateClass
    | AddTable
    | WatchClass
    | ListClasses
    | Export
    | Debrief,
    Field(discriminator="type"),
]
CLIENT_ADAPTER: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
# The type tags a client may send, read off the union itself.
CLIENT_TYPES = frozenset(
    m.model_fields["type"].default for m in get_args(get_args(ClientMessage)[0])
)


# --- server to client --------------------------------------------------------------------


class _Out(_Msg):
    version: int | None = Field(default=None, description="The room's state version")


class Welcome(_Out):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    server: str


class RoomCreated(_Out):
    type: Literal["room_created"] = "room_created"
    room: str
    facilitator_token: str
    seats: tuple[SeatId, ...]


class Joined(_Out):
    """This connection now plays ``role`` in ``room``; keep ``token`` to come back."""

    type: Literal["joined"] = "joined"
    room: str
    role: Role
    name: str
    token: str | None = None


class EventLine(BaseModel):
    """One thing that happened: its data (``data.kind`` says what kind), and its line in
    words, made from the data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data: EventData
    text: str

    @classmethod
    def of(cls, scenario: Scenario, event: Event) -> EventLine:
        return cls(data=event.data, text=event_text(scenario, event.data))


class ViewMsg(_Out):
    """The latest view of the game for this connection, and what just happened.

    After a join or resume, ``history`` is true and ``events`` holds everything this
    connection may see from the start of the game.
    """

    type: Literal["view"] = "view"
    view: GameView
    events: tuple[EventLine, ...] = ()
    history: bool = False


class Ack(_Out):
    """The action with this client id is stored and applied (``duplicate``: it was already)."""

    type: Literal["ack"] = "ack"
    id: str
    duplicate: bool = False


class ErrorMsg(_Out):
    """A refused message; nothing changed. ``id`` is the action's client id, if any."""

    type: Literal["error"] = "error"
    code: str
    message: str
    id: str | None = None


class TeamLine(_Out):
    type: Literal["team"] = "team"
    seat: SeatId
    sender: str
    text: str
    history: bool = False
    n: int | None = Field(
        default=None,
        ge=1,
        description="The line's number in its seat's channel, from 1: a client that comes "
        "back skips the lines of the history it has already shown",
    )


class Timer(_Out):
    """The phase timer: ``seconds_left`` None means this phase is not timed."""

    type: Literal["timer"] = "timer"
    round: int
    phase: str
    seconds_left: float | None
    running: bool = Field(
        default=True,
        description="False while the clock waits (the week has not started, or play is"
        " paused): seconds_left then stays where it is",
    )


class Attendee(_Msg):
    """One connection in a seat, as the facilitator sees it."""

    name: str
    address: str = Field(description="The IP address it connects from")


class Presence(_Out):
    """Who is at the table: the names in each seat, which seats bots play, and whether
    the seats are closed. The facilitator's also has each seat's connections and their
    addresses (``connections``; null for everyone else)."""

    type: Literal["presence"] = "presence"
    seats: dict[SeatId, tuple[str, ...]]
    bots: tuple[SeatId, ...]
    spectators: int
    seats_locked: bool = False
    connections: dict[SeatId, tuple[Attendee, ...]] | None = None


class ClassCreated(_Out):
    """A class is open: its code (students type it), its tables, and the facilitator
    token for all of them (keep it: it is the teacher's way back to the class)."""

    type: Literal["class_created"] = "class_created"
    code: str
    facilitator_token: str
    tables: tuple[str, ...]


class Student(_Msg):
    """A student holding a seat: here (``connected``) or away."""

    name: str
    connected: bool
    address: str | None = Field(default=None, description="Where each connection comes from")


class SeatStatus(_Msg):
    seat: SeatId
    name: str = Field(description="The seat as people say it")
    students: tuple[Student, ...]
    bot: str | None = Field(description="The bot playing it (its personality), or null")
    to_act: bool = Field(description="The table waits for this seat in this phase")
    score: float | None = Field(description="Its score, once the game is over")


class DealStatus(_Msg):
    id: str
    status: str
    parties: tuple[str, ...]
    terms: str
    signed_by: tuple[str, ...]


class TableStatus(_Msg):
    """One table as the teacher's console shows it."""

    n: int = Field(description="The table's number in its class (0: a room on its own)")
    room: str
    title: str
    day: str
    round: int
    deadline: int
    deadline_day: str
    phase: str
    started: bool
    paused: bool
    over: bool
    outcome: str | None
    seconds_left: float | None
    timer_running: bool
    seats_locked: bool
    spectators: int
    seats: tuple[SeatStatus, ...]
    deals: tuple[DealStatus, ...]
    news: tuple[str, ...] = Field(description="Cards still in the deck, by id")
    last: tuple[str, ...] = Field(description="The table's last few lines of play")


class ClassView(_Out):
    """A whole class, as its facilitator's console shows it; sent on watching and
    after every change (at most a few times a second)."""

    type: Literal["class_view"] = "class_view"
    code: str
    scenario: str
    tables: tuple[TableStatus, ...]
    broken: tuple[str, ...] = Field(default=(), description="Tables that could not be loaded")


class ControlDone(_Out):
    """The answer to a ``control``: for each table, ``ok`` or why it was refused."""

    type: Literal["control_done"] = "control_done"
    id: str
    results: dict[str, str]


class SeatResult(_Msg):
    """A seat's result at its table, for its end screen."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    seat: SeatId
    score: float = Field(description="Out of 100")
    percentile: float = Field(description="Against the bots' games in the same seat (0-100)")
    games: int = Field(description="How many bots' games it is compared with")
    outcome: str
    deal_map: bytes = Field(description="The table's deal map, a PNG (base64)")


class DebriefReport(_Out):
    """The answer to ``debrief``: the report, one self-contained HTML page (no scripts), and
    for a student, their seat's result."""

    type: Literal["debrief_report"] = "debrief_report"
    id: str
    file_name: str = Field(description="A name to save the page as")
    html: str
    seat: SeatResult | None = None


class ClassSummary(_Msg):
    code: str
    tables: int
    created: float


class ClassList(_Out):
    type: Literal["classes"] = "classes"
    classes: tuple[ClassSummary, ...]


class LoggedMove(_Msg):
    """One accepted action of a room's log, and who took it (a seat, or the facilitator)."""

    actor: str
    action: Action


class RoomLog(_Out):
    """A table as stored (the answer to ``export``, one per table): enough to replay its
    game, and who held each seat. ``last`` marks the export's last table."""

    type: Literal["room_log"] = "room_log"
    n: int = Field(description="The table's number in its class (0: a room on its own)")
    room: str
    scenario: str
    seed: int
    options: RoomOptions
    created: float
    actions: tuple[LoggedMove, ...]
    holders: tuple[tuple[SeatId, str], ...] = Field(description="(seat, name), as they joined")
    bots: dict[SeatId, str] = Field(description="The seats bots play, and each bot as stored")
    last: bool


@dataclass(frozen=True, slots=True)
class Encoded:
    """A server message and its JSON, encoded once for every member who gets the same."""

    message: _Out
    text: str

    @classmethod
    def of(cls, message: _Out) -> Encoded:
        return cls(message, message.model_dump_json())


ServerMessage = Annotated[
    Welcome
    | RoomCreated
    | Joined
    | ViewMsg
    | Ack
    | ErrorMsg
    | TeamLine
    | Timer
    | Presence
    | ClassCreated
    | ClassView
    | ControlDone
    | ClassList
    | RoomLog
    | DebriefReport,
    Field(discriminator="type"),
]
SERVER_ADAPTER: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def schema() -> dict[str, object]:
    """The JSON Schema of both directions, for writers of other clients."""
    return {
        "protocol": PROTOCOL_VERSION,
        "max_frame_bytes": MAX_FRAME_BYTES,
        "client_to_server": CLIENT_ADAPTER.json_schema(),
        "server_to_client": SERVER_ADAPTER.json_schema(),
    }


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True)
