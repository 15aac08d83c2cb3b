"""No table stalls: with seats that never act and a phase timer, every game ends by its
deadline, and a deal never waits on an absent regulator past the phase it was signed in."""

from __future__ import annotations

import random

import pytest

from divestiture.game import DEFAULT_SCENARIO, FACILITATOR, load_scenario
from divestiture.game.actions import Timeout
from divestiture.game.engine import apply, start
from divestiture.game.simulation import game_seeds, make_players, player_factory
from divestiture.game.types import Phase, SeatId, SheetStatus
from divestiture.game.views import view_for

SC = load_scenario(DEFAULT_SCENARIO)


@pytest.mark.parametrize("chunk", range(4))
def test_games_with_absent_seats_end_by_their_deadline(chunk: int) -> None:
    """50 seeded games a chunk, each with a random set of seats that never act (the rest
    scripted bots): whenever only absent seats are left to act, the timer runs out. Every
    game ends by its deadline, and no deal is left awaiting the regulator after a resolve
    phase ends."""
    factory = player_factory(SC)
    for seed in game_seeds(100 + chunk, 50):
        rng = random.Random(seed)
        absent = {s for s in SC.seat_ids if rng.random() < 0.4}
        players = make_players(seed, SC.seat_ids, factory)
        memories = {s: p.first_memory for s, p in players.items()}
        state = start(SC, seed).state
        for _ in range(5_000):
            if state.over:
                break
            waiting = [s for s, st in state.seats.items() if not st.passed]
            present = [s for s in waiting if s not in absent]
            if present:
                seat = SeatId(present[0])
                action, memories[seat] = players[seat].decide(view_for(state, seat), memories[seat])
                state = apply(state, seat, action).state
                continue
            resolving = state.phase == Phase.RESOLVE
            state = apply(state, FACILITATOR, Timeout()).state
            if resolving and not state.over:
                assert all(s.status != SheetStatus.SIGNED for s in state.sheets), seed
        assert state.over, f"game {seed} did not end"
        assert state.round <= state.deadline, seed
