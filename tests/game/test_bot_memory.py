"""A bot's memory is an immutable value: a decision returns a new one and changes nothing."""

from __future__ import annotations

import random

from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.bots.memory import Memory
from divestiture.game.engine import apply, start
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.types import SeatId
from divestiture.game.views import view_for

SC = load_scenario(DEFAULT_SCENARIO)


def test_deciding_again_on_the_same_memory_decides_the_same() -> None:
    """A decision is a pure function of the view and the memory: the memory it started
    from is left as it was, so deciding again from it gives the very same decision."""
    players = player_factory(SC, "scripted", None, "normal")
    for seed in game_seeds(2, 5):
        record = play_game(SC, seed, players)
        bots = {seat: players[seat](seat, random.Random(0)) for seat in SC.seat_ids}
        memories = {seat: bot.first_memory for seat, bot in bots.items()}
        state = start(SC, seed).state
        for actor, action in record.log[:80]:
            seat = SeatId(actor)
            bot, memory = bots[seat], memories[seat]
            before = memory.to_json()
            first = bot.decide(view_for(state, seat), memory)
            assert memory.to_json() == before  # nothing changed it
            assert bot.decide(view_for(state, seat), memory) == first
            memories[seat] = first.memory
            state = apply(state, seat, action).state


def test_a_memory_round_trips_through_json() -> None:
    """What the server stores with a bot's move reads back as the same memory."""
    players = player_factory(SC, "scripted", None, "hard")
    record = play_game(SC, 4, players)
    bots = {seat: players[seat](seat, random.Random(0)) for seat in SC.seat_ids}
    memories = {seat: bot.first_memory for seat, bot in bots.items()}
    state = start(SC, 4).state
    for actor, action in record.log:
        seat = SeatId(actor)
        memories[seat] = bots[seat].decide(view_for(state, seat), memories[seat]).memory
        state = apply(state, seat, action).state
    for seat, memory in memories.items():
        assert memory.said or memory.once, seat  # it has something to remember
        assert Memory.from_json(memory.to_json()) == memory


def test_the_generator_goes_on_where_the_memory_left_it() -> None:
    """A memory's generator draws what the generator it was made from would draw next."""
    rng = random.Random(11)
    memory = Memory.of(rng)
    assert [memory.generator().random() for _ in range(2)] == [rng.random()] * 2
