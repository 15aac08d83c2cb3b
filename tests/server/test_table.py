"""The game and its log on their own: a table on a real store, members that keep what
they are sent, and a hook in place of the room."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from divestiture.game.actions import Pass, Sign, Statement
from divestiture.game.errors import GameError, StaleVersion
from divestiture.game.events import Event, StatementMade
from divestiture.game.types import FACILITATOR, Phase, SeatId, SheetId
from divestiture.server.protocol import Ack, Refusal, ViewMsg, _Out
from divestiture.server.store import AsyncStore, Store, StoreError
from divestiture.server.table import Table
from tests.server.parts import CODE, Inbox, opening, rows, stored_room

SEATS = [SeatId(s) for s in ("white_house", "cfius", "bytedance", "microsoft", "investors")]


def _table(store: AsyncStore, steps: list[Any], **options: Any) -> Table:
    """A table whose steps are noted in ``steps``: (events, whether the seats closed)."""
    state = opening()
    return Table(
        CODE, store, state, [], lambda events, closed: steps.append((events, closed)), **options
    )


def _logged(data: Path) -> list[tuple[str, str]]:
    return [(a, c) for a, c in rows(data, "SELECT actor, client_id FROM actions ORDER BY version")]


async def test_an_action_is_stored_before_it_is_acknowledged(tmp_path: Path) -> None:
    """When the ack is sent the action is already in the database; the room hears of
    the step after the ack, with its events."""
    steps: list[Any] = []
    order: list[str] = []

    def noted(message: _Out) -> None:
        if isinstance(message, Ack):
            order.append(f"ack, {len(_logged(tmp_path))} stored")

    def stepped(events: tuple[Event, ...], closed: bool) -> None:
        order.append("step")
        steps.append(events)

    async with stored_room(tmp_path) as store:
        table = _table(store, steps)
        table.on_step = stepped
        ann = Inbox(SeatId("microsoft"), on_send=noted)
        ack = await table.submit(SeatId("microsoft"), Statement(text="Hello."), "s1", ann)
    assert ack == Ack(id="s1", version=1)
    assert order == ["ack, 1 stored", "step"]
    assert any(isinstance(e.data, StatementMade) and e.data.text == "Hello." for e in steps[0])
    assert table.state.version == 1 and _logged(tmp_path) == [("microsoft", "s1")]


async def test_a_client_id_used_again_gets_the_first_answer(tmp_path: Path) -> None:
    """The same action under the same id is acknowledged again (duplicate) with its view,
    and neither applied nor stored twice; another action under it is refused."""
    steps: list[Any] = []
    async with stored_room(tmp_path) as store:
        table = _table(store, steps)
        ann = Inbox(SeatId("microsoft"))
        said = Statement(text="Hello.")
        await table.submit(SeatId("microsoft"), said, "s1", ann)
        ann.got.clear()
        again = await table.submit(SeatId("microsoft"), said, "s1", ann)
        with pytest.raises(Refusal) as refused:
            await table.submit(SeatId("microsoft"), Statement(text="Bye."), "s1", ann)
    assert again == Ack(id="s1", version=1, duplicate=True)
    assert [type(m) for m in ann.got] == [Ack, ViewMsg]
    assert refused.value.code == "id_reused"
    assert len(steps) == 1 and table.state.version == 1 and len(_logged(tmp_path)) == 1


async def test_a_refused_or_unstored_action_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An action the rules refuse, or one the store fails on, leaves the state, the log
    and the ids as they were; the id is free for the action that follows."""
    steps: list[Any] = []

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    async with stored_room(tmp_path) as store:
        table = _table(store, steps)
        before = table.state
        with pytest.raises(GameError):
            await table.submit(SeatId("microsoft"), Sign(sheet=SheetId("ts-99")), "a")
        with monkeypatch.context() as patched:
            patched.setattr(Store, "append", full)
            with pytest.raises(StoreError):
                await table.submit(SeatId("microsoft"), Pass(), "b")
        assert table.state is before and not table.seen and not table.events and not steps
        await table.submit(SeatId("microsoft"), Pass(), "b")
    assert _logged(tmp_path) == [("microsoft", "b")]


async def test_end_phase_ends_only_the_phase_the_facilitator_saw(tmp_path: Path) -> None:
    """A version seen in an earlier phase is stale; one seen in this phase ends it,
    under an id naming the version it ended at."""
    steps: list[Any] = []
    async with stored_room(tmp_path) as store:
        table = _table(store, steps)
        for seat in SEATS:
            await table.submit(seat, Pass(), "p")
        assert table.state.phase != Phase.NEGOTIATE
        began = table.state.version
        with pytest.raises(StaleVersion):
            await table.end_phase(began - 1)
        ack = await table.end_phase(began)
    assert ack.id == f"end-phase:{began}"
    assert table.phase_began == ack.version and _logged(tmp_path)[-1][0] == FACILITATOR


async def test_the_seats_close_with_the_step_that_ends_the_first_negotiation(
    tmp_path: Path,
) -> None:
    """With lock_seats_after_first_round, the step ending Monday's negotiation closes the
    seats, in the store with it, and the room is told so with that step only."""
    steps: list[Any] = []
    async with stored_room(tmp_path) as store:
        table = _table(store, steps, lock_seats_after_first_round=True)
        await table.submit(SeatId("cfius"), Statement(text="We are watching."), "s")
        assert not table.seats_locked
        await table.end_phase(table.state.version)
        await table.end_phase(table.state.version)
    assert [closed for _, closed in steps] == [False, True, False]
    assert table.seats_locked
    assert rows(tmp_path, "SELECT locked FROM seat_locks WHERE room = ?", CODE) == [(1,)]


async def test_a_seats_view_leaves_out_the_reasons_the_facilitator_reads(tmp_path: Path) -> None:
    """A move's reason is a line of the facilitator's view only, now and in the history
    a member is sent on entering."""
    steps: list[Any] = []
    async with stored_room(tmp_path) as store:
        table = _table(store, steps)
        await table.submit(SeatId("cfius"), Pass(rationale="nothing to review yet"), "p")
    (events, _), *_ = steps
    for lines in (table.view(FACILITATOR, events).events, table.history(FACILITATOR).events):
        assert any("nothing to review yet" in line.text for line in lines)
    for lines in (
        table.view(SeatId("cfius"), events).events,
        table.history(SeatId("cfius")).events,
    ):
        assert not any("nothing to review yet" in line.text for line in lines)
