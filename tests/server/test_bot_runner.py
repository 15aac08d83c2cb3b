"""The bot runner on its own: bots moving through a table without a store, and bots
given seats on a real one."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from divestiture.game.actions import Pass, Sign, Timeout
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.types import FACILITATOR, SeatId, SheetId
from divestiture.game.views import GameView
from divestiture.server import backoff
from divestiture.server.bot_runner import BotRunner
from divestiture.server.protocol import BotSpec, Refusal
from divestiture.server.recall import BOT_ID, parse_bot
from divestiture.server.store import AsyncStore, LoggedAction, Store
from tests.server.parts import CODE, SC, FakeTable, opening, rows, stored_room

SEED = 41
CFIUS = SeatId("cfius")
# The loop stores through the table; only ``add`` uses the store of its own.
NO_STORE = cast(AsyncStore, object())


def _runner(table: FakeTable, store: AsyncStore = NO_STORE, **bots: Any) -> BotRunner:
    return BotRunner(table, store, CODE, SC, SEED, delay=0, **bots)


async def _until(test: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not test():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.005)


async def _run_until(runner: BotRunner, table: FakeTable, actions: int) -> None:
    """Run the bots until the table holds ``actions`` actions (or the game is over)."""
    task = asyncio.create_task(runner.run())

    def stepped() -> None:
        runner.wake()
        if len(table.committed) >= actions:
            task.cancel()  # before the runner's next move

    table.on_step = stepped
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 30)


def _all_bots(table: FakeTable, **recalled: Any) -> BotRunner:
    """Every seat a bot that took it at version 0."""
    runner = _runner(
        table,
        specs={seat: BotSpec(difficulty="hard") for seat in SC.seat_ids},
        since=dict.fromkeys(SC.seat_ids, 0),
        **recalled,
    )
    runner.make_players()
    return runner


@pytest.mark.parametrize(
    ("turns", "first"), [(0, "white_house"), (2, "bytedance"), (7, "bytedance")]
)
async def test_the_count_of_bot_moves_says_whose_turn_it_is(turns: int, first: str) -> None:
    """Of the bots with something to do, in the seats' order, the one the count of bot
    moves so far comes to moves next."""
    table = FakeTable(opening(SEED))
    await _run_until(_all_bots(table, turns=turns), table, 1)
    assert [entry.actor for entry in table.committed] == [first]


async def test_bots_made_again_go_on_in_the_order_of_the_moves_stored() -> None:
    """Bots stopped after some moves and made again from what was stored (the count of
    bot moves, each bot's last memory) take the turns and make the moves they would have
    made without the stop."""
    once = FakeTable(opening(SEED))
    await _run_until(_all_bots(once), once, 40)
    table = FakeTable(opening(SEED))
    await _run_until(_all_bots(table), table, 13)
    memories = {}
    for entry in table.committed:
        if entry.memory is not None:
            memories[SeatId(entry.actor)] = entry.memory
    turns = sum(1 for entry in table.committed if entry.client_id.startswith(BOT_ID))
    again = _all_bots(table, memories=memories, turns=turns)
    await _run_until(again, table, 40)
    assert len(once.committed) == 40 and table.committed == once.committed


class Tally:
    """A bot that counts its decisions in its memory; its first, on the first day's
    negotiation, is to sign a sheet that does not exist."""

    first_memory = Memory.of(random.Random(0))

    def decide(self, view: GameView, memory: Memory) -> Decision:
        n = len(memory.once) + 1
        remembered = replace(memory, once=memory.once | {f"decision {n}"})
        if (view.round, view.phase) == (1, "negotiate"):
            return Decision(Sign(sheet=SheetId("ts-99")), remembered)
        return Decision(Pass(rationale=f"decision {n}"), remembered)


def _tally(table: FakeTable) -> BotRunner:
    """CFIUS played by a Tally."""
    players = {CFIUS: Tally()}
    memories = {CFIUS: Tally.first_memory}
    return _runner(table, specs={CFIUS: BotSpec()}, players=players, memories=memories)


async def test_a_refused_decision_is_forgotten() -> None:
    """A bot's decision the rules refuse is replaced by a pass stored without a memory,
    and the bot goes on from the memory it had; a move that is stored is remembered."""
    table = FakeTable(opening())
    runner = _tally(table)
    table.on_step = runner.wake
    task = asyncio.create_task(runner.run())
    try:
        await _until(lambda: table.state.seats[CFIUS].passed)
        (fallback,) = table.committed
        assert fallback.client_id == f"{BOT_ID}cfius:0:pass" and fallback.memory is None
        assert isinstance(fallback.action, Pass) and "fell back" in fallback.action.rationale
        assert runner.memories[CFIUS] == Tally.first_memory
        async with table.lock:
            await table.commit(FACILITATOR, Timeout(version=table.state.version), "end")
        await _until(lambda: table.committed[-1].actor == CFIUS)
    finally:
        task.cancel()
    moved = table.committed[-1]
    assert isinstance(moved.action, Pass) and moved.action.rationale == "decision 1"
    assert moved.memory is not None and moved.memory.once == {"decision 1"}
    assert runner.memories[CFIUS] == moved.memory


async def test_a_move_the_store_fails_on_is_forgotten_and_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store fails on a bot's move: after a wait the bot decides again from the
    memory it had, and the failed move took its turn, holding up no other bot."""
    monkeypatch.setattr(backoff, "RETRY_FIRST", 0.01)
    table = FakeTable(opening())
    async with table.lock:  # past the first day's negotiation, where Tally's sign fails
        await table.commit(FACILITATOR, Timeout(version=0), "end")
    table.failures = 1
    runner = _tally(table)
    await _run_until(runner, table, 2)
    moved: LoggedAction = table.committed[-1]
    assert isinstance(moved.action, Pass) and moved.action.rationale == "decision 1"
    assert runner.memories[CFIUS] == moved.memory and runner.turns == 2


async def test_bots_are_given_the_seats_nobody_has_joined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the joined seats, bots take only the seats neither joined nor a bot's; they
    are stored with the version they took the seat at, claimed while being stored."""
    claimed: list[set[SeatId]] = []
    set_bots = Store.set_bots

    def spy(store: Store, room: str, bots: Any) -> None:
        claimed.append(set(runner.claimed))
        set_bots(store, room, bots)

    monkeypatch.setattr(Store, "set_bots", spy)
    table = FakeTable(opening())
    async with stored_room(tmp_path) as store:
        runner = _runner(table, store)
        assert await runner.add({SeatId("bytedance"): BotSpec()})
        async with table.lock:
            await table.commit(SeatId("microsoft"), Pass(), "p")
        seats = [SeatId(s) for s in ("microsoft", "bytedance", "cfius")]
        easy = BotSpec(difficulty="easy")
        assert await runner.add(dict.fromkeys(seats, easy), joined={SeatId("microsoft")})
        assert not await runner.add({SeatId("microsoft"): easy}, joined={SeatId("microsoft")})
    assert runner.specs == {SeatId("bytedance"): BotSpec(), CFIUS: easy}
    assert set(runner.players) == set(runner.memories) == set(runner.specs)
    assert claimed == [{SeatId("bytedance")}, {CFIUS}] and not runner.claimed
    stored = dict(rows(tmp_path, "SELECT seat, spec FROM bots WHERE room = ?", CODE))
    assert {seat: parse_bot(spec) for seat, spec in stored.items()} == {
        "bytedance": (BotSpec(), 0),
        "cfius": (easy, 1),
    }


async def test_a_bad_bot_changes_nothing(tmp_path: Path) -> None:
    """One bot the rules do not have refuses the whole request before anything is
    stored: the good seats are not taken either."""
    table = FakeTable(opening())
    async with stored_room(tmp_path) as store:
        runner = _runner(table, store)
        bad = {CFIUS: BotSpec(), SeatId("bytedance"): BotSpec(personality="strict")}
        with pytest.raises(Refusal) as refused:
            await runner.add(bad)
    assert refused.value.code == "invalid_bot"
    assert not runner.specs and not runner.players and not runner.claimed
    assert rows(tmp_path, "SELECT count(*) FROM bots") == [(0,)]
