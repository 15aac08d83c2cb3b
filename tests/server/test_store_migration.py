"""A database written by an older server opens in this one, its games intact."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from divestiture.game.actions import Pass
from divestiture.game.bots.memory import Memory
from divestiture.server.store import LoggedAction, Store

# The actions table as servers kept it before bots' memories were stored.
OLD_ACTIONS = """
CREATE TABLE rooms (code TEXT PRIMARY KEY, scenario TEXT NOT NULL, seed INTEGER NOT NULL,
    options TEXT NOT NULL, created REAL NOT NULL, outcome TEXT);
CREATE TABLE actions (room TEXT NOT NULL REFERENCES rooms(code), version INTEGER NOT NULL,
    actor TEXT NOT NULL, client_id TEXT NOT NULL, action TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (room, version), UNIQUE (room, actor, client_id));
INSERT INTO rooms VALUES ('ABCDE', 'tiktok_2020', 3, '{}', 0, NULL);
INSERT INTO actions VALUES ('ABCDE', 1, 'cfius', 'bot:cfius:0', '{"type": "pass"}', 0);
"""


def test_an_older_database_gains_the_memory_column_and_keeps_its_actions(tmp_path: Path) -> None:
    """The old log loads (its moves with no memory), and new moves store their memory."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_ACTIONS)
    store = Store(path)
    try:
        record = store.load("ABCDE")
        assert record is not None
        (old,) = record.actions
        assert old.actor == "cfius" and old.memory is None
        memory = Memory.of(random.Random(1))
        store.append("ABCDE", LoggedAction(2, "cfius", "bot:cfius:1", Pass(), memory))
        record = store.load("ABCDE")
        assert record is not None
        assert record.actions[-1].memory == memory
    finally:
        store.close()
