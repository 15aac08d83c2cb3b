"""``divest analyze``: the maths of a game's deals, or of many games' (game/analysis.py)."""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from divestiture.cli.options import scenario_option
from divestiture.game.actions import Action
from divestiture.game.analysis import Analysis, DealSpace, Point, analyse
from divestiture.game.moves import Actor
from divestiture.game.scenario import Scenario, ScenarioError, load_scenario
from divestiture.game.scoring import scores, toward
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import SeatId
from divestiture.game.wording import terms_text


@click.command()
@click.option("--seed", type=int, help="A seeded game between bots (with --games: the run's seed).")
@click.option("--games", type=click.IntRange(min=1), help="Many seeded games: their figures.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A server's data directory (with --room).",
)
@click.option("--room", help="A room's code on the server's data (with --data).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@scenario_option
def analyze(  # noqa: PLR0917 - one parameter per option
    seed: int | None,
    games: int | None,
    data_dir: Path | None,
    room: str | None,
    as_json: bool,
    rules_path: Path,
) -> None:
    """The deal space of a game: each party's walk-away, the zone of possible agreement,
    the Pareto frontier and the Nash point, and how the deal struck compares."""
    if (data_dir is None) != (room is None):
        raise click.UsageError("--data and --room go together")
    if room is not None and (seed is not None or games is not None):
        raise click.UsageError("give either --data and --room, or --seed [--games]")
    if room is None and seed is None:
        raise click.UsageError("give --seed (and --games for many games), or --data and --room")
    if games is not None:
        sc = _scenario(rules_path)
        out = many(sc, int(seed or 0), games)
        click.echo(json.dumps(out, indent=2) if as_json else many_text(sc, out))
        return
    waits = False
    if room is not None and data_dir is not None:
        sc, game_seed, log, rounds, waits = _stored(data_dir, room)
    else:
        sc = _scenario(rules_path)
        game_seed = int(seed or 0)
        log = list(play_game(sc, game_seed, player_factory(sc)).log)
        rounds = None
    found = analyse(sc, game_seed, log, rounds=rounds, wait_for_start=waits)
    click.echo(json.dumps(to_json(found), indent=2) if as_json else one_text(sc, found))


def _scenario(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)


def _stored(
    data_dir: Path, code: str
) -> tuple[Scenario, int, list[tuple[Actor, Action]], int | None, bool]:
    """A room's scenario, seed, log and rounds from a server's data directory, and
    whether its week waited for the teacher (a class's table)."""
    from divestiture.game.scenario import SCENARIO_DIR
    from divestiture.server.protocol import RoomOptions
    from divestiture.server.store import DB_FILE, Store

    path = data_dir / DB_FILE
    if not path.is_file():
        raise click.BadParameter(f"{path} does not exist", param_hint="'--data'")
    store = Store(path)
    try:
        record = store.load(code.upper())
    finally:
        store.close()
    if record is None:
        raise click.BadParameter(
            f"there is no room {code.upper()} in {path}", param_hint="'--room'"
        )
    sc = _scenario(SCENARIO_DIR / f"{record.scenario}.yaml")
    options = RoomOptions.model_validate_json(record.options)
    log = [(a.actor, a.action) for a in record.actions]
    return sc, record.seed, log, options.rounds, options.start == "teacher"


# --- one game -------------------------------------------------------------------------------


def one_text(sc: Scenario, found: Analysis) -> str:
    """The analysis of one game, as a teacher reads it."""
    names = sc.seat_name
    lines = [f"The deal space at version {found.version}."]
    floors = ", ".join(f"{sc.scope_names[s]} ${p:.0f}B" for s, p in found.walk_away_price.items())
    lines.append(f"{names(found.seller)}'s walk-away price, keeping the algorithm: {floors}.")
    for space in found.spaces:
        who = " + ".join(names(p) for p in space.parties)
        walk = ", ".join(
            f"{names(p)} {w:.0f}" for p, w in zip(space.parties, space.walk_away, strict=True)
        )
        lines += ["", f"{who}: with no deal, {walk}."]
        if not space.zones:
            lines.append("  No price leaves every party better off: there is no deal to make.")
        for zone in space.zones:
            algorithm = sc.algorithm_names[zone.algorithm]
            lines.append(
                f"  Zone of agreement for {sc.scope_names[zone.scope]}: "
                f"${zone.low:.1f}B to ${zone.high:.1f}B (algorithm {algorithm})."
            )
        lines.append(f"  Pareto frontier: {len(space.frontier)} deals.")
        if space.nash is not None:
            lines.append(f"  Nash point: {_point(sc, space, space.nash)}")
    lines.append("")
    if found.agreed is not None and found.agreed_space is not None:
        lines.append(f"The deal struck: {_point(sc, found.agreed_space, found.agreed)}")
        frontier, nash = found.frontier_distance, found.nash_distance
        lines.append(
            "  No Pareto frontier: no deal of these parties would have left each as well off"
            " as no deal."
            if frontier is None
            else f"  {frontier:.1f} points from the frontier,"
            + (" with no Nash point." if nash is None else f" {nash:.1f} from the Nash point.")
        )
    elif found.missed:
        lines.append("No deal was struck, though one would have left every party better off.")
    else:
        lines.append("No deal was struck, and none would have left every party better off.")
    return "\n".join(lines)


def _point(sc: Scenario, space: DealSpace, point: Point) -> str:
    scored = ", ".join(
        f"{sc.seat_name(p)} {s:.0f}" for p, s in zip(space.parties, point.scores, strict=True)
    )
    return f"{terms_text(sc, point.terms, closed=True)} ({scored})."


def to_json(found: Analysis) -> dict[str, Any]:
    """The analysis as JSON-ready data."""

    def point(p: Point | None) -> dict[str, Any] | None:
        return (
            None
            if p is None
            else {"terms": p.terms.model_dump(mode="json"), "scores": list(p.scores)}
        )

    return {
        "version": found.version,
        "seller_walk_away_price": {s.value: p for s, p in found.walk_away_price.items()},
        "spaces": [
            {
                "parties": list(s.parties),
                "walk_away": list(s.walk_away),
                "zones": [
                    {
                        "scope": z.scope.value,
                        "algorithm": z.algorithm.value,
                        "low": z.low,
                        "high": z.high,
                    }
                    for z in s.zones
                ],
                "frontier": [point(p) for p in s.frontier],
                "nash": point(s.nash),
            }
            for s in found.spaces
        ],
        "agreed": point(found.agreed),
        "frontier_distance": found.frontier_distance,
        "nash_distance": found.nash_distance,
        "missed": found.missed,
    }


# --- many games -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Party:
    """One deal party's score in one game that ended in its deal."""

    seat: SeatId
    total: float
    share: float  # how far its surplus took it (scoring.toward)
    outcome: str


def many(sc: Scenario, seed: int, games: int) -> dict[str, Any]:
    """The figures of ``games`` seeded games between scripted bots."""
    players = player_factory(sc)
    deals, possible, struck_possible, missed = 0, 0, 0, 0
    frontier: list[float] = []
    nash: list[float] = []
    parties: list[_Party] = []
    for game_seed in game_seeds(seed, games):
        record = play_game(sc, game_seed, players)
        found = analyse(sc, game_seed, record.log)
        could = any(s.possible for s in found.spaces)
        possible += could
        if found.agreed is not None:
            deals += 1
            struck_possible += could
            frontier.append(found.frontier_distance or 0.0)
            if found.nash_distance is not None:
                nash.append(found.nash_distance)
            parties += _deal_parties(record.state)
        missed += found.missed
    return {
        "games": games,
        "seed": seed,
        "agreement_rate": deals / games,
        "agreement_rate_when_possible": struck_possible / possible if possible else None,
        "missed_rate": missed / games,
        "mean_frontier_distance": statistics.mean(frontier) if frontier else None,
        "mean_nash_distance": statistics.mean(nash) if nash else None,
        "explained": explained(parties),
    }


def _deal_parties(state: GameState) -> list[_Party]:
    out = []
    for seat, score in scores(state).items():
        if score.surplus is not None:
            half = state.scenario.deal_utility.half[seat]
            out.append(_Party(seat, score.total, toward(score.surplus, half), str(state.outcome)))
    return out


def explained(parties: Sequence[_Party]) -> dict[str, dict[str, float]]:
    """For each deal party, over the games that ended in its deal: the share of its score's
    variance the deal's terms explain (its surplus over its walk-away, on the score's own
    scale) and the share the outcome class explains."""
    by_seat: dict[SeatId, list[_Party]] = defaultdict(list)
    for p in parties:
        by_seat[p.seat].append(p)
    return {
        seat: {
            "deals": len(rows),
            "terms": _r2([r.share for r in rows], [r.total for r in rows]),
            "outcome_class": _between([r.outcome for r in rows], [r.total for r in rows]),
        }
        for seat, rows in by_seat.items()
    }


def _r2(x: Sequence[float], y: Sequence[float]) -> float:
    """The share of y's variance a straight line in x explains."""
    if len(x) < 2:
        return 0.0
    mx, my = statistics.mean(x), statistics.mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy * sxy / (sxx * syy) if sxx and syy else 0.0


def _between(groups: Sequence[str], y: Sequence[float]) -> float:
    """The share of y's variance the groups' means explain."""
    if len(y) < 2:
        return 0.0
    my = statistics.mean(y)
    total = sum((b - my) ** 2 for b in y)
    by: dict[str, list[float]] = defaultdict(list)
    for g, b in zip(groups, y, strict=True):
        by[g].append(b)
    between = sum(len(v) * (statistics.mean(v) - my) ** 2 for v in by.values())
    return between / total if total else 0.0


def many_text(sc: Scenario, out: dict[str, Any]) -> str:
    """The figures of many games, with the negotiation table."""

    def pct(x: float | None) -> str:
        return "-" if x is None else f"{x:.0%}"

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.1f}"

    lines = [
        f"{out['games']} games between scripted bots, seed {out['seed']}.",
        f"Agreement: {pct(out['agreement_rate'])} of games ended in a deal;"
        f" {pct(out['agreement_rate_when_possible'])} of those where a deal would have"
        " left every party better off.",
        f"Missed: {pct(out['missed_rate'])} of games ended without a deal though one would"
        " have left every party better off.",
        f"The deals struck were {num(out['mean_frontier_distance'])} points from the Pareto"
        f" frontier and {num(out['mean_nash_distance'])} from the Nash point, on average"
        " (in the parties' scores).",
        "",
        "Within the games a deal party's deal closed, the share of its score's variance",
        "explained by the deal's terms (its surplus over its walk-away) and by the outcome class:",
        "",
        "| deal party | deals | terms | outcome class |",
        "| --- | ---: | ---: | ---: |",
    ]
    for seat, row in out["explained"].items():
        terms, outcome = f"{row['terms']:.0%}", f"{row['outcome_class']:.0%}"
        lines.append(f"| {sc.seat_name(seat)} | {row['deals']} | {terms} | {outcome} |")
    return "\n".join(lines)
