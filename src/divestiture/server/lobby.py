"""Every room of a server: created with a code and tokens, or loaded back from the store.

Loading replays the room's log from its start in a worker thread, so
a server that restarts after a crash resumes every game where it was.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from divestiture.game.engine import apply, start
from divestiture.game.events import Event
from divestiture.game.scenario import SCENARIO_DIR, Scenario, ScenarioError, load_scenario
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.server.bot_runner import check_bot, new_player
from divestiture.server.classes import Classroom
from divestiture.server.logs import has_control, log
from divestiture.server.protocol import ClassOptions, ClassSummary, Refusal, Role, RoomOptions
from divestiture.server.recall import bot_json, bot_turns, parse_bot, recalled_memories
from divestiture.server.reports import Reports
from divestiture.server.rooms import Room
from divestiture.server.store import AsyncStore, ClassRecord, NewRoom, RoomRecord, Store

# Easy to read aloud and to type: no 0/O, no 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


class LobbyError(Refusal):
    """A request about rooms that cannot be met; ``code`` is the wire's error code."""


def new_token() -> str:
    """A seat or facilitator token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True, slots=True)
class Seated:
    """What a token gives: a role in a room, under a name."""

    room: Room
    role: Role
    name: str


class Lobby:
    """The rooms of one server, in memory and in the store."""

    def __init__(
        self, store: AsyncStore, rules_dir: Path = SCENARIO_DIR, bot_delay: float | None = None
    ) -> None:
        self.store = store
        self.rules_dir = rules_dir
        self.bot_delay = bot_delay  # overrides every room's (tests: 0)
        self.rooms: dict[str, Room] = {}
        self._scenarios: dict[str, Scenario] = {}
        self._loading: dict[str, asyncio.Future[Room | None]] = {}
        self.broken: dict[str, str] = {}  # rooms that could not be loaded, and why
        self.classes: dict[str, Classroom] = {}
        self._making: set[str] = set()  # codes of rooms being made, not yet stored
        self.reports = Reports(store)  # the debrief reports being drawn

    async def scenario(self, scenario_id: str) -> Scenario:
        """The rules of ``scenario_id``, loaded once (off the event loop)."""
        if scenario_id not in self._scenarios:
            path = self.rules_dir / f"{scenario_id}.yaml"
            if not path.is_file():
                raise LobbyError("unknown_scenario", f"there is no scenario '{scenario_id}'")
            try:
                sc = await asyncio.to_thread(load_scenario, path)
            except ScenarioError as e:
                raise LobbyError("bad_scenario", f"{scenario_id}: {e.problems[0]}") from None
            self._scenarios[scenario_id] = sc
        return self._scenarios[scenario_id]

    async def check_host(self, token: str | None) -> None:
        """Check that ``token`` is the server's host token, which alone opens rooms.

        Raises:
            LobbyError: ``not_host``, saying whether the token is missing or wrong.
        """
        if not token:
            raise LobbyError(
                "not_host",
                "only the teacher opens rooms: send the host token divest serve printed"
                " (divest room --host-token)",
            )
        if not await self.store.run(Store.is_host_token, token):
            raise LobbyError(
                "not_host", "that is not this server's host token (divest serve prints it)"
            )

    async def create(self, scenario_id: str, options: RoomOptions) -> tuple[Room, str]:
        """A new room and its facilitator token.

        Raises:
            LobbyError: the scenario or an option is not valid for it.
        """
        sc = await self.scenario(scenario_id)
        room, new = await self._new_room(scenario_id, sc, options)
        await self.store.run(Store.create_room, new)
        self._open(room)
        return room, new.facilitator_token

    async def create_class(self, scenario_id: str, options: ClassOptions) -> tuple[Classroom, str]:
        """A new class: its tables' rooms, all stored together, and the facilitator
        token for all of them.

        Raises:
            LobbyError: the scenario or an option is not valid for it.
        """
        sc = await self.scenario(scenario_id)
        made = [await self._new_room(scenario_id, sc, options.room) for _ in range(options.tables)]
        code = await self._free_code({r.code for r, _ in made})
        token = new_token()
        opened = time.time()
        news = [new for _, new in made]
        await self.store.run(
            Store.create_class, code, token, options.model_dump_json(), opened, news
        )
        rooms = [room for room, _ in made]
        for room in rooms:
            self._open(room)
        klass = self.classes[code] = Classroom(code, scenario_id, options, rooms, opened)
        log.info("class %s opened: %d tables (%s)", code, len(rooms), scenario_id)
        return klass, token

    async def add_table(self, klass: Classroom) -> Room:
        """One more table for ``klass``, with its options."""
        sc = await self.scenario(klass.scenario_id)
        room, new = await self._new_room(klass.scenario_id, sc, klass.options.room)
        await self.store.run(Store.add_table, klass.code, new)
        self._open(room)
        klass.add(room)
        log.info("class %s: table %d is room %s", klass.code, len(klass.rooms), room.code)
        return room

    async def _new_room(
        self, scenario_id: str, sc: Scenario, options: RoomOptions
    ) -> tuple[Room, NewRoom]:
        """A room not yet stored or started, and what to store it with.

        Raises:
            LobbyError: an option is not valid for the scenario.
        """
        _check_options(sc, options)
        if self.bot_delay is not None:
            options = options.model_copy(update={"bot_delay": self.bot_delay})
        seed = options.seed if options.seed is not None else secrets.randbits(32)
        code = await self._free_code()
        opening = start(sc, seed, options.rounds, wait_for_start=options.start == "teacher")
        opened = time.time()
        room = Room(
            code=code,
            scenario_id=scenario_id,
            scenario=sc,
            seed=seed,
            options=options,
            store=self.store,
            state=opening.state,
            events=[(0, e) for e in opening.events],
            bots=dict(options.bots),
            bots_since=dict.fromkeys(options.bots, opening.state.version),
            opened_at=opened,
        )
        room.make_players()  # every bot made before anything is stored
        bots = {seat: bot_json(spec, opening.state.version) for seat, spec in options.bots.items()}
        new = NewRoom(code, scenario_id, seed, options.model_dump_json(), new_token(), bots, opened)
        self._making.add(code)
        return room, new

    def _open(self, room: Room) -> None:
        """A stored room is served and started."""
        self._making.discard(room.code)
        self.rooms[room.code] = room
        room.start()
        log.info(
            "room %s created (%s, seed %d, bots: %s)",
            room.code,
            room.scenario_id,
            room.seed,
            ", ".join(sorted(room.bots)) or "none",
        )

    async def get(self, code: str) -> Room:
        """The room with this code, loaded from the store if need be.

        Raises:
            LobbyError: no such room.
        """
        code = code.strip().upper()
        room = self.rooms.get(code)
        if room is not None:
            return room
        if code in self.broken:
            raise _unavailable(code)
        pending = self._loading.get(code)
        if pending is None:
            pending = self._loading[code] = asyncio.ensure_future(self._load_or_note(code))
        try:
            loaded = await asyncio.shield(pending)
        finally:
            self._loading.pop(code, None)
        if code in self.broken:
            raise _unavailable(code)
        if loaded is None:
            raise LobbyError("unknown_room", f"there is no room '{code}'")
        return loaded

    async def resume(self, code: str, token: str) -> Seated:
        """The role a token holds in a room. A class's facilitator token is the
        facilitator's at each of its tables (``divest facilitate`` on one table).

        Raises:
            LobbyError: no such room, or the token is not one of its tokens.
        """
        room = await self.get(code)
        found = await self.store.run(Store.token, room.code, token)
        klass = self.class_of(room) if found is None else None
        if klass is not None and await self.store.run(Store.class_token, klass.code, token):
            return Seated(room, FACILITATOR, FACILITATOR)
        if found is None:
            raise LobbyError("bad_token", f"that token is not valid in room {room.code}")
        role, name = found
        return Seated(room, role if role in (FACILITATOR, SPECTATOR) else SeatId(role), name)

    async def join(
        self, code: str, seat: SeatId | None, name: str, table: int | None = None
    ) -> tuple[Seated, str]:
        """Take a seat (alone or with a team already in it) and get a token for it.
        ``code`` is a room's or a class's: in a class the student sits at ``table``
        and ``seat`` if given, else where the class needs them (``Classroom.place``);
        in a room with no ``seat`` named, at its emptiest seat no bot plays.

        Raises:
            LobbyError: no such room, class or seat, a bot plays the seat, the seats
                are closed, or the name is not one line of printable text.
        """
        name = name.strip()
        if not name or has_control(name):
            raise LobbyError(
                "invalid_name", "a name is 1 to 40 characters of text, with no control characters"
            )
        klass = await self.find_class(code)
        if klass is not None:
            async with klass.seating:
                room, seat = klass.place(seat, table)
                if seat in room.bots:  # a late student takes a bot's seat
                    await room.hand_back(seat, f"arrival:{new_token()}")
                return await self._take(room, seat, name)
        else:
            room = await self.get(code)
            if seat is None:
                seat = _emptiest_seat(room)
        return await self._take(room, seat, name)

    async def _take(self, room: Room, seat: SeatId, name: str) -> tuple[Seated, str]:
        if seat not in room.state.seats:
            seats = ", ".join(room.state.seats)
            raise LobbyError("unknown_seat", f"'{seat}' is not a seat (choose from {seats})")
        if seat in room.bots or seat in room.claimed:
            raise LobbyError(
                "seat_taken",
                f"a bot plays {room.seat_word(seat)} in room {room.code}: choose another seat,"
                " or ask your teacher to give it to you",
            )
        token = new_token()
        # Joined at once, before the store is asked: a seat being joined is not an empty
        # seat for the room's bots to take (Room.bots_for_empty_seats).
        had = seat in room.joined
        room.joined.add(seat)
        try:
            # The store checks the lock in the transaction that would store the token.
            stored = await self.store.run(Store.add_seat_token, token, room.code, seat, name)
        except BaseException:
            if not had:
                room.joined.discard(seat)
            raise
        if not stored:
            if not had:
                room.joined.discard(seat)
            raise LobbyError(
                "seats_locked",
                f"the seats of room {room.code} are closed: ask your teacher to open them"
                " (if you were in a seat already, your game comes back to it by itself)",
            )
        if name not in room.holders[seat]:
            room.holders[seat].append(name)
        return Seated(room, seat, name), token

    async def find_class(self, code: str) -> Classroom | None:
        """The class with this code (loaded from the store if need be), or None."""
        code = code.strip().upper()
        klass = self.classes.get(code)
        if klass is not None or code in self.rooms:
            return klass
        record = await self.store.run(Store.load_class, code)
        if record is None:
            return None
        return await self._load_class(record)

    async def class_for(self, code: str, token: str) -> Classroom:
        """The class ``code``, if ``token`` is its facilitator token or the server's host
        token (the teacher who opened it).

        Raises:
            LobbyError: no such class, or not its token.
        """
        klass = await self.find_class(code)
        if klass is None:
            raise LobbyError("unknown_class", f"there is no class '{code.strip().upper()}'")
        mine = await self.store.run(Store.class_token, klass.code, token)
        if not mine and not await self.store.run(Store.is_host_token, token):
            raise LobbyError(
                "bad_token", f"that token is not the facilitator's of class {klass.code}"
            )
        return klass

    async def class_list(self) -> tuple[ClassSummary, ...]:
        """Every class of this server, oldest first."""
        out = []
        for code in await self.store.run(Store.class_codes):
            klass = await self.find_class(code)
            if klass is not None:
                out.append(ClassSummary(code=code, tables=len(klass.rooms), created=klass.created))
        return tuple(out)

    def class_of(self, room: Room) -> Classroom | None:
        for klass in self.classes.values():
            if room in klass.rooms:
                return klass
        return None

    async def _load_class(self, record: ClassRecord) -> Classroom:
        options = ClassOptions.model_validate_json(record.options)
        rooms: list[Room] = []
        broken: list[str] = []
        for code in record.rooms:
            try:
                rooms.append(await self.get(code))
            except LobbyError:
                broken.append(code)
        scenario = rooms[0].scenario_id if rooms else "?"
        klass = self.classes.get(record.code)
        if klass is None:  # (another request may have loaded it meanwhile)
            klass = Classroom(record.code, scenario, options, rooms, record.created, broken)
            self.classes[record.code] = klass
        return klass

    async def load_unfinished(self) -> int:
        """Load every game that was still being played (after a restart); how many.

        A room that cannot be loaded (its log no longer replays, a stored option or
        bot the rules no longer have...) is skipped with a line in the log saying
        why; its data stays in the store, and every other room is served.
        """
        codes = await self.store.run(Store.unfinished_rooms)
        loaded = 0
        for code in codes:
            if await self._load_or_note(code) is not None:
                loaded += 1
        for code in await self.store.run(Store.class_codes):
            await self.find_class(code)
        return loaded

    async def close(self) -> None:
        await self.reports.stop()
        for klass in self.classes.values():
            klass.close()
        for room in list(self.rooms.values()):
            await room.close()

    async def _free_code(self, taken: Collection[str] = ()) -> str:
        """A code no room or class has (nor any in ``taken``, or being made)."""
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code in self.rooms or code in self.classes or code in taken:
                continue
            if code in self._making:
                continue
            if not await self.store.run(Store.room_exists, code):
                return code

    async def _load_or_note(self, code: str) -> Room | None:
        """``_load``; a room that fails to load is noted in ``broken`` and logged."""
        try:
            return await self._load(code)
        except Exception as e:  # whatever is wrong with one room must not stop the others
            reason = f"{type(e).__name__}: {e}"
            self.broken[code] = reason
            log.error(
                "room %s could not be loaded and is skipped (its data is kept): %s", code, reason
            )
            log.debug("room %s: why it could not be loaded", code, exc_info=True)
            return None

    async def _load(self, code: str) -> Room | None:
        record = await self.store.run(Store.load, code)
        if record is None:
            return None
        sc = await self.scenario(record.scenario)
        options = RoomOptions.model_validate_json(record.options)
        if self.bot_delay is not None:
            options = options.model_copy(update={"bot_delay": self.bot_delay})
        bots = {seat: parse_bot(text) for seat, text in record.bots.items()}
        since: dict[SeatId, int | None] = {}
        for seat, (_, version) in bots.items():
            # A store older than the bots' versions kept none: a bot the room was created
            # with took its seat at version 0; one added later is made afresh (below).
            since[seat] = version if version is not None or seat not in options.bots else 0
        made = {
            seat: (new_player(sc, record.seed, seat, spec, version), version)
            for seat, (spec, _) in bots.items()
            if (version := since[seat]) is not None
        }
        # Off the event loop: the whole log replayed (a few milliseconds a game).
        state, events = await asyncio.to_thread(replayed, sc, record, options)
        room = Room(
            code=code,
            scenario_id=record.scenario,
            scenario=sc,
            seed=record.seed,
            options=options,
            store=self.store,
            state=state,
            events=events,
            seen={(a.actor, a.client_id): (a.version, a.action) for a in record.actions},
            bots={seat: spec for seat, (spec, _) in bots.items()},
            bots_since=since,
            bot_turns=bot_turns(record),
            seats_locked=record.seats_locked,
            team_lines=list(record.team_lines),
            opened_at=record.created,
            joined=set(record.joined),
            holders=await self.store.run(Store.seat_holders, code),
            players={seat: player for seat, (player, _) in made.items()},
            memories=recalled_memories(record, made),
        )
        room.make_players()  # before the room is served: a bad bot fails the load
        await self._store_since(room)
        self.rooms[code] = room
        room.start()
        log.info(
            "room %s loaded at version %d (%s)", code, state.version, record.outcome or "in play"
        )
        return room

    async def _store_since(self, room: Room) -> None:
        """Store the version a bot took its seat at where the store had none (an older
        store; see ``_load``): the bot was made afresh at the loaded version, so the next
        restart makes it again from there and recalls it."""
        unknown = [seat for seat in room.bots if room.bots_since.get(seat) is None]
        if not unknown or room.state.over:
            return
        version = room.state.version
        stored = {seat: bot_json(room.bots[seat], version) for seat in unknown}
        await self.store.run(Store.set_bots, room.code, stored)
        room.bots_since.update(dict.fromkeys(unknown, version))


def replayed(
    sc: Scenario, record: RoomRecord, options: RoomOptions
) -> tuple[GameState, list[tuple[int, Event]]]:
    """The room's state, replayed from its log, and every event with the version it
    happened at."""
    step = start(sc, record.seed, options.rounds, wait_for_start=options.start == "teacher")
    state = step.state
    events = [(0, e) for e in step.events]
    for entry in record.actions:
        step = apply(state, entry.actor, entry.action)
        state = step.state
        events += [(state.version, e) for e in step.events]
    return state, events


def _emptiest_seat(room: Room) -> SeatId:
    """The seat no bot plays with the fewest students (the first, if several)."""
    free = [s for s in room.state.seats if s not in room.bots]
    if not free:
        raise LobbyError("seat_taken", f"bots play every seat in room {room.code}")
    return min(free, key=lambda s: len(room.holders[s]))


def _unavailable(code: str) -> LobbyError:
    return LobbyError(
        "room_unavailable",
        f"room {code} could not be loaded on this server (the server's log says why)",
    )


def _check_options(sc: Scenario, options: RoomOptions) -> None:
    for seat, spec in options.bots.items():
        try:
            check_bot(sc, seat, spec, "invalid_options")
        except Refusal as e:
            raise LobbyError(e.code, f"options.bots.{seat}: {e.message}") from None
