"""A remembered player shares the rules it holds and copies what it can change."""

from __future__ import annotations

import random

from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.bots import make_bot
from divestiture.game.types import SeatId
from divestiture.server.memory import remember

SC = load_scenario(DEFAULT_SCENARIO)


def test_a_remembered_bot_shares_its_rules_and_copies_its_own_state() -> None:
    bot = make_bot(SC, SeatId("microsoft"), random.Random(3), None, "normal")
    bot.done.add("propose")
    twin = remember(bot)
    # The frozen rules are shared: copying the scenario at every decision would be slow.
    assert twin.sc is bot.sc
    assert twin.p is bot.p
    assert twin.curve is bot.curve
    # What the bot changes as it plays is its twin's own.
    assert twin.done == {"propose"}
    assert twin.done is not bot.done
    assert twin.rng is not bot.rng
    assert twin.rng.random() == bot.rng.random()
    twin.done.add("sign")
    assert bot.done == {"propose"}
