"""Where a game comes from: a solo table on an embedded server, or a classroom room.

Solo play runs the real server in this process on a free loopback port and
fills the other seats with bots, so a solo game and a classroom game take the
same path: the same protocol, the same store, the same recovery.

Every seat's token is kept (client/saved.py), so that a student who quits comes
back to the same seat: joining a classroom room (or class) where this user holds
the seat asked for (or, asked for any seat, any seat) resumes it with the token,
and a solo game saved in the solo data directory is opened again on an embedded
server over the same directory. A seat the teacher moves is kept under its new
room; one the teacher takes the student out of is forgotten.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom, StartSolo
from divestiture.client.saved import (
    GAMES_FILE,
    SavedSeat,
    SeatFile,
    held_at,
    room_of,
    seat_key,
    standing,
)
from divestiture.client.ws import Held, RemoteConnection, parse_join_url
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.views import GameView
from divestiture.server.protocol import BotSpec, RoomOptions

SOLO_NAME = "You"  # the player's name at a solo table


class Keeper:
    """Keeps a seat's token in ``saved`` under the key of the room it is in (``key_of``
    the room's code), as ``name``; the connection calls it with each seat the server
    gives (``Held``), and None when the token is void. A seat moved to another room
    is kept under the new room's key, and the old key forgotten. ``via``: the class
    code the student typed (when it was one), noted with the seat."""

    def __init__(
        self,
        saved: SeatFile,
        name: str,
        key_of: Callable[[str], str],
        *,
        asked: str = "",
        key: str | None = None,
        via: str = "",
    ) -> None:
        self.saved, self.name, self.key_of = saved, name, key_of
        self.asked = asked.strip().upper()  # the code typed: a room's, or a class's
        self.key = key  # where the seat is kept now (None: nowhere yet)
        self.via = via

    def __call__(self, held: Held | None) -> None:
        if held is None:
            if self.key is not None:
                self.saved.forget(self.key)
            return
        key = self.key_of(held.room)
        if self.asked and held.room != self.asked:
            self.via = self.asked  # the server seated the student at a table of a class
        old = self.saved.get(self.key) if self.key is not None else None
        if self.key is not None and self.key != key:
            self.saved.forget(self.key)
        now = time.time()
        joined = old.joined if old is not None and old.token == held.token else now
        seat = SavedSeat(held.seat, held.token, self.name, joined, now, via=self.via)
        self.saved.put(key, seat)
        self.key = key


@dataclass
class Session:
    """A connection to one seat, the embedded server behind it if solo, and where the
    seat's token is kept (``keeper``)."""

    connection: RemoteConnection
    server: EmbeddedServer | None = None
    keeper: Keeper | None = None
    _stands: str = field(default="", repr=False)  # where the game stood, last noted

    @property
    def key(self) -> str | None:
        """Where the seat's token is kept now (None: nowhere)."""
        return self.keeper.key if self.keeper is not None else None

    def seen(self, view: GameView) -> None:
        """Note when the seat played and where its game stands (the lobby lists saved
        games by it), each time the day or the outcome changes."""
        stands, over = standing(view)
        key = self.key
        if self.keeper is None or key is None or stands == self._stands:
            return
        self._stands = stands
        self.keeper.saved.update(key, played=time.time(), stands=stands, over=over)

    def close(self) -> None:
        self.connection.close()
        if self.server is not None:
            self.server.stop()


def solo_options(scenario: Scenario, intent: StartSolo, bot_delay: float) -> RoomOptions:
    """A room where bots play every seat but the player's."""
    chosen = dict(intent.personalities)
    if intent.seat not in scenario.seat_ids:
        choices = ", ".join(scenario.seat_name(s) for s in scenario.seat_ids)
        raise ValueError(f"'{intent.seat}' is not a seat (choose from {choices})")
    bots = {
        SeatId(s): BotSpec(personality=chosen.get(s), difficulty=intent.difficulty)
        for s in scenario.seat_ids
        if s != intent.seat
    }
    return RoomOptions(seed=intent.seed, bots=bots, bot_delay=bot_delay)


def start_solo(
    scenario: Scenario, intent: StartSolo, data_dir: Path | None, bot_delay: float
) -> Session:
    """Start the embedded server, make the room, and connect to the player's seat (its
    token is kept with the games, so the lobby can go back to it)."""
    options = solo_options(scenario, intent, bot_delay)
    where = data_dir if data_dir is not None else Path(tempfile.mkdtemp(prefix="divest-solo-"))
    server = EmbeddedServer(where)
    server.start()
    try:
        room, _facilitator = server.create_room(options)
    except Exception:
        server.stop()
        raise
    games, seat = SeatFile(where / GAMES_FILE), SeatId(intent.seat)
    keep = Keeper(games, SOLO_NAME, _solo_key)
    connection = RemoteConnection(server.url, room, seat, SOLO_NAME, keep=keep)
    return Session(connection, server, keep)


def resume_solo(data_dir: Path | None, room: str) -> Session:
    """Open the embedded server on the solo games again and resume ``room``'s seat with
    its kept token.

    Raises:
        ValueError: no such game is kept in ``data_dir``.
    """
    games = SeatFile(data_dir / GAMES_FILE) if data_dir is not None else None
    held = games.get(room) if games is not None else None
    if data_dir is None or games is None or held is None:
        raise ValueError(f"there is no saved solo game {room} to go back to")
    seat, name = SeatId(held.seat), held.name or SOLO_NAME
    server = EmbeddedServer(data_dir)
    server.start()  # every unfinished game is loaded back, this one with them
    try:
        keep = Keeper(games, name, _solo_key, key=room)
        connection = RemoteConnection(server.url, room, seat, name, token=held.token, keep=keep)
    except Exception:
        server.stop()
        raise
    return Session(connection, server, keep)


def join_room(intent: JoinRoom, saved: SeatFile | None = None) -> Session:
    """Connect to a seat (or, with none asked for, wherever the server seats the student)
    of a room or class on a classroom server (``ws://HOST:PORT/CODE``): resume the seat
    with the token kept in ``saved`` if this user holds it there (in that room, or at a
    table of that class), else join (and keep the token the server gives)."""
    url, code = parse_join_url(intent.url)
    seat = SeatId(intent.seat) if intent.seat is not None else None
    found = held_at(saved.all(), url, code) if saved is not None else None
    if found is not None and seat is not None and found[1].seat != seat:
        found = None  # another seat is asked for: joined, not resumed
    keep = None
    if saved is not None:
        key, via = (found[0], found[1].via) if found is not None else (None, "")
        keep = Keeper(saved, intent.name, partial(seat_key, url), asked=code, key=key, via=via)
    token, room = (found[1].token, room_of(found[0])) if found is not None else (None, None)
    connection = RemoteConnection(
        url, code, seat, intent.name, token=token, resume_in=room, keep=keep
    )
    return Session(connection, keeper=keep)


def _solo_key(room: str) -> str:
    """A solo game is kept under its room code."""
    return room
