"""Races over real sockets: bots, the timer, the facilitator and people acting at once.

A slow store (each action takes a while to commit) opens the window in which
the game moves on while someone else is deciding.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import replace
from typing import Any

import pytest

from divestiture.game.actions import Action, Pass, Statement
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.engine import apply as real_apply
from divestiture.game.events import Reason
from divestiture.game.types import Phase, SeatId
from divestiture.game.views import GameView
from divestiture.server import bot_runner, table
from divestiture.server.store import Store
from tests.server.conftest import MS_TERMS, Peer, Running

SEATS = ("white_house", "cfius", "bytedance", "microsoft", "investors")


def slow_store(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Every action takes ``seconds`` to store (on the store's thread, as a slow disk)."""
    append = Store.append

    def slow(self: Store, *args: Any, **kwargs: Any) -> None:
        time.sleep(seconds)
        append(self, *args, **kwargs)

    monkeypatch.setattr(Store, "append", slow)


class Chatty:
    """A bot that makes two public statements a day in the negotiate phase and passes
    otherwise; what it said is its memory."""

    first_memory = Memory.of(random.Random(0))

    def decide(self, view: GameView, memory: Memory) -> Decision:
        today = sum(1 for line in memory.said if line.startswith(f"day {view.round} "))
        if view.phase == Phase.NEGOTIATE and today < 2:  # under the rules' cap on statements
            text = f"day {view.round} line {len(memory.said)}"
            return Decision(Statement(text=text), replace(memory, said=memory.said | {text}))
        return Decision(Pass(), memory)


async def _facilitator(server: Running, peers: list[Peer], **options: Any) -> tuple[Peer, str]:
    admin = await Peer.open(server.url)
    peers.append(admin)
    created = await admin.create(seed=3, **options)
    await admin.send(
        {"type": "resume", "room": created["room"], "token": created["facilitator_token"]}
    )
    await admin.expect("joined", role="facilitator")
    return admin, created["room"]


async def _until(test: Any, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not test():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("trigger", ["end_phase", "timer"])
async def test_a_bot_decides_on_the_state_its_action_meets(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch, trigger: str
) -> None:
    """The phase ends while a bot's statement is being stored: the bot's next decision
    is made on the new phase, not on the old one, so it is never refused, never falls
    back to a pass, and remembers only moves that happened."""
    monkeypatch.setattr(bot_runner, "make_bot", lambda *_: Chatty())
    slow_store(monkeypatch, 0.05)
    timed = {"phase_seconds": {"negotiate": 0.3}} if trigger == "timer" else {}
    admin, code = await _facilitator(server, peers, bots={"bytedance": {}}, **timed)
    room = server.lobby.rooms[code]

    def said() -> int:
        return sum(1 for _, e in room.events if e.kind == "statement")

    await _until(lambda: said() >= 2)
    if trigger == "end_phase":
        await admin.send({"type": "end_phase"})
        await admin.expect("ack")
    await _until(lambda: room.state.phase != Phase.NEGOTIATE)
    await asyncio.sleep(0.3)  # a refused decision would have been tried by now
    assert isinstance(room.runner.players[SeatId("bytedance")], Chatty)
    record = await room.store.run(Store.load, code)
    assert record is not None
    moves = [entry.action for entry in record.actions if entry.actor == "bytedance"]
    assert len(moves) >= 2
    statements = {a.text for a in moves if isinstance(a, Statement)}
    assert room.runner.memories[SeatId("bytedance")].said == statements  # only what was stored
    assert not _fell_back(room)


async def _all_but_investors_passed(
    server: Running, peers: list[Peer], code: str
) -> dict[str, Peer]:
    """A player in every seat, and every seat but the investors has passed."""
    players = {}
    for seat in SEATS:
        players[seat] = await Peer.open(server.url)
        peers.append(players[seat])
        await players[seat].join(code, seat, seat)
    for seat in SEATS[:-1]:
        await players[seat].send({"type": "act", "id": "p", "action": {"type": "pass"}})
        await players[seat].expect("ack")
    return players


async def test_end_phase_after_the_phase_ended_leaves_the_next_alone(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last seat passes (ending negotiate) as the facilitator presses "end phase":
    the facilitator is told the phase had already ended; government goes on."""
    slow_store(monkeypatch, 0.2)
    admin, code = await _facilitator(server, peers)
    players = await _all_but_investors_passed(server, peers, code)
    room = server.lobby.rooms[code]
    seen = room.state.version
    await players["investors"].send({"type": "act", "id": "p", "action": {"type": "pass"}})
    await asyncio.sleep(0.05)  # the pass is being stored
    await admin.send({"type": "end_phase", "version": seen})
    error = await admin.expect("error")
    assert error["code"] == "stale_version" and "already ended" in error["message"]
    assert room.state.phase == Phase.GOVERNMENT and room.state.round == 1
    assert not any(e.kind == "timeout" for _, e in room.events)


async def test_end_phase_without_a_version_is_judged_as_it_arrives(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a version, the phase the room is in when end_phase arrives is the one
    ended, even if the room's lock is busy storing the action that ends it."""
    slow_store(monkeypatch, 0.2)
    admin, code = await _facilitator(server, peers)
    players = await _all_but_investors_passed(server, peers, code)
    room = server.lobby.rooms[code]
    await players["investors"].send({"type": "act", "id": "p", "action": {"type": "pass"}})
    await asyncio.sleep(0.05)
    await admin.send({"type": "end_phase"})
    assert (await admin.expect("error"))["code"] == "stale_version"
    assert room.state.phase == Phase.GOVERNMENT


async def test_end_phase_ends_the_phase_it_saw_after_other_moves(
    server: Running, peers: list[Peer]
) -> None:
    """Moves in the same phase since the version the facilitator saw do not stop it."""
    admin, code = await _facilitator(server, peers)
    seen = (await admin.expect("view"))["version"]
    ann = await Peer.open(server.url)
    peers.append(ann)
    await ann.join(code, "microsoft")
    said = {"type": "statement", "text": "We are in talks."}
    await ann.send({"type": "act", "id": "s", "action": said})
    await ann.expect("ack")
    room = server.lobby.rooms[code]
    assert room.state.version > seen
    await admin.send({"type": "end_phase", "version": seen})
    ack = await admin.expect("ack")
    assert ack["id"].startswith("end-phase:")
    assert room.state.phase != Phase.NEGOTIATE


async def _answer(peer: Peer, action_id: str) -> dict[str, Any]:
    """The ack or the error for ``action_id``."""
    while True:
        message = await peer.next()
        if message["type"] in ("ack", "error") and message.get("id") == action_id:
            return message


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_human_racing_the_bots_costs_them_nothing(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A human proposes and withdraws sheets while the store is slow and bots are to
    move: every bot action is judged on the state it was decided on; none is refused."""
    refused: list[str] = []

    def spy(state: Any, actor: str, action: Action) -> Any:
        try:
            return real_apply(state, actor, action)
        except Exception as e:
            if actor != "microsoft":
                refused.append(f"{actor}: {e}")
            raise

    monkeypatch.setattr(table, "apply", spy)
    slow_store(monkeypatch, 0.04)
    terms = MS_TERMS
    admin = await Peer.open(server.url)
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    bots: dict[str, dict[str, str]] = {s: {} for s in SEATS if s != "microsoft"}
    code = (await admin.create(seed=seed, bots=bots))["room"]
    await ann.join(code, "microsoft")
    room = server.lobby.rooms[code]
    for n in range(3):
        propose = {"type": "propose", "terms": terms}
        await ann.send({"type": "act", "id": f"p{n}", "action": propose})
        if (await _answer(ann, f"p{n}"))["type"] == "error":
            break  # the phase is over for microsoft
        sheet = room.state.sheets[-1].id
        await asyncio.sleep(0.02)  # the bots read the new sheet and decide...
        withdraw = {"type": "withdraw", "sheet": sheet}
        await ann.send({"type": "act", "id": f"w{n}", "action": withdraw})
        await _answer(ann, f"w{n}")  # refused if a bot signed it first: fair
    await asyncio.sleep(0.3)
    assert refused == []
    assert not _fell_back(room)


def _fell_back(room: Any) -> bool:
    """Whether a move in the room fell back to a pass (its reason says so)."""
    reasons = [e.data for _, e in room.events if isinstance(e.data, Reason)]
    return any("fell back" in r.action.rationale for r in reasons)
