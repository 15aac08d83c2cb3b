"""The rooms' action logs, tokens, bots and team channels in SQLite (WAL).

A room is its scenario, seed, options and the list of accepted actions; the
engine is pure and seeded, so replaying the log rebuilds the game and everything
that happened in it (a whole game replays in a few milliseconds). Databases made
before kept events and pickled snapshots too; those tables are left alone.

``Store`` is synchronous and owned by one thread; ``AsyncStore`` runs every call
on that single thread, so the server's event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from divestiture.game.actions import Action, parse_action
from divestiture.game.bots.memory import Memory
from divestiture.game.types import FACILITATOR, SeatId

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL,
    outcome TEXT
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(code),
    role TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    room TEXT NOT NULL REFERENCES rooms(code),
    version INTEGER NOT NULL,
    actor TEXT NOT NULL,
    client_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at REAL NOT NULL,
    memory TEXT,
    PRIMARY KEY (room, version),
    UNIQUE (room, actor, client_id)
);
CREATE TABLE IF NOT EXISTS bots (
    room TEXT NOT NULL REFERENCES rooms(code),
    seat TEXT NOT NULL,
    spec TEXT NOT NULL,
    PRIMARY KEY (room, seat)
);
CREATE TABLE IF NOT EXISTS seat_locks (
    room TEXT PRIMARY KEY REFERENCES rooms(code),
    locked INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS class_tables (
    class TEXT NOT NULL REFERENCES classes(code),
    n INTEGER NOT NULL,
    room TEXT NOT NULL UNIQUE REFERENCES rooms(code),
    PRIMARY KEY (class, n)
);
CREATE TABLE IF NOT EXISTS team_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL REFERENCES rooms(code),
    seat TEXT NOT NULL,
    sender TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS host_token (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    digest TEXT NOT NULL
);
"""


DB_FILE = "divestiture.sqlite3"  # the store's file in a server's data directory


class StoreError(Exception):
    """The store could not do what was asked (the disk, or a broken database)."""


@dataclass(frozen=True, slots=True)
class LoggedAction:
    version: int  # the state version this action produced
    actor: str
    client_id: str
    action: Action
    # A bot's memory after deciding this action (None: not a bot's decision, or one
    # that was refused and forgotten): a restarted room's bots go on from it.
    memory: Memory | None = None


@dataclass(frozen=True, slots=True)
class NewRoom:
    """What a room is created with: stored in one transaction."""

    code: str
    scenario: str
    seed: int
    options: str  # RoomOptions as JSON
    facilitator_token: str
    bots: Mapping[SeatId, str]  # seat -> BotSpec as JSON
    created: float  # when it is opened (time.time())


@dataclass(frozen=True, slots=True)
class ClassRecord:
    """A class as stored: its options and its tables' rooms, in table order."""

    code: str
    options: str  # ClassOptions as JSON
    rooms: tuple[str, ...]
    created: float


# A room-level change (a bot handed back, a student moved, a timer changed), run on the
# store's thread inside the transaction that stores the facilitator's note of it.
Change = Callable[["Store"], object]


@dataclass(frozen=True, slots=True)
class RoomRecord:
    """Everything stored about a room: enough to rebuild it exactly."""

    code: str
    scenario: str
    seed: int
    options: str
    outcome: str | None
    actions: tuple[LoggedAction, ...]
    bots: dict[SeatId, str]
    team_lines: tuple[tuple[SeatId, str, str], ...]
    seats_locked: bool = False
    created: float = 0.0  # when the room was opened (time.time())
    joined: tuple[SeatId, ...] = ()  # the seats someone has joined (holds a token for)


def token_digest(token: str) -> str:
    """Tokens are stored hashed. They carry 128+ random bits, so one fast SHA-256 is
    enough (a slow password hash would only stall logins)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    """Synchronous SQLite access; use from one thread only (see ``AsyncStore``)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the seat hears it was accepted, even if the
        # machine (not only the server) stops right after.
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(_SCHEMA)
        self._migrate()

    @classmethod
    def read_only(cls, path: Path) -> Store:
        """The store at ``path``, opened read-only (an SQLite ``mode=ro`` URI): nothing is
        created, migrated or written, so reading a class (the debrief) never changes it.
        With no write-ahead log beside it (no server has it open) it is read as immutable,
        and SQLite leaves no file of its own beside it either.

        Raises:
            sqlite3.Error: there is no database there, or it cannot be read.
        """
        store = cls.__new__(cls)
        store.path = path
        wal = path.with_name(path.name + "-wal")
        mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        uri = f"{path.resolve().as_uri()}?{mode}"
        store.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        store.db.execute("SELECT 1 FROM rooms LIMIT 1").fetchall()  # a store, and readable
        return store

    def _migrate(self) -> None:
        """Bring a database made by an older version up to this schema."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(actions)")}
        if "memory" not in columns:  # before bots' memories were stored
            self.db.execute("ALTER TABLE actions ADD COLUMN memory TEXT")

    def close(self) -> None:
        self.db.close()

    def create_room(self, new: NewRoom) -> None:
        """A new room: its row, the facilitator's token and its bots, in one
        transaction (all of it, or nothing)."""
        with self._transaction():
            self._new_room(new)

    def _new_room(self, new: NewRoom) -> None:
        self.db.execute(
            "INSERT INTO rooms (code, scenario, seed, options, created) VALUES (?, ?, ?, ?, ?)",
            (new.code, new.scenario, new.seed, new.options, new.created),
        )
        self.add_token(new.facilitator_token, new.code, FACILITATOR, FACILITATOR)
        self._bots(new.code, new.bots)

    def room_exists(self, code: str) -> bool:
        """Whether a room or a class has this code (they share one set of codes)."""
        for table in ("rooms", "classes"):
            if self.db.execute(f"SELECT 1 FROM {table} WHERE code = ?", (code,)).fetchone():
                return True
        return False

    def create_class(
        self, code: str, token: str, options: str, created: float, rooms: list[NewRoom]
    ) -> None:
        """A class and all its tables' rooms, in one transaction (all of it, or nothing)."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO classes (code, digest, options, created) VALUES (?, ?, ?, ?)",
                (code, token_digest(token), options, created),
            )
            for n, new in enumerate(rooms, start=1):
                self._new_room(new)
                self.db.execute(
                    "INSERT INTO class_tables (class, n, room) VALUES (?, ?, ?)",
                    (code, n, new.code),
                )

    def add_table(self, code: str, new: NewRoom) -> None:
        """One more table for a class: its room, numbered after the last."""
        with self._transaction():
            self._new_room(new)
            self.db.execute(
                "INSERT INTO class_tables (class, n, room)"
                " SELECT ?, COALESCE(MAX(n), 0) + 1, ? FROM class_tables WHERE class = ?",
                (code, new.code, code),
            )

    def load_class(self, code: str) -> ClassRecord | None:
        row = self.db.execute(
            "SELECT options, created FROM classes WHERE code = ?", (code,)
        ).fetchone()
        if row is None:
            return None
        rooms = tuple(
            r[0]
            for r in self.db.execute(
                "SELECT room FROM class_tables WHERE class = ? ORDER BY n", (code,)
            )
        )
        return ClassRecord(code, row[0], rooms, row[1])

    def class_codes(self) -> list[str]:
        """Every class, oldest first."""
        return [r[0] for r in self.db.execute("SELECT code FROM classes ORDER BY created")]

    def class_token(self, code: str, token: str) -> bool:
        """Whether ``token`` is the facilitator token of class ``code``."""
        row = self.db.execute("SELECT digest FROM classes WHERE code = ?", (code,)).fetchone()
        return row is not None and row[0] == token_digest(token)

    def seat_holders(self, room: str) -> list[tuple[SeatId, str]]:
        """Who holds a seat's token in ``room``: (seat, name), in the order they joined."""
        rows = self.db.execute(
            "SELECT role, name FROM tokens WHERE room = ? AND role != ? ORDER BY rowid",
            (room, FACILITATOR),
        )
        return [(SeatId(role), name) for role, name in rows]

    # -- changes stored with a facilitator's note (``Change``) -----------------------------

    def forget_bot(self, room: str, seat: SeatId) -> None:
        """No bot plays ``seat`` any more."""
        self.db.execute("DELETE FROM bots WHERE room = ? AND seat = ?", (room, seat))

    def set_options(self, room: str, options: str) -> None:
        self.db.execute("UPDATE rooms SET options = ? WHERE code = ?", (options, room))

    def move_seat_tokens(
        self, room: str, seat: SeatId, name: str, to_room: str, to_seat: SeatId
    ) -> int:
        """The tokens ``name`` holds for ``seat`` now hold ``to_seat`` of ``to_room``."""
        return self.db.execute(
            "UPDATE tokens SET room = ?, role = ? WHERE room = ? AND role = ? AND name = ?",
            (to_room, to_seat, room, seat, name),
        ).rowcount

    def drop_seat_tokens(self, room: str, seat: SeatId, name: str) -> int:
        """The tokens ``name`` holds for ``seat`` no longer resume anything."""
        return self.db.execute(
            "DELETE FROM tokens WHERE room = ? AND role = ? AND name = ?", (room, seat, name)
        ).rowcount

    def add_token(self, token: str, room: str, role: str, name: str) -> None:
        self.db.execute(
            "INSERT INTO tokens (digest, room, role, name) VALUES (?, ?, ?, ?)",
            (token_digest(token), room, role, name),
        )

    def add_seat_token(self, token: str, room: str, seat: SeatId, name: str) -> bool:
        """A seat's new token, unless the room's seats are closed (then nothing is stored
        and the answer is False). One transaction: a join cannot slip in after a lock."""
        with self._transaction():
            if self._seats_locked(room):
                return False
            self.add_token(token, room, seat, name)
        return True

    def set_seats_locked(self, room: str, locked: bool) -> None:
        """Close (or open) the room's seats."""
        with self._transaction():
            self.write_seats_locked(room, locked)

    def write_seats_locked(self, room: str, locked: bool) -> None:
        """Close (or open) the room's seats, in the transaction under way."""
        self.db.execute(
            "INSERT OR REPLACE INTO seat_locks (room, locked) VALUES (?, ?)", (room, int(locked))
        )

    def _seats_locked(self, room: str) -> bool:
        row = self.db.execute("SELECT locked FROM seat_locks WHERE room = ?", (room,)).fetchone()
        return row is not None and bool(row[0])

    def set_host_token(self, token: str) -> None:
        """The token that opens rooms from now on (its digest replaces the one before)."""
        self.db.execute(
            "INSERT OR REPLACE INTO host_token (only, digest) VALUES (1, ?)", (token_digest(token),)
        )

    def is_host_token(self, token: str) -> bool:
        """Whether ``token`` is the host token."""
        row = self.db.execute("SELECT digest FROM host_token WHERE only = 1").fetchone()
        return row is not None and hmac.compare_digest(row[0], token_digest(token))

    def token(self, room: str, token: str) -> tuple[str, str] | None:
        """The role and name this token holds in ``room``, or None."""
        row = self.db.execute(
            "SELECT role, name FROM tokens WHERE digest = ? AND room = ?",
            (token_digest(token), room),
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def append(
        self,
        room: str,
        entry: LoggedAction,
        outcome: str | None = None,
        lock_seats: bool = False,
        change: Change | None = None,
    ) -> None:
        """Store one accepted action in one transaction (with the game's outcome if it
        ended it, the seats closed if ``lock_seats``: the action ended the phase after
        which they close, and the room-level ``change`` a facilitator's note records)."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO actions (room, version, actor, client_id, action, at, memory)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    room,
                    entry.version,
                    entry.actor,
                    entry.client_id,
                    entry.action.model_dump_json(),
                    time.time(),
                    None if entry.memory is None else entry.memory.to_json(),
                ),
            )
            if outcome is not None:
                self.db.execute("UPDATE rooms SET outcome = ? WHERE code = ?", (outcome, room))
            if lock_seats:
                self.write_seats_locked(room, True)
            if change is not None:
                change(self)

    def set_bots(self, room: str, bots: Mapping[SeatId, str]) -> None:
        """Bots (seat -> spec) take these seats, all in one transaction."""
        with self._transaction():
            self._bots(room, bots)

    def _bots(self, room: str, bots: Mapping[SeatId, str]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO bots (room, seat, spec) VALUES (?, ?, ?)",
            [(room, seat, spec) for seat, spec in bots.items()],
        )

    def team_line(self, room: str, seat: SeatId, sender: str, text: str) -> None:
        self.db.execute(
            "INSERT INTO team_lines (room, seat, sender, text) VALUES (?, ?, ?, ?)",
            (room, seat, sender, text),
        )

    def unfinished_rooms(self) -> list[str]:
        rows = self.db.execute("SELECT code FROM rooms WHERE outcome IS NULL ORDER BY created")
        return [r[0] for r in rows]

    def load(self, code: str) -> RoomRecord | None:
        """Everything about a room, or None if there is no such room."""
        row = self.db.execute(
            "SELECT scenario, seed, options, outcome, created FROM rooms WHERE code = ?", (code,)
        ).fetchone()
        if row is None:
            return None
        actions = tuple(
            LoggedAction(
                v,
                actor,
                cid,
                parse_action(json.loads(text)),
                None if memory is None else Memory.from_json(memory),
            )
            for v, actor, cid, text, memory in self.db.execute(
                "SELECT version, actor, client_id, action, memory FROM actions WHERE room = ?"
                " ORDER BY version",
                (code,),
            )
        )
        bots = {
            SeatId(seat): spec
            for seat, spec in self.db.execute(
                "SELECT seat, spec FROM bots WHERE room = ? ORDER BY seat", (code,)
            )
        }
        lines = tuple(
            (SeatId(seat), sender, text)
            for seat, sender, text in self.db.execute(
                "SELECT seat, sender, text FROM team_lines WHERE room = ? ORDER BY id", (code,)
            )
        )
        return RoomRecord(
            code,
            row[0],
            row[1],
            row[2],
            row[3],
            actions,
            bots,
            lines,
            self._seats_locked(code),
            row[4],
            self.joined_seats(code),
        )

    def joined_seats(self, room: str) -> tuple[SeatId, ...]:
        """The seats of ``room`` someone has joined (a seat token was given for them)."""
        rows = self.db.execute(
            "SELECT DISTINCT role FROM tokens WHERE room = ? AND role != ? ORDER BY role",
            (room, FACILITATOR),
        )
        return tuple(SeatId(r[0]) for r in rows)

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK if the body raised. If COMMIT itself
    fails (the disk is full, the database is locked), the transaction is rolled back
    so the connection is usable again, and ``StoreError`` says so."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self._rollback()
            return
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback()
            why = f"{type(e).__name__}: {e}"
            raise StoreError(f"the commit failed and was rolled back: {why}") from e

    def _rollback(self) -> None:
        if self.db.in_transaction:  # SQLite may have rolled back on its own already
            self.db.execute("ROLLBACK")


_R = TypeVar("_R")


class AsyncStore:
    """Every call runs on the store's own thread; the event loop awaits it."""

    def __init__(self, path: Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._store = self._pool.submit(Store, path).result()

    async def run(self, fn: Callable[..., _R], *args: object) -> _R:
        """Run ``fn(store, *args)`` on the store's thread.

        Raises:
            StoreError: the database refused or failed.
        """
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, fn, self._store, *args)
        except sqlite3.Error as e:
            raise StoreError(f"{type(e).__name__}: {e}") from e

    def close(self) -> None:
        self._pool.submit(self._store.close).result()
        self._pool.shutdown(wait=True)
