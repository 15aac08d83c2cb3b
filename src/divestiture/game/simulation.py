"""Headless games: players act on their own seat's view until the game ends.

Pure: randomness comes from generators seeded by the game's seed, never the
global one, so a seed always plays out the same way.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from divestiture.game.actions import Action, Message, Pass, Propose, Statement, Terms, UseLever
from divestiture.game.bots.memory import Decision, Memory
from divestiture.game.engine import apply, start
from divestiture.game.errors import GameError
from divestiture.game.events import Event
from divestiture.game.moves import Actor
from divestiture.game.scenario import Scenario
from divestiture.game.scoring import scores
from divestiture.game.state import GameState
from divestiture.game.types import SeatId
from divestiture.game.views import GameView, view_for


class Player(Protocol):
    """Anything that picks an action from a seat's view, remembering between its
    decisions only the ``Memory`` each one returns."""

    @property
    def first_memory(self) -> Memory:
        """What it knows before its first decision."""
        ...

    def decide(self, view: GameView, memory: Memory) -> Decision: ...


@dataclass(frozen=True)
class RandomPlayer:
    """Picks a random kind of legal action, then a random example of it."""

    seat: SeatId
    first_memory: Memory

    @classmethod
    def make(cls, seat: SeatId, rng: random.Random) -> RandomPlayer:
        return cls(seat, Memory.of(rng))

    def decide(self, view: GameView, memory: Memory) -> Decision:
        rng = memory.generator()
        groups: dict[str, list[Action]] = {}
        for action in view.legal:
            key = action.lever if isinstance(action, UseLever) else action.type
            groups.setdefault(key, []).append(action)
        kind = rng.choice(sorted(groups))
        action = rng.choice(groups[kind])
        said = memory.said
        if isinstance(action, Message | Statement):
            # Distinct texts let tests trace where every private word goes.
            text = f"{self.seat} says #{len(said) + 1} in round {view.round}"
            action = action.model_copy(update={"text": text})
            said |= {text}
        elif isinstance(action, Propose):
            t = action.terms
            price = max(1, t.price + rng.randint(-6, 6))
            terms = Terms.model_validate(
                t.model_dump() | {"price": price, "rounds_to_close": rng.randint(1, 3)}
            )
            action = action.model_copy(update={"terms": terms})
        return Decision(action, replace(memory, rng=rng.getstate(), said=said))


@dataclass(frozen=True, slots=True)
class GameRecord:
    """A finished game: its seed, its final state and the log that replays it."""

    seed: int
    state: GameState
    log: tuple[tuple[Actor, Action], ...]
    events: tuple[Event, ...] = field(default=(), repr=False)
    refused: tuple[str, ...] = ()  # players' actions the rules refused (each became a pass)


PlayerFactory = Callable[[SeatId, random.Random], Player]


def make_players(
    seed: int,
    seats: Iterable[SeatId],
    make_player: PlayerFactory | Mapping[SeatId, PlayerFactory],
) -> dict[SeatId, Player]:
    """A player per seat, each with its own generator drawn from the game's seed."""
    rng = random.Random(f"players:{seed}")
    players: dict[SeatId, Player] = {}
    for seat in seats:
        factory = make_player[seat] if isinstance(make_player, Mapping) else make_player
        players[seat] = factory(seat, random.Random(rng.getrandbits(64)))
    return players


def play_game(
    scenario: Scenario,
    seed: int,
    make_player: PlayerFactory | Mapping[SeatId, PlayerFactory] = RandomPlayer.make,
    *,
    rounds: int | None = None,
    keep_events: bool = False,
    max_steps: int = 20_000,
    strict: bool = False,
) -> GameRecord:
    """Play one game to its end; seats act in turn, each on its own view."""
    opening = start(scenario, seed, rounds)
    state = opening.state
    players = make_players(seed, state.seats, make_player)
    memories = {seat: player.first_memory for seat, player in players.items()}
    log: list[tuple[Actor, Action]] = []
    refused: list[str] = []
    events: list[Event] = list(opening.events) if keep_events else []
    order = list(state.seats)
    turn = 0
    while not state.over:
        if len(log) >= max_steps:
            raise RuntimeError(f"game {seed} did not end in {max_steps} actions")
        waiting = [s for s in order if not state.seats[s].passed]
        seat = waiting[turn % len(waiting)]
        turn += 1
        action, memory = players[seat].decide(view_for(state, seat), memories[seat])
        try:
            step = apply(state, seat, action)
        except GameError as e:
            if strict:
                raise
            # A player's mistake must not stop a run: note it and pass instead; the
            # decision that did not happen is forgotten (its memory is not kept).
            refused.append(f"{seat}: {e.message}")
            action = Pass(rationale=f"fell back to pass: {e.message}"[:300])
            step = apply(state, seat, action)
        else:
            memories[seat] = memory
        state = step.state
        log.append((seat, action))
        if keep_events:
            events.extend(step.events)
    return GameRecord(seed, state, tuple(log), tuple(events), tuple(refused))


def seat_views(
    scenario: Scenario, seed: int, seat: SeatId, make_player: PlayerFactory | None = None
) -> list[GameView]:
    """``seat``'s view at the start of a seeded game between bots (scripted unless
    ``make_player`` says otherwise) and after each of its actions, up to its end."""
    record = play_game(scenario, seed, make_player or player_factory(scenario))
    state = start(scenario, seed).state
    views = [view_for(state, seat)]
    for who, action in record.log:
        state = apply(state, who, action).state
        if not state.over:
            views.append(view_for(state, seat))
    return views


PLAYER_KINDS = ("scripted", "random")


def player_factory(
    scenario: Scenario,
    default: str = "scripted",
    overrides: Mapping[SeatId, str] | None = None,
    difficulty: str = "normal",
) -> dict[SeatId, PlayerFactory]:
    """How each seat is played: ``scripted`` (a bot with a personality drawn per game),
    ``random``, or a personality id of that seat's bot.

    Raises:
        ValueError: an unknown seat, kind or difficulty, naming it.
    """
    from divestiture.game.bots import make_bot, personalities

    overrides = dict(overrides or {})
    for seat in overrides:
        if seat not in scenario.seat_ids:
            raise ValueError(f"'{seat}' is not a seat (choose from {', '.join(scenario.seat_ids)})")
    if difficulty not in scenario.bots.difficulties:
        raise ValueError(f"'{difficulty}' is not a difficulty (easy, normal, hard)")
    table: dict[SeatId, PlayerFactory] = {}
    for seat in scenario.seat_ids:
        kind = overrides.get(seat, default)
        if kind == "random":
            table[seat] = RandomPlayer.make
            continue
        personality = None if kind == "scripted" else kind
        if personality is not None and personality not in personalities(scenario, seat):
            choices = ", ".join((*PLAYER_KINDS, *personalities(scenario, seat)))
            raise ValueError(f"'{kind}' is not a way to play {seat} (choose from {choices})")

        def make(s: SeatId, rng: random.Random, p: str | None = personality) -> Player:
            return make_bot(scenario, s, rng, p, difficulty)

        table[seat] = make
    return table


def game_seeds(seed: int, games: int) -> list[int]:
    """The seeds of a run's games, derived from the run's seed."""
    rng = random.Random(seed)
    return [rng.getrandbits(32) for _ in range(games)]


@dataclass(frozen=True, slots=True)
class Summary:
    """Outcome counts and per-seat score statistics of a run."""

    games: int
    seed: int
    outcomes: dict[str, int]
    scores: dict[SeatId, dict[str, float]]

    def as_json(self) -> dict[str, object]:
        return {
            "games": self.games,
            "seed": self.seed,
            "outcomes": self.outcomes,
            "scores": self.scores,
        }


def summarise(scenario: Scenario, seed: int, records: Sequence[GameRecord]) -> Summary:
    """Count outcome classes and take each seat's mean, p10 and p90 score."""
    results = [
        (str(r.state.outcome), {seat: sc.total for seat, sc in scores(r.state).items()})
        for r in records
    ]
    return summarise_results(scenario, seed, results)


def summarise_results(
    scenario: Scenario, seed: int, results: Sequence[tuple[str, Mapping[SeatId, float]]]
) -> Summary:
    """The same summary from each game's outcome class and seat scores (e.g. remote games)."""
    outcomes = Counter(outcome for outcome, _ in results)
    per_seat: dict[SeatId, list[float]] = {}
    for _, totals in results:
        for seat, total in totals.items():
            per_seat.setdefault(seat, []).append(total)
    stats = {seat: _stats(values) for seat, values in per_seat.items()}
    ordered = {o.id: outcomes.get(o.id, 0) for o in scenario.outcomes}
    return Summary(len(results), seed, ordered, stats)


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 2),
        "p10": round(_quantile(ordered, 0.10), 2),
        "p90": round(_quantile(ordered, 0.90), 2),
    }


def _quantile(ordered: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
