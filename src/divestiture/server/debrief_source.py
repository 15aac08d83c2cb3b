"""A class's (or a room's) tables as the debrief reads them (``divestiture.debrief``'s
plain records): from a server's data directory, opened read-only so a debrief never
changes a class's data, or from the ``room_log`` messages a running server sends its
facilitator (``export``).

Each bot is named by the personality it played: the one the teacher chose, or the one it
drew, made again exactly as the room made it (``bot_runner.new_player``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from divestiture.debrief.records import BotRecord, ClassInput, TableInput
from divestiture.game.actions import Action
from divestiture.game.bots import Bot
from divestiture.game.moves import Actor
from divestiture.game.scenario import SCENARIO_DIR, Scenario, ScenarioError, load_scenario
from divestiture.game.types import SeatId
from divestiture.server.bot_runner import new_player
from divestiture.server.protocol import LoggedMove, Refusal, RoomLog, RoomOptions
from divestiture.server.recall import parse_bot
from divestiture.server.store import DB_FILE, AsyncStore, RoomRecord, Store


class SourceError(Exception):
    """The tables cannot be read (one line saying why)."""


def read_class(data_dir: Path, code: str, rules_dir: Path = SCENARIO_DIR) -> ClassInput:
    """Class ``code`` of the server whose data directory is ``data_dir``.

    Raises:
        SourceError: no store there, no such class, or its rules cannot be loaded.
    """
    store = open_store(data_dir)
    try:
        return class_from_store(store, code, rules_dir)
    except sqlite3.Error as e:
        raise SourceError(f"{store.path} could not be read: {e}") from None
    finally:
        store.close()


def class_from_store(store: Store, code: str, rules_dir: Path = SCENARIO_DIR) -> ClassInput:
    """Class ``code`` from an open store (a server's own, on its store's thread).

    Raises:
        SourceError: no such class, or its rules cannot be loaded.
        sqlite3.Error: the store could not be read.
    """
    code = code.strip().upper()
    found = store.load_class(code)
    if found is None:
        raise SourceError(_unknown(store, "class", code, store.class_codes()))
    records = [_room(store, room) for room in found.rooms]
    holders = [store.seat_holders(room) for room in found.rooms]
    sc = _scenario({r.scenario for r in records}, rules_dir, code)
    tables = tuple(
        table_input(sc, r, n, h) for n, (r, h) in enumerate(zip(records, holders, strict=True), 1)
    )
    return ClassInput(code, sc, tables, found.created, is_class=True)


def read_room(data_dir: Path, code: str, rules_dir: Path = SCENARIO_DIR) -> ClassInput:
    """Room ``code`` (a class's table keeps its number in its class).

    Raises:
        SourceError: no store there, no such room, or its rules cannot be loaded.
    """
    store = open_store(data_dir)
    try:
        code = code.strip().upper()
        record = store.load(code)
        if record is None:
            raise SourceError(_unknown(store, "room", code, ()))
        holders = store.seat_holders(code)
        row = store.db.execute("SELECT n FROM class_tables WHERE room = ?", (code,)).fetchone()
    except sqlite3.Error as e:
        raise SourceError(f"{store.path} could not be read: {e}") from None
    finally:
        store.close()
    sc = _scenario({record.scenario}, rules_dir, code)
    table = table_input(sc, record, row[0] if row else 0, holders)
    return ClassInput(code, sc, (table,), record.created, is_class=False)


def open_store(data_dir: Path) -> Store:
    """The store of a server's data directory, read-only.

    Raises:
        SourceError: there is none, or it cannot be read.
    """
    if not data_dir.is_dir():
        raise SourceError(f"{data_dir} is not a directory (give the server's --data directory)")
    path = data_dir / DB_FILE
    if not path.is_file():
        raise SourceError(f"{data_dir} holds no server data ({DB_FILE} is not there)")
    try:
        return Store.read_only(path)
    except sqlite3.Error as e:
        raise SourceError(f"{path} is not a store this server can read: {e}") from None


def table_input(
    sc: Scenario, record: RoomRecord, n: int, holders: Iterable[tuple[SeatId, str]]
) -> TableInput:
    """A stored room as the debrief reads it."""
    options = RoomOptions.model_validate_json(record.options)
    log = tuple((a.actor, a.action) for a in record.actions)
    return _table(
        sc,
        code=record.code,
        seed=record.seed,
        options=options,
        log=log,
        n=n,
        holders=holders,
        bots=record.bots,
    )


def from_room_log(sc: Scenario, message: RoomLog) -> TableInput:
    """A table sent by a running server (``room_log``) as the debrief reads it."""
    log = tuple((m.actor, m.action) for m in message.actions)
    return _table(
        sc,
        code=message.room,
        seed=message.seed,
        options=message.options,
        log=log,
        n=message.n,
        holders=message.holders,
        bots=message.bots,
    )


async def room_log(store: AsyncStore, code: str, n: int, *, last: bool) -> RoomLog:
    """A room as stored, for its facilitator's ``export``.

    Raises:
        Refusal: the room is not in the store.
    """
    record = await store.run(Store.load, code)
    if record is None:
        raise Refusal("unknown_room", f"there is no room '{code}'")
    holders = await store.run(Store.seat_holders, code)
    return RoomLog(
        version=record.actions[-1].version if record.actions else 0,
        n=n,
        room=record.code,
        scenario=record.scenario,
        seed=record.seed,
        options=RoomOptions.model_validate_json(record.options),
        created=record.created,
        actions=tuple(LoggedMove(actor=a.actor, action=a.action) for a in record.actions),
        holders=tuple(holders),
        bots=record.bots,
        last=last,
    )


def scenario_of(scenario_ids: set[str], where: str, rules_dir: Path = SCENARIO_DIR) -> Scenario:
    """The one scenario a class's tables play.

    Raises:
        SourceError: its rules file is missing or invalid, or the tables play several.
    """
    return _scenario(scenario_ids, rules_dir, where)


def _table(
    sc: Scenario,
    *,
    code: str,
    seed: int,
    options: RoomOptions,
    log: tuple[tuple[Actor, Action], ...],
    n: int,
    holders: Iterable[tuple[SeatId, str]],
    bots: Mapping[SeatId, str],
) -> TableInput:
    seats: dict[SeatId, list[str]] = {}
    for seat, name in holders:
        names = seats.setdefault(seat, [])
        if name not in names:
            names.append(name)
    return TableInput(
        n=n,
        room=code,
        seed=seed,
        log=log,
        rounds=options.rounds,
        waits_for_teacher=options.start == "teacher",
        holders={seat: tuple(names) for seat, names in seats.items()},
        bots={seat: _bot(sc, seed, seat, text) for seat, text in bots.items()},
    )


def _bot(sc: Scenario, seed: int, seat: SeatId, text: str) -> BotRecord:
    """The bot stored for ``seat``, by the personality it played."""
    spec, since = parse_bot(text)
    if spec.personality is not None:
        return BotRecord(spec.personality, spec.difficulty)
    if since is None:  # an older store kept no version: the draw cannot be made again
        return BotRecord("drawn at random", spec.difficulty)
    try:
        player = new_player(sc, seed, seat, spec, since)
    except Refusal:
        return BotRecord("unknown", spec.difficulty)
    personality = player.personality if isinstance(player, Bot) else "unknown"
    return BotRecord(personality, spec.difficulty)


def _room(store: Store, code: str) -> RoomRecord:
    record = store.load(code)
    if record is None:  # a class's table is stored with its class: a broken store
        raise SourceError(f"{store.path}: the class names room {code}, which is not there")
    return record


def _scenario(ids: set[str], rules_dir: Path, where: str) -> Scenario:
    if len(ids) != 1:
        raise SourceError(f"{where}: its tables play {len(ids)} scenarios; a debrief takes one")
    (scenario_id,) = ids
    path = rules_dir / f"{scenario_id}.yaml"
    if not path.is_file():
        raise SourceError(f"{where} plays '{scenario_id}', whose rules are not in {rules_dir}")
    try:
        return load_scenario(path)
    except ScenarioError as e:
        raise SourceError(f"{path}: {e.problems[0] if e.problems else e}") from None


def _unknown(store: Store, kind: str, code: str, known: Sequence[str]) -> str:
    choices = f" (its classes: {', '.join(known)})" if known else ""
    return f"there is no {kind} {code} in {store.path}{choices}"
