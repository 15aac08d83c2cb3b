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

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

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
    """Take a seat (or join the team already in it)."""

    type: Literal["join"] = "join"
    room: str = Field(max_length=12)
    seat: SeatId
    name: str = Field(min_length=1, max_length=40)


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


ClientMessage = Annotated[
    Hello | CreateRoom | Join | Watch | Resume | Act | TeamSay | EndPhase | AddBots | LockSeats,
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


@dataclass(frozen=True, slots=True)
class Encoded:
    """A server message and its JSON, encoded once for every member who gets the same."""

    message: _Out
    text: str

    @classmethod
    def of(cls, message: _Out) -> Encoded:
        return cls(message, message.model_dump_json())


ServerMessage = Annotated[
    Welcome | RoomCreated | Joined | ViewMsg | Ack | ErrorMsg | TeamLine | Timer | Presence,
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
