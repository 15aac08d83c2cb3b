"""Where a game comes from: a solo table on an embedded server, or a classroom room.

Solo play runs the real server in this process on a free loopback port and
fills the other seats with bots, so a solo game and a classroom game take the
same path: the same protocol, the same store, the same recovery.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom, StartSolo
from divestiture.client.ws import RemoteConnection, parse_join_url
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.server.protocol import BotSpec, RoomOptions


@dataclass
class Session:
    """A connection to one seat, and the embedded server behind it if solo."""

    connection: RemoteConnection
    server: EmbeddedServer | None = None

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
    """Start the embedded server, make the room, and connect to the player's seat."""
    options = solo_options(scenario, intent, bot_delay)
    where = data_dir if data_dir is not None else Path(tempfile.mkdtemp(prefix="divest-solo-"))
    server = EmbeddedServer(where)
    server.start()
    try:
        room, _facilitator = server.create_room(options)
    except Exception:
        server.stop()
        raise
    connection = RemoteConnection(server.url, room, SeatId(intent.seat), "You")
    return Session(connection, server)


def join_room(intent: JoinRoom) -> Session:
    """Connect to a seat of a room on a classroom server (``ws://HOST:PORT/ROOM``)."""
    url, room = parse_join_url(intent.url)
    return Session(RemoteConnection(url, room, SeatId(intent.seat), intent.name))
