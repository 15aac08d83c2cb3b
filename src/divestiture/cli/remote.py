"""``divest simulate --server``: bot clients play whole games over real websockets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from divestiture.game.scenario import Scenario
from divestiture.game.simulation import PlayerFactory, make_players
from divestiture.game.types import SeatId
from divestiture.server.client import DROPS, SeatClient, ServerGone, create_room, open_connection
from divestiture.server.protocol import RoomOptions


@dataclass(frozen=True, slots=True)
class RemoteGame:
    """One game played on a server: its room, outcome and every seat's score."""

    room: str
    outcome: str
    scores: dict[SeatId, float]
    reconnects: int
    refused: int


async def play_remote_game(
    url: str,
    scenario: Scenario,
    seed: int,
    factory: Mapping[SeatId, PlayerFactory],
    *,
    host_token: str,
) -> RemoteGame:
    """Create a room with ``seed`` (with the server's host token) and play each seat from
    its own connection."""
    options = RoomOptions(seed=seed, bot_delay=0)
    created = await create_room(url, options, scenario.id, host_token=host_token)
    players = make_players(seed, created.seats, factory)
    clients = [
        SeatClient(url, created.room, seat, players[seat], name=f"{seat} bot")
        for seat in created.seats
    ]
    views = await asyncio.gather(*(c.play() for c in clients))
    final = views[0]
    assert final.outcome is not None
    return RemoteGame(
        room=created.room,
        outcome=final.outcome,
        scores={s.seat: s.total for s in final.scores},
        reconnects=sum(c.reconnects for c in clients),
        refused=sum(c.refused for c in clients),
    )


def play_remote_games(
    url: str,
    scenario: Scenario,
    seeds: list[int],
    factory: Mapping[SeatId, PlayerFactory],
    advance: Callable[[], None],
    *,
    host_token: str,
) -> list[RemoteGame]:
    """Play the games one after another (each with one connection per seat)."""

    async def run() -> list[RemoteGame]:
        try:  # a server that is not there at all is an error now, not after a minute
            ws = await open_connection(url)
        except DROPS as e:
            raise ServerGone(f"nothing answers at {url} ({e})") from None
        await ws.close()
        games = []
        for seed in seeds:
            games.append(
                await play_remote_game(url, scenario, seed, factory, host_token=host_token)
            )
            advance()
        return games

    return asyncio.run(run())
