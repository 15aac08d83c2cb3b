"""The key property test: many seeded random games keep every rule.

Modelled on OpenSpiel's random-simulation test. For each game, at every step:
every legal action of the seat to move applies (all of them in a sample of
games, the chosen one in all); probe actions the rules should refuse are
refused with a GameError and change nothing, and any probe that is accepted was
of a kind ``legal_actions`` offered; no view holds another seat's brief or a
private message it is not party to. At the end the game is over within its
deadline and replaying the log from the seed gives the same state.
"""

from __future__ import annotations

import random

import pytest

from divestiture.game import (
    DEFAULT_SCENARIO,
    FACILITATOR,
    SPECTATOR,
    Action,
    GameError,
    GameState,
    Pass,
    Propose,
    Reject,
    SeatId,
    Sign,
    Stake,
    StaleVersion,
    Terms,
    Timeout,
    UseLever,
    Withdraw,
    apply,
    can_act,
    legal_actions,
    load_scenario,
    replay,
    view_for,
)
from divestiture.game.briefs import brief_text
from divestiture.game.engine import start
from divestiture.game.events import MessageSent
from divestiture.game.simulation import RandomPlayer, game_seeds
from divestiture.game.types import Algorithm, Mitigation, Scope, SheetId, Viewer

GAMES = 500
CHUNKS = 10
DEEP_EVERY = 25  # one game in 25 checks every legal action and every view as JSON
MAX_STEPS = 5_000

SCENARIO = load_scenario(DEFAULT_SCENARIO)
SEEDS = game_seeds(20201, GAMES)
MICROSOFT, INVESTORS = SeatId("microsoft"), SeatId("investors")


def _group(action: Action) -> str:
    return action.lever if isinstance(action, UseLever) else action.type


def _probes(rng: random.Random, state: GameState) -> list[tuple[str, Action]]:
    """Actions by random seats that the rules should mostly refuse."""
    seats = list(state.seats)
    sheet_ids = [s.id for s in state.sheets] + [SheetId("ts-999")]
    levers = [*SCENARIO.levers, "no_such_lever"]
    probes: list[tuple[str, Action]] = []
    for _ in range(3):
        seat = rng.choice(seats)
        kind = rng.randrange(6)
        if kind == 0:
            lever = rng.choice(levers)
            options = [None, "us", "global", "ban", "nonsense"]
            mitigations = rng.sample(list(Mitigation), rng.randrange(3))
            action: Action = UseLever(
                lever=lever,
                option=rng.choice(options),
                sheet=rng.choice([None, *sheet_ids]),
                mitigations=tuple(mitigations),
            )
        elif kind == 1:
            sheet = SheetId(rng.choice(sheet_ids))
            moves: list[Action] = [Sign(sheet=sheet), Reject(sheet=sheet), Withdraw(sheet=sheet)]
            action = rng.choice(moves)
        elif kind == 2:
            buyers = rng.choice([(MICROSOFT,), (INVESTORS,), (MICROSOFT, INVESTORS)])
            share = 100 // len(buyers)
            action = Propose(
                terms=Terms(
                    buyers=tuple(
                        Stake(
                            seat=SeatId(b), percent=share + (100 - share * len(buyers)) * (i == 0)
                        )
                        for i, b in enumerate(buyers)
                    ),
                    seller_stake=0,
                    scope=rng.choice(list(Scope)),
                    price=rng.choice([1, 20, 30, 250]),
                    algorithm=rng.choice(list(Algorithm)),
                    rounds_to_close=rng.choice([1, 2, 9]),
                ),
                replaces=rng.choice([None, *sheet_ids]),
            )
        elif kind == 3:
            action = Timeout()
        elif kind == 4:
            action = Pass(version=max(0, state.version - 1))
        else:
            action = Pass()
        probes.append((seat, action))
    return probes


def _check_views(state: GameState, as_json: bool, said: dict[str, frozenset[str]]) -> None:
    """No seat or spectator sees another seat's brief or a private message not its own."""
    briefs = {s: brief_text(SCENARIO, s, dict(state.seats[s].brief)) for s in state.seats}
    viewers: list[Viewer] = [*state.seats, SPECTATOR]
    for viewer in viewers:
        view = view_for(state, viewer, with_legal=False)
        assert view.seed is None
        if not state.over:
            assert view.briefs == ()
        if viewer == SPECTATOR:
            assert view.brief is None
            assert view.messages == ()
            assert view.notes == ()
        else:
            assert view.brief is not None and view.brief.seat == viewer
            assert all(viewer == m.sender or viewer in m.to for m in view.messages)
        assert all(sh.status in _PUBLIC or viewer in sh.parties for sh in view.sheets)
        if as_json:
            text = view.model_dump_json()
            for other, brief in briefs.items():
                if other != viewer and not state.over:
                    assert brief not in text, f"{viewer} sees {other}'s brief"
            for secret_text, parties in said.items():
                if viewer not in parties:
                    assert secret_text not in text, f"{viewer} sees {secret_text!r}"


_PUBLIC = {"signed", "cleared", "blocked", "closed"}


def _play_and_check(seed: int, deep: bool) -> None:
    state = start(SCENARIO, seed).state
    rng = random.Random(seed)
    players = {s: RandomPlayer.make(s, random.Random(rng.getrandbits(32))) for s in state.seats}
    memories = {s: player.first_memory for s, player in players.items()}
    log: list[tuple[SeatId | str, Action]] = []
    said: dict[str, frozenset[str]] = {}  # private text -> who may see it
    turn = 0
    while not state.over:
        assert len(log) < MAX_STEPS, f"game {seed} does not end"
        _check_views(state, as_json=deep or turn % 25 == 0, said=said)
        for probe_seat, probe in _probes(rng, state):
            fingerprint = repr(state) if deep else None
            try:
                apply(state, probe_seat, probe)
            except GameError as e:
                assert e.code and e.message
                assert fingerprint is None or repr(state) == fingerprint
                if isinstance(probe, Pass) and probe.version not in (None, state.version):
                    assert isinstance(e, StaleVersion)
            else:
                allowed = {_group(a) for a in legal_actions(state, SeatId(probe_seat))}
                assert _group(probe) in allowed, f"{probe!r} accepted but not offered"
        waiting = [s for s in state.seats if can_act(state, s)]
        assert waiting, "nobody can act in an unfinished game"
        seat = waiting[turn % len(waiting)]
        turn += 1
        view = view_for(state, seat)
        assert view.legal, f"{seat} may act but has no legal action"
        if deep:
            for legal in view.legal:
                apply(state, seat, legal)  # every legal action applies
        action, memories[seat] = players[seat].decide(view, memories[seat])
        step = apply(state, seat, action)
        assert step.state.version == state.version + 1
        for event in step.events:
            if isinstance(event.data, MessageSent) and event.visible_to is not None:
                said[event.data.text] = event.visible_to
        state = step.state
        log.append((seat, action))
    _check_views(state, as_json=True, said=said)
    assert state.outcome is not None
    assert state.round <= state.deadline
    assert state.deadline <= SCENARIO.rounds.count + sum(
        lv.extend_rounds for lv in SCENARIO.levers.values() if lv.once
    )
    assert replay(SCENARIO, seed, log) == state
    view = view_for(state, FACILITATOR)
    assert len(view.briefs) == len(state.seats) and view.seed == seed


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_games_keep_every_rule(chunk: int) -> None:
    """A tenth of the 500 seeded random games, each checked at every step."""
    size = GAMES // CHUNKS
    for i in range(chunk * size, (chunk + 1) * size):
        _play_and_check(SEEDS[i], deep=i % DEEP_EVERY == 0)


def test_random_games_reach_several_outcomes() -> None:
    """Random play reaches at least three outcome classes over 100 games."""
    from divestiture.game.simulation import play_game

    outcomes = {play_game(SCENARIO, s).state.outcome for s in SEEDS[:100]}
    assert len(outcomes) >= 3, outcomes
