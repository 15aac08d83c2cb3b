"""The phase timer on its own, ending phases through a table without a store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from divestiture.game.actions import Pause, StartWeek, Timeout
from divestiture.game.engine import start
from divestiture.game.types import FACILITATOR, Phase
from divestiture.server import backoff
from divestiture.server.protocol import Timer
from divestiture.server.timers import PhaseTimer
from tests.server.parts import SC, FakeTable, opening


def _timer(table: FakeTable, **seconds: float) -> tuple[PhaseTimer, list[Timer]]:
    """A timer of these phases, following ``table``'s steps; what it tells the members."""
    told: list[Timer] = []
    timer = PhaseTimer(table, "ABCDE", seconds, told.append)
    table.on_step = timer.follow
    return timer, told


async def _end_phase_unseen(table: FakeTable) -> None:
    """The facilitator ends the phase, and the timer is not told."""
    follow, table.on_step = table.on_step, lambda: None
    async with table.lock:
        await table.commit(FACILITATOR, Timeout(version=table.state.version), "end-phase")
    table.on_step = follow


async def test_the_timer_ends_the_phase_it_timed() -> None:
    """When a timed phase's time is up, the timer ends it as the facilitator, under an id
    naming the round and phase, having told every member how long it had."""
    table = FakeTable(opening())
    timer, told = _timer(table, negotiate=0.05)
    timer.follow()
    await asyncio.sleep(0.2)
    (timeout,) = table.committed
    assert (timeout.actor, timeout.client_id) == (FACILITATOR, "timer:1:negotiate")
    assert isinstance(timeout.action, Timeout) and timeout.action.version == 0
    first, then = told
    assert (first.phase, then.phase) == ("negotiate", Phase.GOVERNMENT.value)
    assert first.seconds_left is not None and 0 < first.seconds_left <= 0.05
    assert then.seconds_left is None  # government is not timed
    timer.close()


async def test_the_timer_leaves_alone_a_phase_that_ended_meanwhile() -> None:
    """A phase that ended another way before its time was up is not the timer's to end,
    nor is the phase after it, even if no one told the timer."""
    table = FakeTable(opening())
    timer, _ = _timer(table, negotiate=0.05, government=0.05)
    timer.follow()
    await _end_phase_unseen(table)
    await asyncio.sleep(0.2)
    assert [a.client_id for a in table.committed] == ["end-phase"]
    assert table.state.phase == Phase.GOVERNMENT
    timer.close()


async def test_each_phase_has_its_own_time() -> None:
    """A new phase stops the last one's countdown and starts its own; an untimed phase
    has none, and members are told so."""
    table = FakeTable(opening())
    timer, told = _timer(table, government=0.05)
    timer.follow()
    assert told[-1].phase == "negotiate" and told[-1].seconds_left is None
    await asyncio.sleep(0.1)
    assert not table.committed  # negotiate is not timed
    await _end_phase_unseen(table)
    timer.follow()
    assert told[-1].phase == "government" and told[-1].seconds_left is not None
    timer.follow()  # the same phase again: nothing new
    assert len(told) == 2
    await asyncio.sleep(0.2)
    assert [a.client_id for a in table.committed] == ["end-phase", "timer:1:government"]
    timer.close()


async def test_a_room_without_timed_phases_has_no_timer() -> None:
    """With no phase timed, the timer tells the members nothing and ends nothing."""
    table = FakeTable(opening())
    timer, told = _timer(table)
    timer.follow()
    await asyncio.sleep(0.05)
    assert not timer.timed and told == [] and table.committed == []


async def test_the_timer_tries_again_when_the_store_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store fails twice as the time runs out: the timer waits and tries again, and
    the phase ends once."""
    monkeypatch.setattr(backoff, "RETRY_FIRST", 0.01)
    table = FakeTable(opening(), failures=2)
    timer, _ = _timer(table, negotiate=0.01)
    timer.follow()
    for _ in range(100):
        if table.committed:
            break
        await asyncio.sleep(0.01)
    assert [a.client_id for a in table.committed] == ["timer:1:negotiate"]
    assert table.failures == 0 and table.state.phase == Phase.GOVERNMENT
    timer.close()


async def _facilitator(table: FakeTable, action: Any) -> None:
    async with table.lock:
        await table.commit(FACILITATOR, action, f"f{table.state.version}")


async def test_the_clock_waits_for_the_start_and_stands_still_while_paused() -> None:
    """Before the week starts no time runs; a pause freezes the time left and members are
    told the clock stopped; resumed, it goes on from where it stood."""
    table = FakeTable(start(SC, 3, wait_for_start=True).state)
    timer, told = _timer(table, negotiate=0.3)
    timer.follow()
    assert told[-1].running is False and told[-1].seconds_left == 0.3
    await asyncio.sleep(0.4)
    assert not table.committed, "no time runs before the start"
    await _facilitator(table, StartWeek())
    assert told[-1].running is True
    await asyncio.sleep(0.1)
    await _facilitator(table, Pause(paused=True))
    frozen = told[-1]
    assert frozen.running is False and frozen.seconds_left is not None
    assert 0.1 < frozen.seconds_left < 0.25
    await asyncio.sleep(0.4)
    assert [a.action.type for a in table.committed] == ["start", "pause"], "the clock stood"
    await _facilitator(table, Pause(paused=False))
    resumed = told[-1]
    assert resumed.running is True and resumed.seconds_left is not None
    assert resumed.seconds_left <= frozen.seconds_left
    await asyncio.sleep(0.35)
    assert table.committed[-1].client_id == "timer:1:negotiate"
    timer.close()


async def test_a_phases_time_changed_while_it_runs_counts_from_now() -> None:
    table = FakeTable(opening())
    timer, told = _timer(table, negotiate=30)
    timer.follow()
    timer.set_seconds(Phase.NEGOTIATE, 0.05)
    assert told[-1].seconds_left is not None and told[-1].seconds_left <= 0.05
    await asyncio.sleep(0.2)
    assert [a.client_id for a in table.committed] == ["timer:1:negotiate"]
    timer.set_seconds(Phase.GOVERNMENT, None)
    assert told[-1].phase == "government" and told[-1].seconds_left is None
    timer.close()
