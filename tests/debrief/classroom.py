"""A fixed, seeded class of six tables written to a server's store as the server writes it:
each table's week waits for the teacher, bots play every seat (some seats held by students
in the records), and the facilitator announces, starts, pauses, resumes and notes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from divestiture.game.actions import Action, Announce, Note, Pass, Pause, StartWeek
from divestiture.game.bots import make_bot
from divestiture.game.engine import apply, start
from divestiture.game.errors import GameError
from divestiture.game.moves import Actor
from divestiture.game.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from divestiture.game.types import FACILITATOR, SeatId
from divestiture.game.views import view_for
from divestiture.server.protocol import BotSpec, ClassOptions, RoomOptions
from divestiture.server.recall import bot_json
from divestiture.server.store import DB_FILE, LoggedAction, NewRoom, Store

CODE = "DEBRF"
TOKEN = "teacher-token"
# Four deals (one far from the Pareto frontier), a ban that missed a deal, and a ban where
# no deal would have left every party better off.
SEEDS = (102, 104, 111, 103, 101, 108)
# Seats held by students (no bot is stored for them): table -> seat -> names.
STUDENTS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"white_house": ("Ann Lee",), "cfius": ("Bo", "Cy")},
    3: {"microsoft": ("Dee",)},
}
NOTE = "Bo moved from ByteDance to CFIUS"
ANNOUNCEMENT = "Five days: Monday to Friday."


@dataclass(frozen=True)
class Made:
    data: Path
    code: str
    rooms: tuple[str, ...]
    scenario: Scenario


def personalities(sc: Scenario, seed: int) -> dict[SeatId, str]:
    """Each seat's bot at the table with this seed: the rules' personalities in turn."""
    out = {}
    for i, seat in enumerate(sc.seat_ids):
        choices = list(sc.bots.personalities[seat])
        out[seat] = choices[(seed * (i + 2) + i) % len(choices)]
    return out


def play(
    sc: Scenario, seed: int, bots: dict[SeatId, str]
) -> tuple[list[tuple[Actor, Action]], str]:
    """A table's log and outcome: the facilitator announces and starts the week, bots play
    it (the facilitator pauses, resumes and notes a move on the way), to the end."""
    state = start(sc, seed, wait_for_start=True).state
    rng = random.Random(f"players:{seed}")
    players = {s: make_bot(sc, s, random.Random(rng.getrandbits(64)), p) for s, p in bots.items()}
    memories = {s: p.first_memory for s, p in players.items()}
    log: list[tuple[Actor, Action]] = []

    def act(actor: Actor, action: Action) -> None:
        nonlocal state
        state = apply(state, actor, action).state
        log.append((actor, action))

    act(FACILITATOR, Announce(text=ANNOUNCEMENT))
    act(FACILITATOR, StartWeek())
    turn = 0
    while not state.over:
        if turn == 7:
            act(FACILITATOR, Pause(paused=True))
            act(FACILITATOR, Note(text=NOTE))
            act(FACILITATOR, Pause(paused=False))
        waiting = [s for s in state.seats if not state.seats[s].passed]
        seat = waiting[turn % len(waiting)]
        turn += 1
        decision = players[seat].decide(view_for(state, seat), memories[seat])
        try:
            act(seat, decision.action)
        except GameError as e:
            act(seat, Pass(rationale=f"fell back to pass: {e.message}"[:300]))
        else:
            memories[seat] = decision.memory
    return log, str(state.outcome)


def make_class(data: Path, sc: Scenario | None = None) -> Made:
    """The class's store in ``data``, as a stopped server leaves it."""
    sc = sc or load_scenario(DEFAULT_SCENARIO)
    store = Store(data / DB_FILE)
    store.db.execute("PRAGMA synchronous=OFF")  # a test's store: no need to wait on the disk
    rooms: list[NewRoom] = []
    logs = []
    for n, seed in enumerate(SEEDS, start=1):
        chosen = personalities(sc, seed)
        bots = {
            s: BotSpec(personality=p) for s, p in chosen.items() if s not in STUDENTS.get(n, {})
        }
        options = RoomOptions(seed=seed, start="teacher", bots=bots)
        stored = {s: bot_json(spec, 0) for s, spec in bots.items()}
        code = f"R{n}T{n}X"
        rooms.append(NewRoom(code, sc.id, seed, options.model_dump_json(), f"f{n}", stored, 0.0))
        logs.append(play(sc, seed, chosen))
    klass = ClassOptions(tables=len(SEEDS), room=RoomOptions(start="teacher"))
    store.create_class(CODE, TOKEN, klass.model_dump_json(), 1_750_000_000.0, rooms)
    for n, (room, log) in enumerate(zip(rooms, logs, strict=True), start=1):
        for seat, names in STUDENTS.get(n, {}).items():
            for name in names:
                store.add_seat_token(f"{room.code}-{seat}-{name}", room.code, SeatId(seat), name)
        played, outcome = log
        for version, (actor, action) in enumerate(played, start=1):
            entry = LoggedAction(version, str(actor), f"c{version}", action)
            store.append(room.code, entry, outcome if version == len(played) else None)
    store.close()
    return Made(data, CODE, tuple(r.code for r in rooms), sc)
