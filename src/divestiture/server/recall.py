"""A room's bots after a restart, exactly as they were: same generator, same memory.

A bot's generator is seeded by the room's seed, its seat and the version at which
it took the seat; that version is stored with the bot's spec, so a restart makes
the same bot again. Its memory (what it did this phase and this game, the words
it still means to say, where its generator stands) is then rebuilt by replaying
the room's log from that version: before each logged move of its own, the bot
decides again on the same view, as ``Room._bot_move`` had it decide. A decision
the room refused, and replaced by a pass, is forgotten again, as it was then.

Pure: no I/O, no clock; the lobby runs it in a worker thread before the room is
served.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from divestiture.game.checks import describe
from divestiture.game.engine import apply, start
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Player
from divestiture.game.state import GameState
from divestiture.game.types import SeatId
from divestiture.game.views import view_for
from divestiture.server.memory import remember
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


@dataclass(slots=True)
class Recalled:
    """A room's state replayed from its log, and its bots with their memory rebuilt."""

    state: GameState
    players: dict[SeatId, Player]
    # seat -> the first logged move its replayed decision did not match (the rules or
    # the bots changed since it was played); such a bot plays on from what it recalled
    diverged: dict[SeatId, str] = field(default_factory=dict)


def recall(
    sc: Scenario,
    record: RoomRecord,
    rounds: int | None,
    bots: Mapping[SeatId, tuple[Player, int]],
) -> Recalled:
    """Replay the room's log from the start, the bots deciding again before their moves.

    Args:
        sc: the room's scenario.
        record: everything stored about the room.
        rounds: the room's ``rounds`` option.
        bots: seat -> a new bot for it (made as it was made when it took the seat) and
            the version it took the seat at.

    Returns:
        The state the log leads to, and each bot as it was after its last logged move.
    """
    players = {seat: player for seat, (player, _) in bots.items()}
    since = {seat: version for seat, (_, version) in bots.items()}
    diverged: dict[SeatId, str] = {}
    state = start(sc, record.seed, rounds).state
    for entry in record.actions:
        seat = SeatId(entry.actor)
        player = players.get(seat)
        if player is not None and state.version >= since[seat]:
            move = bot_move_id(seat, state.version)
            refused = entry.client_id == move + FALLBACK
            if refused or entry.client_id == move:
                before = remember(player) if refused else player
                try:
                    decided = player.act(view_for(state, seat))
                except Exception as e:  # a bot's bug: the room must load all the same
                    diverged.setdefault(seat, f"at version {state.version} it failed: {e!r}")
                else:
                    if not refused and decided.model_dump() != entry.action.model_dump():
                        diverged.setdefault(
                            seat,
                            f"at version {state.version} it decided {describe(decided)},"
                            f" the log has {describe(entry.action)}",
                        )
                # Live, a refused decision was forgotten: the bot went back to what it knew.
                players[seat] = before
        state = apply(state, entry.actor, entry.action).state
    return Recalled(state, players, diverged)


def bot_turns(record: RoomRecord) -> int:
    """How many bot moves the log holds: the bots take turns in that count's order."""
    return sum(1 for entry in record.actions if entry.client_id.startswith(BOT_ID))
