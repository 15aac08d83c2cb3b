"""Scripted bots: one strategy per role, with personalities and difficulties from the rules.

A bot sees only its own seat's view (``act(view) -> Action``); it is made for a
seat with ``make_bot``. ``personality=None`` draws one with the bot's own
seeded generator ("surprise me").
"""

from __future__ import annotations

import random

from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.buyer import BuyerBot
from divestiture.game.bots.president import PresidentBot
from divestiture.game.bots.regulator import RegulatorBot
from divestiture.game.bots.seller import SellerBot
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

DIFFICULTIES = ("easy", "normal", "hard")


def personalities(scenario: Scenario, seat: SeatId) -> tuple[str, ...]:
    """The personality ids the rules give a seat, in file order."""
    return tuple(scenario.bots.personalities.get(seat, {}))


def make_bot(
    scenario: Scenario,
    seat: SeatId,
    rng: random.Random,
    personality: str | None = None,
    difficulty: str = "normal",
) -> ScriptedBot:
    """A scripted bot for ``seat``.

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
    cls: type[ScriptedBot]
    if seat == roles.seller:
        cls = SellerBot
    elif seat in roles.buyers:
        cls = BuyerBot
    elif seat == roles.president:
        cls = PresidentBot
    elif seat == roles.regulator:
        cls = RegulatorBot
    else:
        cls = ScriptedBot  # an optional seat with no strategy of its own talks and passes
    return cls(scenario, seat, rng, personality, difficulty)


__all__ = ["DIFFICULTIES", "ScriptedBot", "make_bot", "personalities"]
