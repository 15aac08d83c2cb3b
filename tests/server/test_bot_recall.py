"""Bots after a restart: made again from what is stored, going on from the memory stored
with their last move, so a game that was interrupted plays out exactly as one that was
not."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from divestiture.game import load_scenario
from divestiture.game.actions import Pass, Sign
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.scenario import DEFAULT_SCENARIO
from divestiture.game.types import SeatId, SheetId
from divestiture.game.views import GameView
from divestiture.server import bot_runner
from divestiture.server.bot_runner import new_player
from divestiture.server.lobby import Lobby
from divestiture.server.recall import parse_bot, recalled_memories
from divestiture.server.store import Store
from tests.server.conftest import Peer, running
from tests.server.processes import free_port, kill_9, served, until_listening

SC = load_scenario(DEFAULT_SCENARIO)
DB = "divestiture.sqlite3"
# Every seat a bot; personalities drawn from the room's seed.
ALL_BOTS = {seat: {"difficulty": "hard"} for seat in SC.seat_ids}
Logged = list[tuple[int, str, str, dict[str, Any]]]


def _log(data: Path, code: str) -> Logged:
    """A room's stored log: version, actor, client id and action, action for action."""
    store = Store(data / DB)
    try:
        record = store.load(code)
    finally:
        store.close()
    assert record is not None
    return [(a.version, a.actor, a.client_id, a.action.model_dump()) for a in record.actions]


def _rows(data: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data / DB) as db:
        return db.execute(sql, args).fetchall()


def _played(data: Path, code: str) -> tuple[int, bool]:
    """How many actions the room has stored, and whether its game is over."""
    with sqlite3.connect(data / DB) as db:
        (count,) = db.execute("SELECT COUNT(*) FROM actions WHERE room = ?", (code,)).fetchone()
        (outcome,) = db.execute("SELECT outcome FROM rooms WHERE code = ?", (code,)).fetchone()
    return count, outcome is not None


async def _create(url: str, **options: Any) -> str:
    admin = await Peer.open(url)
    try:
        return str((await admin.create(bot_delay=0, **options))["room"])
    finally:
        await admin.close()


async def _until_over(lobby: Lobby, code: str, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not lobby.rooms[code].state.over:
        assert loop.time() < end, "the game did not end"
        await asyncio.sleep(0.02)


async def _uninterrupted(data: Path, **options: Any) -> Logged:
    """The log of a room with these options played to its end with no restart."""
    async with running(data) as server:
        code = await _create(server.url, **options)
        await _until_over(server.lobby, code)
    return _log(data, code)


@pytest.mark.parametrize(("seed", "stop_at"), [(41, 4), (41, 19), (42, 12), (43, 30)])
async def test_a_restarted_room_plays_on_as_if_it_had_not_stopped(
    tmp_path: Path, seed: int, stop_at: int
) -> None:
    """Stop the server in mid-game, start it again on the same data: the finished game's
    log equals, action for action, that of the same room played without a stop."""
    expected = await _uninterrupted(tmp_path / "once", seed=seed, bots=ALL_BOTS)
    data = tmp_path / "twice"
    async with running(data) as server:
        code = await _create(server.url, seed=seed, bots=ALL_BOTS)
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while server.lobby.rooms[code].state.version < stop_at:
            assert loop.time() < end, "the bots did not play"
            await asyncio.sleep(0)
    stopped, over = _played(data, code)
    assert 0 < stopped < len(expected) and not over
    async with running(data) as server:
        # its bots may move on at once: the log below shows it took up at `stopped`
        assert server.lobby.rooms[code].state.version >= stopped
        await _until_over(server.lobby, code)
    assert _log(data, code) == expected


async def test_a_killed_server_plays_on_as_if_it_had_not_stopped(tmp_path: Path) -> None:
    """kill -9 in mid-game and start again on the same data: the finished game's log is
    the log of the same room played without a kill."""
    options: dict[str, Any] = {"seed": 44, "bots": ALL_BOTS}
    expected = await _uninterrupted(tmp_path / "once", **options)
    data = tmp_path / "killed"
    port = free_port()
    with served(port, data) as first:
        await until_listening(port)
        code = await _create(f"ws://127.0.0.1:{port}", **options)
        end = time.monotonic() + 30
        while _played(data, code)[0] < 10:
            assert time.monotonic() < end, "the bots did not play"
            await asyncio.sleep(0.005)
        kill_9(first)
    stopped, over = _played(data, code)
    assert stopped < len(expected) and not over, "the game ended before the kill"
    with served(port, data):
        end = time.monotonic() + 60
        while not _played(data, code)[1]:
            assert time.monotonic() < end, "the game did not end after the restart"
            await asyncio.sleep(0.05)
    assert _log(data, code) == expected


async def test_recalled_bots_remember_what_the_live_ones_did(tmp_path: Path) -> None:
    """Each bot's memory recalled from the store is the very memory the live bot ended
    with: the same generator state, the same things done and still to say."""
    async with running(tmp_path) as server:
        url = server.url
        code = await _create(url, seed=45, bots=ALL_BOTS)
        await _until_over(server.lobby, code)
        room = server.lobby.rooms[code]
        record = await server.store.run(Store.load, code)
        assert record is not None
        made = {}
        for seat, text in record.bots.items():
            spec, since = parse_bot(text)
            assert since == 0
            made[seat] = (new_player(SC, record.seed, seat, spec, since), since)
        recalled = recalled_memories(record, made)
        assert recalled == room.runner.memories
        assert all(m != made[s][0].first_memory for s, m in recalled.items())


class Tally:
    """A bot that counts its decisions in its memory. On the first day's negotiation it
    tries to sign a sheet that does not exist: refused, it passes instead, and that
    decision is forgotten."""

    first_memory = Memory.of(random.Random(0))

    def decide(self, view: GameView, memory: Memory) -> Decision:
        n = len(memory.once) + 1
        remembered = replace(memory, once=memory.once | {f"decision {n}"})
        if (view.round, view.phase) == (1, "negotiate"):
            return Decision(Sign(sheet=SheetId("ts-99")), remembered)
        return Decision(Pass(rationale=f"decision {n}"), remembered)


async def _facilitate(url: str, code: str, token: str) -> Peer:
    admin = await Peer.open(url)
    await admin.send({"type": "resume", "room": code, "token": token})
    await admin.expect("joined", role="facilitator")
    return admin


async def _end_phases(admin: Peer, lobby: Lobby, code: str, seat: str, phases: int) -> None:
    """End ``phases`` phases, each once the bot in ``seat`` has had its turn."""
    room = lobby.rooms[code]
    loop = asyncio.get_running_loop()
    for _ in range(phases):
        end = loop.time() + 10
        while not room.state.seats[SeatId(seat)].passed:
            assert loop.time() < end, "the bot did not move"
            await asyncio.sleep(0.01)
        await admin.send({"type": "end_phase", "version": room.state.version})
        await admin.expect("ack")


async def test_a_refused_decision_stays_forgotten_after_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot's decision that was refused (it passed instead) is forgotten; the decisions
    it made are remembered, stored with its moves: after a restart it counts on from
    where it was, neither repeating a number nor skipping one."""
    monkeypatch.setattr(bot_runner, "make_bot", lambda *_: Tally())
    async with running(tmp_path) as server:
        url = server.url
        admin = await Peer.open(url)
        created = await admin.create(seed=3, bots={"cfius": {}})
        await admin.close()
        code, token = created["room"], created["facilitator_token"]
        admin = await _facilitate(url, code, token)
        await _end_phases(admin, server.lobby, code, "cfius", 3)
        await admin.close()
    async with running(tmp_path) as server:
        url = server.url
        admin = await _facilitate(url, code, token)
        await _end_phases(admin, server.lobby, code, "cfius", 3)
        await admin.close()
    said = [a[3]["rationale"] for a in _log(tmp_path, code) if a[1] == "cfius"]
    assert said[0].startswith("fell back to pass")
    assert said[1:] == [f"decision {n}" for n in range(1, len(said))]
    assert len(said) >= 5


async def _add_bot_after_a_human(url: str, lobby: Lobby, then: int | None) -> tuple[str, int]:
    """A room of four bots; once they wait for investors, a student in investors says
    one thing and leaves, and a bot takes the seat. Then ``then`` actions are played (or
    the whole game, if None). The room's code, and the version the bot took the seat at."""
    four = {seat: spec for seat, spec in ALL_BOTS.items() if seat != "investors"}
    admin = await Peer.open(url)
    created = await admin.create(seed=46, bot_delay=0, bots=four)
    await admin.close()
    code = created["room"]
    room = lobby.rooms[code]
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while not all(room.state.seats[SeatId(s)].passed for s in four):
        assert loop.time() < end, "the bots did not finish the phase"
        await asyncio.sleep(0.01)
    ann = await Peer.open(url)
    await ann.join(code, "investors", "Ann")
    say = {"type": "message", "to": ["microsoft"], "text": "We would co-invest."}
    await ann.send({"type": "act", "id": "ann-1", "action": say})
    await ann.expect("ack", id="ann-1")
    await ann.close()
    since = room.state.version
    admin = await _facilitate(url, code, created["facilitator_token"])
    await admin.send({"type": "add_bots", "seats": ["investors"], "bot": {"difficulty": "hard"}})
    await admin.expect("presence", bots=sorted(ALL_BOTS))
    await admin.close()
    end = loop.time() + 30
    while then is not None and room.state.version < since + then:
        assert loop.time() < end, "the bots did not play"
        await asyncio.sleep(0)
    if then is None:
        await _until_over(lobby, code)
    return code, since


async def test_a_bot_added_later_is_recalled_from_the_version_it_took_the_seat(
    tmp_path: Path,
) -> None:
    """A bot the facilitator gave a student's empty seat to is made again from the
    version it took the seat at, and replays its moves from there: the room stopped and
    started again ends as the same room played through."""
    async with running(tmp_path / "once") as server:
        url = server.url
        reference, since = await _add_bot_after_a_human(url, server.lobby, None)
    expected = _log(tmp_path / "once", reference)
    assert since > 0 and any(a[2] == "ann-1" for a in expected)
    data = tmp_path / "twice"
    async with running(data) as server:
        url = server.url
        code, _ = await _add_bot_after_a_human(url, server.lobby, 8)
    assert _played(data, code)[0] < len(expected)
    rows = dict(_rows(data, "SELECT seat, spec FROM bots WHERE room = ?", code))
    assert parse_bot(rows["investors"])[1] == since
    async with running(data) as server:
        await _until_over(server.lobby, code)
    assert _log(data, code) == expected


def _forget_versions(data: Path) -> None:
    """Store the bots as an older server did: their spec, and no version."""
    with sqlite3.connect(data / DB) as db:
        for room, seat, spec in db.execute("SELECT room, seat, spec FROM bots").fetchall():
            old = parse_bot(spec)[0].model_dump_json()
            db.execute("UPDATE bots SET spec = ? WHERE room = ? AND seat = ?", (old, room, seat))


async def test_bots_the_room_was_created_with_need_no_stored_version(tmp_path: Path) -> None:
    """Bots stored by an older server (a spec, no version): those the room was created
    with took their seats at version 0, so they are recalled exactly all the same."""
    options: dict[str, Any] = {"seed": 47, "bots": ALL_BOTS}
    expected = await _uninterrupted(tmp_path / "once", **options)
    data = tmp_path / "old"
    async with running(data) as server:
        code = await _create(server.url, **options)
        while server.lobby.rooms[code].state.version < 15:
            await asyncio.sleep(0)
    _forget_versions(data)
    async with running(data) as server:
        await _until_over(server.lobby, code)
    assert _log(data, code) == expected


async def test_a_bot_added_by_an_older_server_is_made_afresh_and_its_version_stored(
    tmp_path: Path,
) -> None:
    """A bot added later by an older server (no version stored) cannot be recalled: it
    is made afresh at the loaded version, as before, and that version is stored, so the
    next restart recalls it from there."""
    async with running(tmp_path) as server:
        url = server.url
        code, _ = await _add_bot_after_a_human(url, server.lobby, 8)
    _forget_versions(tmp_path)
    # The version the room is loaded at: its log's last (read before the restarted
    # room's bots move on from it).
    ((loaded,),) = _rows(tmp_path, "SELECT MAX(version) FROM actions WHERE room = ?", code)
    async with running(tmp_path) as server:
        since: dict[str, int | None] = {**dict.fromkeys(ALL_BOTS, 0), "investors": loaded}
        assert server.lobby.rooms[code].bots_since == since
        rows = dict(_rows(tmp_path, "SELECT seat, spec FROM bots WHERE room = ?", code))
        assert parse_bot(rows["investors"])[1] == loaded
        assert parse_bot(rows["cfius"])[1] is None  # its version is known without storing
        await _until_over(server.lobby, code)
