"""Where a game comes from: a solo table on an embedded server, or a classroom room.

Solo play runs the real server in this process on a free loopback port and
fills the other seats with bots, so a solo game and a classroom game take the
same path: the same protocol, the same store, the same recovery.

Every seat's token is kept (client/saved.py), so that a student who quits comes
back to the same seat: joining a classroom room where this user holds the seat
asked for resumes it with the token, and a solo game saved in the solo data
directory is opened again on an embedded server over the same directory.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom, StartSolo
from divestiture.client.saved import GAMES_FILE, SavedSeat, SeatFile, seat_key, standing
from divestiture.client.ws import RemoteConnection, parse_join_url
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.views import GameView
from divestiture.server.protocol import BotSpec, RoomOptions

SOLO_NAME = "You"  # the player's name at a solo table


@dataclass
class Session:
    """A connection to one seat, the embedded server behind it if solo, and where the
    seat's token is kept (``saved`` under ``key``)."""

    connection: RemoteConnection
    server: EmbeddedServer | None = None
    saved: SeatFile | None = None
    key: str = ""
    _stands: str = field(default="", repr=False)  # where the game stood, last noted

    def seen(self, view: GameView) -> None:
        """Note when the seat played and where its game stands (the lobby lists saved
        games by it), each time the day or the outcome changes."""
        stands, over = standing(view)
        if self.saved is None or stands == self._stands:
            return
        self._stands = stands
        self.saved.update(self.key, played=time.time(), stands=stands, over=over)

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
    keep = keeper(games, room, seat, SOLO_NAME)
    connection = RemoteConnection(server.url, room, seat, SOLO_NAME, keep=keep)
    return Session(connection, server, saved=games, key=room)


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
        keep = keeper(games, room, seat, name)
        connection = RemoteConnection(server.url, room, seat, name, token=held.token, keep=keep)
    except Exception:
        server.stop()
        raise
    return Session(connection, server, saved=games, key=room)


def join_room(intent: JoinRoom, saved: SeatFile | None = None) -> Session:
    """Connect to a seat of a room on a classroom server (``ws://HOST:PORT/ROOM``):
    resume it with the token kept in ``saved`` if this user holds that seat there,
    else join it (and keep the token the server gives)."""
    url, room = parse_join_url(intent.url)
    seat, key = SeatId(intent.seat), seat_key(url, room)
    held = saved.get(key) if saved is not None else None
    token = held.token if held is not None and held.seat == seat else None
    keep = keeper(saved, key, seat, intent.name) if saved is not None else None
    connection = RemoteConnection(url, room, seat, intent.name, token=token, keep=keep)
    return Session(connection, saved=saved, key=key)


def keeper(saved: SeatFile, key: str, seat: SeatId, name: str) -> Callable[[str | None], None]:
    """What a connection calls with a seat's new token (kept under ``key``), or None
    when the server refused the kept one (forgotten)."""

    def keep(token: str | None) -> None:
        if token is None:
            saved.forget(key)
        else:
            now = time.time()
            saved.put(key, SavedSeat(seat, token, name, joined=now, played=now))

    return keep
