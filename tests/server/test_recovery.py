"""Persistence: the stored log replays to the live state; a killed server resumes every game."""

from __future__ import annotations

import asyncio
from pathlib import Path

from divestiture.game import load_scenario
from divestiture.game.scenario import DEFAULT_SCENARIO
from divestiture.game.simulation import make_players, player_factory
from divestiture.server.client import SeatClient, create_room
from divestiture.server.lobby import replayed
from divestiture.server.protocol import RoomOptions
from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, Running
from tests.server.processes import free_port, kill_9, served, until_listening

SC = load_scenario(DEFAULT_SCENARIO)


async def _play(url: str, seed: int, patience: float = 60) -> list[SeatClient]:
    created = await create_room(url, RoomOptions(seed=seed), host_token=HOST_TOKEN)
    players = make_players(seed, created.seats, player_factory(SC))
    clients = [
        SeatClient(url, created.room, s, players[s], patience=patience) for s in created.seats
    ]
    await asyncio.wait_for(asyncio.gather(*(c.play() for c in clients)), 180)
    return clients


async def test_stored_log_replays_to_the_live_state(server: Running) -> None:
    """Replaying a room's stored log gives exactly the live state and the same events."""
    await _play(server.url, seed=21)
    (room,) = server.lobby.rooms.values()
    record = await room.store.run(Store.load, room.code)
    assert record is not None and record.outcome == room.state.outcome
    state, events = replayed(SC, record, RoomOptions())
    assert state == room.state
    assert events == room.events


async def test_sigkill_mid_game_loses_no_acknowledged_action(tmp_path: Path) -> None:
    """kill -9 in mid-game, start again on the same data: the game finishes and every
    action a client was told was accepted is in the log."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}"
    with served(port, tmp_path) as first:
        await until_listening(port)
        game = asyncio.create_task(_play(url, seed=31, patience=60))
        while True:  # let the game get going, then kill the server
            await asyncio.sleep(0.05)
            assert not game.done(), "the game ended before the kill"
            store = Store(tmp_path / "divestiture.sqlite3")
            played = store.db.execute("SELECT COUNT(*) FROM actions").fetchone()[0]
            store.close()
            if played >= 15:
                break
        kill_9(first)
    await asyncio.sleep(0.3)
    with served(port, tmp_path):
        clients = await game
    assert sum(c.reconnects for c in clients) >= len(clients)
    store = Store(tmp_path / "divestiture.sqlite3")
    (code,) = [r[0] for r in store.db.execute("SELECT code FROM rooms")]
    record = store.load(code)
    store.close()
    assert record is not None and record.outcome is not None
    logged = {(a.actor, a.client_id) for a in record.actions}
    for client in clients:
        assert client.acked
        assert all((client.seat, ack) in logged for ack in client.acked)
    state, _ = replayed(SC, record, RoomOptions())
    assert state.outcome == clients[0].view.outcome  # type: ignore[union-attr]
