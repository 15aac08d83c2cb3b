"""What the debrief is given: plain records of a class's tables, as stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from divestiture.game.actions import Action
from divestiture.game.moves import Actor
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId


@dataclass(frozen=True, slots=True)
class BotRecord:
    """A bot playing a seat: its personality (the one drawn, if the teacher chose none)."""

    personality: str  # the personality's id in the rules
    difficulty: str


@dataclass(frozen=True, slots=True)
class TableInput:
    """One table (a room): enough to replay its game and say who played it."""

    n: int  # its number in its class, from 1 (0: a room on its own)
    room: str  # the room's code
    seed: int
    log: tuple[tuple[Actor, Action], ...]  # every accepted action, in order
    rounds: int | None = None  # the room's days before the deadline (None: the rules')
    waits_for_teacher: bool = False  # the week started when the facilitator started it
    # seat -> the names holding it, in the order they joined (a team: several)
    holders: Mapping[SeatId, tuple[str, ...]] = field(default_factory=dict)
    bots: Mapping[SeatId, BotRecord] = field(default_factory=dict)  # the seats bots play


@dataclass(frozen=True, slots=True)
class ClassInput:
    """A class (or one room, as a class of one table) and its rules."""

    code: str  # the class's code (or the room's)
    scenario: Scenario
    tables: tuple[TableInput, ...]
    opened: float = 0.0  # when it was opened (seconds since the epoch; 0: unknown)
    is_class: bool = True  # False: one room on its own
