"""A room's bots after a restart: the same bots, going on from their stored memories.

A bot's generator is seeded by the room's seed, its seat and the version at which
it took the seat; that version is stored with the bot's spec, so a restart makes
the same bot again. What it remembers is the ``Memory`` its last move was stored
with (a move refused and replaced by a pass was forgotten, and is stored without
one). A bot stored by an older version of the server, which kept no memories,
starts again from its first memory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from divestiture.game.bots.memory import Memory
from divestiture.game.simulation import Player
from divestiture.game.types import SeatId
from divestiture.server.protocol import BotSpec
from divestiture.server.store import RoomRecord

BOT_ID = "bot:"  # every client id a bot's move is stored under starts so
FALLBACK = ":pass"  # ... and a pass made instead of a refused decision ends so


def bot_move_id(seat: SeatId, version: int) -> str:
    """The client id of the bot's move decided on the state at ``version``."""
    return f"{BOT_ID}{seat}:{version}"


def bot_json(spec: BotSpec, since: int) -> str:
    """A bot as stored: its spec, and the version at which it took the seat."""
    return json.dumps({**spec.model_dump(), "since": since})


def parse_bot(text: str) -> tuple[BotSpec, int | None]:
    """A stored bot's spec and the version it took the seat at (None if the store
    is older than that: it kept only the spec)."""
    data = json.loads(text)
    since = data.pop("since", None) if isinstance(data, dict) else None
    return BotSpec.model_validate(data), since if isinstance(since, int) else None


def recalled_memories(
    record: RoomRecord, bots: Mapping[SeatId, tuple[Player, int]]
) -> dict[SeatId, Memory]:
    """Each bot's memory after its last stored move since it took the seat (its first
    memory if it has made none).

    Args:
        record: everything stored about the room.
        bots: seat -> its bot, and the version it took the seat at.
    """
    memories = {seat: player.first_memory for seat, (player, _) in bots.items()}
    for entry in record.actions:
        seat = SeatId(entry.actor)
        if entry.memory is not None and seat in bots and entry.version > bots[seat][1]:
            memories[seat] = entry.memory
    return memories


def bot_turns(record: RoomRecord) -> int:
    """How many bot moves the log holds: the bots take turns in that count's order."""
    return sum(1 for entry in record.actions if entry.client_id.startswith(BOT_ID))
