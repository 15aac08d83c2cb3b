"""Seats nobody joins in time go to bots (RoomOptions.empty_seats_to_bots_after)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from divestiture.game.types import SeatId
from divestiture.server.app import start_server, stop_server
from tests.server.conftest import HOST_TOKEN, Peer, Running

OTHERS = {"white_house", "cfius", "bytedance", "investors"}


async def test_seats_nobody_joined_go_to_bots(server: Running, peers: list[Peer]) -> None:
    """After the room's wait, bots take every seat nobody joined, not the ones students
    hold; the game goes on with them, and a late student cannot take a bot's seat."""
    admin = await Peer.open(server.url)
    created = await admin.create(
        seed=4, empty_seats_to_bots_after=0.3, empty_seat_bot={"difficulty": "easy"}
    )
    room = created["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(room, "microsoft", "Ann")
    presence = await ann.expect("presence")
    while set(presence["bots"]) != OTHERS:
        presence = await ann.expect("presence", timeout=5)
    assert "microsoft" not in presence["bots"]
    assert server.lobby.rooms[room].bots[SeatId("cfius")].difficulty == "easy"
    # The bots play: the table moves past Monday's negotiation once Ann passes.
    await ann.send({"type": "act", "id": "p", "action": {"type": "pass"}})
    await ann.until_view(lambda v: v["phase"] != "negotiate", timeout=10)
    late = await Peer.open(server.url)
    peers.append(late)
    await late.send({"type": "join", "room": room, "seat": "cfius", "name": "Late"})
    assert (await late.expect("error"))["code"] == "seat_taken"


async def test_the_wait_holds_across_a_restart(tmp_path: Path) -> None:
    """The wait runs from the room's opening, by the clock: a room reloaded after its
    wait is over gives its empty seats to bots at once."""
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
    admin = await Peer.open(url)
    room = (await admin.create(seed=4, empty_seats_to_bots_after=1.0))["room"]
    bea = await Peer.open(url)
    await bea.join(room, "bytedance", "Bea")
    await admin.close()
    await bea.close()
    await stop_server(srv, lobby, store)  # before the wait is over: no bots yet
    await asyncio.sleep(1.2)
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    try:
        loaded = lobby.rooms[room]
        for _ in range(50):
            if loaded.bots:
                break
            await asyncio.sleep(0.05)
        assert set(loaded.bots) == {"white_house", "cfius", "microsoft", "investors"}
        assert loaded.joined == {"bytedance"}
    finally:
        await stop_server(srv, lobby, store)
