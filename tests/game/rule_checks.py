"""Every rule checked at every step of a game, for any scenario and any players.

Modelled on OpenSpiel's random-simulation test. At every step: every legal action
of the seat to move applies (all of them in a ``deep`` game, the chosen one in
all); probe actions the rules should refuse are refused with a GameError and
change nothing, and any probe that is accepted was of a kind ``legal_actions``
offered; no view holds another seat's brief or a private message it is not party
to, and no view or event a seat may see names a term sheet it may not know of (one
it is not party to, and not public). At the end the game is over within its
deadline and replaying the log from the seed gives the same state.
``test_random_games`` plays the shipped scenario with random players;
``test_second_scenario`` plays another with scripted bots.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

from divestiture.game import (
    FACILITATOR,
    SPECTATOR,
    Action,
    GameError,
    GameState,
    Pass,
    Propose,
    Reject,
    Scenario,
    SeatId,
    Sign,
    Stake,
    StaleVersion,
    Statement,
    Terms,
    Timeout,
    UseLever,
    Withdraw,
    apply,
    can_act,
    legal_actions,
    replay,
    view_for,
)
from divestiture.game.checks import sheet_known
from divestiture.game.engine import start
from divestiture.game.events import Event, MessageSent
from divestiture.game.narration import event_text
from divestiture.game.simulation import Player
from divestiture.game.types import Algorithm, Mitigation, Scope, SheetId, Viewer

MAX_STEPS = 5_000


def _group(action: Action) -> str:
    return action.lever if isinstance(action, UseLever) else action.type


def _probes(rng: random.Random, state: GameState) -> list[tuple[str, Action]]:
    """Actions by random seats that the rules should mostly refuse."""
    sc = state.scenario
    seats = list(state.seats)
    sheet_ids = [s.id for s in state.sheets] + [SheetId("ts-999")]
    levers = [*sc.levers, "no_such_lever"]
    buyers = sc.roles.buyers
    bids = [(b,) for b in buyers] + ([buyers] if len(buyers) > 1 else [])
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
            bid = rng.choice(bids)
            share = 100 // len(bid)
            action = Propose(
                terms=Terms(
                    buyers=tuple(
                        Stake(seat=SeatId(b), percent=share + (100 - share * len(bid)) * (i == 0))
                        for i, b in enumerate(bid)
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


_PUBLIC = {"signed", "cleared", "blocked", "closed"}


def _check_views(state: GameState, as_json: bool, said: Mapping[str, frozenset[str]]) -> None:
    """No seat or spectator sees another seat's brief or a private message not its own."""
    briefs = {s: state.seats[s].brief_text for s in state.seats}
    viewers: list[Viewer] = [*state.seats, SPECTATOR]
    for viewer in viewers:
        view = view_for(state, viewer, with_legal=False)
        assert view.seed is None
        if not state.over:
            assert view.briefs == ()
        if viewer == SPECTATOR:
            assert view.brief is None
            assert view.messages == ()
            assert view.notes == () and view.findings == ()
        else:
            assert view.brief is not None and view.brief.seat == viewer
            assert all(viewer == m.sender or viewer in m.to for m in view.messages)
        assert all(sh.status in _PUBLIC or viewer in sh.parties for sh in view.sheets)
        known = _known_sheets(state, viewer)
        assert all(sh.replaces is None or sh.replaces in known for sh in view.sheets)
        if as_json:
            text = view.model_dump_json()
            named = set(_SHEET_ID.findall(text))
            assert named <= known, f"{viewer} is told of {sorted(named - known)}"
            for other, brief in briefs.items():
                if other != viewer and not state.over:
                    assert brief not in text, f"{viewer} sees {other}'s brief"
            for secret_text, parties in said.items():
                if viewer not in parties:
                    assert secret_text not in text, f"{viewer} sees {secret_text!r}"


_SHEET_ID = re.compile(r"\bts-\d+\b")


def _known_sheets(state: GameState, viewer: Viewer) -> set[str]:
    """The sheets ``viewer`` may know of: those it is party to, and the public ones."""
    seat = SeatId(viewer) if viewer in state.seats else None
    return {sh.id for sh in state.sheets if sheet_known(sh, seat)}


def _check_event_sheets(state: GameState, events: tuple[Event, ...]) -> None:
    """Every event a seat or a spectator may see names only sheets it may know of, in
    its data and in its words (``state``: the state the events led to)."""
    sc = state.scenario
    viewers: list[Viewer] = [*state.seats, SPECTATOR]
    for event in events:
        named = set(_SHEET_ID.findall(event.data.model_dump_json()))
        named |= set(_SHEET_ID.findall(event_text(sc, event.data)))
        if event.kind == "rationale" or not named:
            continue  # a seat's reasons are for it and the facilitator only
        for viewer in viewers:
            if event.visible(viewer):
                known = _known_sheets(state, viewer)
                assert named <= known, f"{viewer} is told of {sorted(named - known)}: {event}"


def play_and_check(
    scenario: Scenario,
    seed: int,
    players: Mapping[SeatId, Player],
    rng: random.Random,
    *,
    deep: bool,
) -> GameState:
    """Play one game of ``scenario`` to its end, the waiting seats' ``players`` deciding
    in turn, and check every rule at every step (the module's docstring); ``rng`` draws
    the probes, and a ``deep`` game checks every legal action and every view as JSON.
    Returns the final state."""
    state = start(scenario, seed).state
    memories = {s: player.first_memory for s, player in players.items()}
    log: list[tuple[SeatId | str, Action]] = []
    said: dict[str, frozenset[str]] = {}  # private text -> the seats that may see it
    public: set[str] = set()  # texts said in public as well: anyone may see them
    turn = 0
    while not state.over:
        assert len(log) < MAX_STEPS, f"game {seed} does not end"
        _check_views(state, as_json=deep or turn % 25 == 0, said=said)
        for probe_seat, probe in _probes(rng, state):
            fingerprint = repr(state) if deep else None
            try:
                probed = apply(state, probe_seat, probe)
            except GameError as e:
                assert e.code and e.message
                assert fingerprint is None or repr(state) == fingerprint
                if isinstance(probe, Pass) and probe.version not in (None, state.version):
                    assert isinstance(e, StaleVersion)
            else:
                allowed = {_group(a) for a in legal_actions(state, SeatId(probe_seat))}
                assert _group(probe) in allowed, f"{probe!r} accepted but not offered"
                _check_event_sheets(probed.state, probed.events)
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
        step = apply(state, seat, action)  # the player's choice is one the rules accept
        assert step.state.version == state.version + 1
        if isinstance(action, Statement):
            public.add(action.text)
            said.pop(action.text, None)
        for event in step.events:
            # Scripted players say the same line to several seats: each may see it.
            data, seen_by = event.data, event.visible_to
            if isinstance(data, MessageSent) and seen_by is not None and data.text not in public:
                said[data.text] = said.get(data.text, frozenset()) | seen_by
        _check_event_sheets(step.state, step.events)
        state = step.state
        log.append((seat, action))
    _check_views(state, as_json=True, said=said)
    assert state.outcome is not None
    assert state.round <= state.deadline
    assert state.deadline <= scenario.rounds.count + sum(
        lv.extend_rounds for lv in scenario.levers.values() if lv.once
    )
    assert replay(scenario, seed, log) == state
    view = view_for(state, FACILITATOR)
    assert len(view.briefs) == len(state.seats) and view.seed == seed
    return state
