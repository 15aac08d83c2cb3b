"""``server.client.SeatClient`` over real sockets: resends, patience, and deciding
again when the game moves on while it decides."""

from __future__ import annotations

import asyncio
import random
import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from divestiture.game import load_scenario
from divestiture.game.actions import Action, Pass, Sign, Statement
from divestiture.game.bots import make_bot
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.events import Reason
from divestiture.game.scenario import DEFAULT_SCENARIO
from divestiture.game.simulation import make_players, player_factory
from divestiture.game.types import SeatId
from divestiture.game.views import GameView
from divestiture.server.app import start_server, stop_server
from divestiture.server.client import Pace, SeatClient, create_room
from divestiture.server.limits import Limits
from divestiture.server.protocol import Act, BotSpec, RoomOptions
from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, MS_TERMS, Peer, Running, running

SC = load_scenario(DEFAULT_SCENARIO)
OTHERS = ("white_house", "cfius", "bytedance", "investors")


async def test_a_duplicate_ack_after_a_resend_does_not_stall_the_client(
    server: Running, peers: list[Peer]
) -> None:
    """The ack of an action is lost in a drop; the client resumes, resends it, gets a
    duplicate ack, and then plays on (no new view need follow for it to move)."""
    admin = await Peer.open(server.url)
    code = (await admin.create(seed=3, bots={s: {} for s in OTHERS}))["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    token = (await ann.join(code, "microsoft"))["token"]
    room = server.lobby.rooms[code]
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not all(room.state.seats[SeatId(s)].passed for s in OTHERS):
        assert loop.time() < end
        await asyncio.sleep(0.02)
    act = Act(id="X1", action=Statement(text="hello"), seat=SeatId("microsoft"))
    await ann.send(act.model_dump_json())
    await ann.expect("ack", id="X1")
    await ann.close()  # as if the ack was lost: the client still has X1 in flight
    bot = make_bot(SC, SeatId("microsoft"), random.Random(1))
    client = SeatClient(server.url, code, SeatId("microsoft"), bot, token=token)
    client._pending = act
    before = room.state.version
    play = asyncio.ensure_future(client.play())
    try:
        while room.state.version == before:
            assert not play.done()
            assert loop.time() < end + 10, "the client stalled after a duplicate ack"
            await asyncio.sleep(0.02)
    finally:
        play.cancel()
        await asyncio.gather(play, return_exceptions=True)
    assert client.acked[0] == "X1"


async def test_patience_counts_from_the_last_frame_not_the_start(tmp_path: Path) -> None:
    """A client that has played longer than its patience still reconnects after a short
    outage of the server (patience is time without hearing from the server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"ws://127.0.0.1:{port}"
    srv, lobby, store = await start_server("127.0.0.1", port, tmp_path, host_token=HOST_TOKEN)
    bots = {SeatId(s): BotSpec() for s in OTHERS}
    made = await create_room(
        url, RoomOptions(seed=4, bots=bots, bot_delay=0.2), host_token=HOST_TOKEN
    )
    bot = make_bot(SC, SeatId("microsoft"), random.Random(1))
    client = SeatClient(url, made.room, SeatId("microsoft"), bot, patience=0.8)
    play = asyncio.ensure_future(client.play())
    try:
        await asyncio.sleep(1.5)  # longer than the patience, hearing from the server all along
        assert not play.done()
        await stop_server(srv, lobby, store)
        await asyncio.sleep(0.3)  # an outage well within the patience
        srv, lobby, store = await start_server("127.0.0.1", port, tmp_path, host_token=HOST_TOKEN)
        loop = asyncio.get_running_loop()
        end = loop.time() + 10
        while client.reconnects == 0 or lobby.rooms[made.room].state.version < 1:
            assert not play.done(), play.exception() if play.done() else None
            assert loop.time() < end
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert not play.done()  # still playing: it did not give up
    finally:
        play.cancel()
        await asyncio.gather(play, return_exceptions=True)
        await stop_server(srv, lobby, store)


class Signer:
    """Signs the first sheet it may sign; passes otherwise. Notes every decision it
    makes, and remembers (in its memory) those that were taken."""

    first_memory = Memory.of(random.Random(0))

    def __init__(self) -> None:
        self.decided: list[str] = []

    def decide(self, view: GameView, memory: Memory) -> Decision:
        sign = next((a for a in view.legal if isinstance(a, Sign)), None)
        action: Action = sign if sign is not None else Pass()
        self.decided.append(action.type)
        return Decision(action, replace(memory, once=memory.once | {action.type}))


async def test_a_decision_overtaken_by_the_game_is_made_again_not_passed(
    server: Running, peers: list[Peer]
) -> None:
    """Microsoft's client decides to sign ByteDance's sheet on the view where it is
    open, but ByteDance's withdrawal is judged first. That is stale, not Microsoft's
    mistake: the client decides again on the newest view, forgetting the sign, and is
    neither counted as refused nor made to pass for it."""
    admin = await Peer.open(server.url)
    code = (await admin.create(seed=3))["room"]
    seller = await Peer.open(server.url)
    peers += [admin, seller]
    await seller.join(code, "bytedance")
    await seller.send({"type": "act", "id": "p", "action": {"type": "propose", "terms": MS_TERMS}})
    await seller.expect("ack", id="p")
    room = server.lobby.rooms[code]
    client = SeatClient(server.url, code, SeatId("microsoft"), Signer())
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    await room.table.lock.acquire()  # the room is busy: what arrives now waits, in order
    try:
        withdraw = {"type": "withdraw", "sheet": "ts-1"}
        await seller.send({"type": "act", "id": "w", "action": withdraw})
        await asyncio.sleep(0.1)  # the withdrawal waits for the room first
        play = asyncio.ensure_future(client.play())
        while client._pending is None:  # it joined, saw the sheet open, and signs
            assert loop.time() < end and not play.done()
            await asyncio.sleep(0.01)
    finally:
        room.table.lock.release()
    try:
        await seller.expect("ack", id="w")
        while client._pending is not None or room.state.seats[SeatId("microsoft")].passed is False:
            assert loop.time() < end, (client.refused, client.redecided)
            await asyncio.sleep(0.01)
    finally:
        play.cancel()
        await asyncio.gather(play, return_exceptions=True)
    assert client.refused == 0 and client.redecided == 1
    reasons = [e.data for _, e in room.events if isinstance(e.data, Reason)]
    assert not any("fell back" in r.action.rationale for r in reasons)
    player = client.player
    assert isinstance(player, Signer)
    assert player.decided == ["sign", "pass"]  # it decided twice ...
    assert client.memory is not None
    assert client.memory.once == {"pass"}  # ... and the overtaken sign is forgotten


async def test_bot_clients_on_a_busy_server_are_never_refused(
    server: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five scripted bot clients race on one room (the store slowed a little, so the
    game often moves on while they decide): they decide again each time, and the rules
    refuse none of their actions, as in a game played offline."""
    append = Store.append

    def slow(self: Store, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.003)
        append(self, *args, **kwargs)

    monkeypatch.setattr(Store, "append", slow)
    refused = redecided = 0
    for seed in (21, 22):
        created = await create_room(
            server.url, RoomOptions(seed=seed, bot_delay=0), host_token=HOST_TOKEN
        )
        players = make_players(seed, created.seats, player_factory(SC))
        clients = [SeatClient(server.url, created.room, s, players[s]) for s in created.seats]
        await asyncio.wait_for(asyncio.gather(*(c.play() for c in clients)), 120)
        refused += sum(c.refused for c in clients)
        redecided += sum(c.redecided for c in clients)
    assert refused == 0
    assert redecided > 0  # the race did happen


async def test_a_client_whose_join_is_dropped_for_its_address_rate_joins_again(
    tmp_path: Path,
) -> None:
    """Other connections from its address have spent the address's rate: the client's
    hello or join is dropped (rate_limited); it connects again a little later, joins and
    plays its seat to the end, instead of giving up."""
    limits = Limits(messages_per_second=4, message_burst=6)
    async with running(tmp_path, limits) as server:
        admin = await Peer.open(server.url)
        code = (await admin.create(seed=3, rounds=2, bots={s: {} for s in OTHERS}))["room"]
        flood = await Peer.open(server.url, hello=False)
        for _ in range(12):  # each alone is far under its own rate; together, over
            await flood.send({"type": "hello", "protocol": 1})
        bot = make_bot(SC, SeatId("microsoft"), random.Random(1))
        client = SeatClient(server.url, code, SeatId("microsoft"), bot, pace=Pace(2.0, 2, 2))
        final = await asyncio.wait_for(client.play(), 120)
        await flood.close()
        await admin.close()
    assert final.outcome is not None
    assert client.reconnects >= 1, "the join was never dropped: the test tested nothing"
