"""What the tests of a room's parts share: a room stored in a fresh store, a member that
keeps what it is sent, and a table without a store for the parts that act through one."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from divestiture.game import load_scenario
from divestiture.game.actions import Action
from divestiture.game.bots.memory import Memory
from divestiture.game.engine import apply, start
from divestiture.game.scenario import DEFAULT_SCENARIO
from divestiture.game.state import GameState
from divestiture.server.protocol import Ack, Encoded, Role, _Out
from divestiture.server.store import AsyncStore, LoggedAction, NewRoom, Store, StoreError

SC = load_scenario(DEFAULT_SCENARIO)
CODE = "ABCDE"
DB = "divestiture.sqlite3"


@asynccontextmanager
async def stored_room(data: Path, seed: int = 3) -> AsyncIterator[AsyncStore]:
    """A store in ``data`` holding a new room ``CODE`` (no bots), closed on the way out."""
    store = await asyncio.to_thread(AsyncStore, data / DB)
    new = NewRoom(CODE, SC.id, seed, "{}", "token", {}, 0.0)
    try:
        await store.run(Store.create_room, new)
        yield store
    finally:
        await asyncio.to_thread(store.close)


def rows(data: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """What the database in ``data`` holds, read on a connection of its own."""
    with sqlite3.connect(data / DB) as db:
        return db.execute(sql, args).fetchall()


@dataclass(eq=False)
class Inbox:
    """A member that keeps what it is sent, decoded."""

    role: Role
    name: str = "Ann"
    address: str = "127.0.0.1"
    got: list[_Out] = field(default_factory=list)
    # Called with each message as it is sent (to look at the world at that moment).
    on_send: Callable[[_Out], None] = lambda _: None

    def send(self, message: _Out | Encoded) -> None:
        out = message.message if isinstance(message, Encoded) else message
        self.on_send(out)
        self.got.append(out)


@dataclass(eq=False)
class FakeTable:
    """The one way in without a store: the engine applies, the commits are kept in a
    list, and ``failures`` commits from now fail as a store that fails does."""

    state: GameState
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    committed: list[LoggedAction] = field(default_factory=list)
    failures: int = 0
    on_step: Callable[[], None] = lambda: None  # what the room does after each step

    async def commit(
        self,
        actor: str,
        action: Action,
        client_id: str,
        reply_to: Any = None,
        memory: Memory | None = None,
    ) -> Ack:
        assert self.lock.locked(), "committed without the lock"
        step = apply(self.state, actor, action)
        await asyncio.sleep(0)  # the store's turn
        if self.failures:
            self.failures -= 1
            raise StoreError("OperationalError: disk I/O error")
        self.state = step.state
        self.committed.append(LoggedAction(step.state.version, actor, client_id, action, memory))
        self.on_step()
        return Ack(id=client_id, version=step.state.version)


def opening(seed: int = 3) -> GameState:
    """A new game's state."""
    return start(SC, seed).state
