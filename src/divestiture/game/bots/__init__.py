"""Scripted bots: one strategy per role, with personalities and difficulties from the rules.

A bot sees only its own seat's view: ``decide(view, memory) -> Decision``, the
action and the memory to decide with next time. It is made for a seat with
``make_bot``; ``personality=None`` draws one with the bot's own seeded generator
("surprise me").
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.buyer import BuyerBot
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.bots.president import PresidentBot
from divestiture.game.bots.regulator import RegulatorBot
from divestiture.game.bots.seller import SellerBot
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

DIFFICULTIES = ("easy", "normal", "hard")


def personalities(scenario: Scenario, seat: SeatId) -> tuple[str, ...]:
    """The personality ids the rules give a seat, in file order."""
    return tuple(scenario.bots.personalities.get(seat, {}))


@dataclass(frozen=True)
class Bot:
    """A scripted bot for one seat: its strategy, personality and difficulty. Immutable:
    what it remembers between decisions is the ``Memory`` each decision returns."""

    scenario: Scenario = field(repr=False)
    seat: SeatId
    personality: str
    difficulty: str
    strategy: type[ScriptedBot] = field(repr=False)
    first_memory: Memory = field(repr=False)

    def decide(self, view: GameView, memory: Memory) -> Decision:
        """This seat's next action on its own ``view``, and what it remembers after it."""
        mind = self.mind(memory)
        action = mind.act(view)
        return Decision(action, mind.remembered())

    def mind(self, memory: Memory | None = None) -> ScriptedBot:
        """The strategy at work on one decision, with ``memory`` (the first if None)."""
        memory = self.first_memory if memory is None else memory
        return self.strategy(self.scenario, self.seat, self.personality, self.difficulty, memory)


def make_bot(
    scenario: Scenario,
    seat: SeatId,
    rng: random.Random,
    personality: str | None = None,
    difficulty: str = "normal",
) -> Bot:
    """A scripted bot for ``seat``, its personality drawn with ``rng`` when not given; the
    generator goes on in the bot's memory.

    Raises:
        ValueError: the personality or difficulty is not in the rules.
    """
    choices = personalities(scenario, seat)
    if personality is None:
        personality = rng.choice(choices)
    if personality not in choices:
        raise ValueError(
            f"'{personality}' is not a personality of {seat} (choose from {', '.join(choices)})"
        )
    if difficulty not in scenario.bots.difficulties:
        raise ValueError(f"'{difficulty}' is not a difficulty (easy, normal, hard)")
    roles = scenario.roles
    strategy: type[ScriptedBot]
    if seat == roles.seller:
        strategy = SellerBot
    elif seat in roles.buyers:
        strategy = BuyerBot
    elif seat == roles.president:
        strategy = PresidentBot
    elif seat == roles.regulator:
        strategy = RegulatorBot
    else:
        strategy = ScriptedBot  # an optional seat with no strategy of its own talks and passes
    misjudge = scenario.bots.difficulties[difficulty].misjudge
    bias = rng.uniform(-misjudge, misjudge)  # one misjudgement per game
    return Bot(scenario, seat, personality, difficulty, strategy, Memory.of(rng, bias))


__all__ = ["DIFFICULTIES", "Bot", "Decision", "Memory", "ScriptedBot", "make_bot", "personalities"]
