"""Balance of the scenario with scripted bots; writes docs/BALANCE.md.

    .venv/bin/python -m benchmarks.balance

The same numbers come from the command line, e.g.
``divest simulate --games 2000 --seed 7`` and, per seat S,
``divest simulate --games 300 --seed 5 --difficulty hard [--bot S=random]``.
"""

from __future__ import annotations

from benchmarks._doc import machine, write_section
from divestiture.cli.analyze import many
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Summary, game_seeds, play_game, player_factory, summarise
from divestiture.game.types import SeatId


def run(
    sc: Scenario, games: int, seed: int, difficulty: str, overrides: dict[SeatId, str] | None = None
) -> Summary:
    players = player_factory(sc, "scripted", overrides, difficulty)
    return summarise(sc, seed, [play_game(sc, s, players) for s in game_seeds(seed, games)])


def main() -> None:
    sc = load_scenario(DEFAULT_SCENARIO)
    lines = [
        "Made by `.venv/bin/python -m benchmarks.balance` "
        f"({machine()}). Every number is deterministic for its seed.",
        "",
        "## Outcomes and scores, 2,000 games",
        "",
        "`divest simulate --games 2000 --seed 7`: scripted bots in every seat, normal",
        "difficulty, each seat's personality drawn at random for each game.",
        "Targets: every outcome class 5-50% of games; every seat's mean score 35-65.",
        "",
        "| outcome | games | share | target |",
        "| --- | ---: | ---: | --- |",
    ]
    balance = run(sc, 2000, 7, "normal")
    for oid, count in balance.outcomes.items():
        share = count / balance.games
        ok = "met" if 0.05 <= share <= 0.50 else "MISSED"
        lines.append(f"| {sc.outcome(oid).name} | {count} | {100 * share:.1f}% | {ok} |")
    lines += ["", "| seat | mean | p10 | p90 | target |", "| --- | ---: | ---: | ---: | --- |"]
    for seat, st in balance.scores.items():
        ok = "met" if 35 <= st["mean"] <= 65 else "MISSED"
        cells = " | ".join(f"{st[k]:.1f}" for k in ("mean", "p10", "p90"))
        lines.append(f"| {sc.seat(seat).name} | {cells} | {ok} |")
    lines += [
        "",
        "## A hard bot against a random player, seat by seat",
        "",
        "300 games, seed 5, hard scripted bots in the other seats. The first column is",
        "`divest simulate --games 300 --seed 5 --difficulty hard`; the second adds",
        "`--bot SEAT=random`, the same opponents with that seat played by random legal moves.",
        "",
        "| seat | hard bot mean | random player mean | difference |",
        "| --- | ---: | ---: | ---: |",
    ]
    hard = run(sc, 300, 5, "hard")
    for seat in sc.seat_ids:
        rnd = run(sc, 300, 5, "hard", {seat: "random"})
        h, r = hard.scores[seat]["mean"], rnd.scores[seat]["mean"]
        lines.append(f"| {sc.seat(seat).name} | {h:.1f} | {r:.1f} | {h - r:+.1f} |")
    negotiation = many(sc, 1, 500)
    lines += [
        "",
        "## Negotiation, 500 games",
        "",
        "`divest analyze --games 500 --seed 1`: the deal space of every game (the deals the",
        "regulator could clear, each party's walk-away, the Pareto frontier and the Nash",
        "point: game/analysis.py) against the deal struck, if any. Target: within the games",
        "a deal party's deal closed, its deal's terms explain at least half of its score's",
        "variance.",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| games ending in a deal | {negotiation['agreement_rate']:.0%} |",
        "| ... of those where a deal would have left every party better off | "
        f"{negotiation['agreement_rate_when_possible']:.0%} |",
        "| games without a deal though one would have left every party better off | "
        f"{negotiation['missed_rate']:.0%} |",
        "| mean distance of the deal struck to the Pareto frontier (score points) | "
        f"{negotiation['mean_frontier_distance']:.1f} |",
        "| mean distance of the deal struck to the Nash point (score points) | "
        f"{negotiation['mean_nash_distance']:.1f} |",
        "",
        "| deal party | deals | variance the deal's terms explain | the outcome class | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for seat, row in negotiation["explained"].items():
        ok = "met" if row["terms"] >= 0.5 else "MISSED"
        lines.append(
            f"| {sc.seat(seat).name} | {row['deals']} | {row['terms']:.0%} |"
            f" {row['outcome_class']:.0%} | {ok} |"
        )
    lines += [
        "",
        "## How it was tuned",
        "",
        "Only the rules data moved (rules/tiktok_2020.yaml): market anchors, concession",
        "curves, personality traits (when the White House signs the order, how often buyers",
        "bid jointly, how much of what a ban would cost it a seller gives up as the ban",
        "nears), the difficulty levels' `deadline_sense`, the objectives a deal party scores",
        "with no deal, and how far a deal's surplus moves its score (`deal_utility.half`).",
        "No seat has a special case in code.",
    ]
    path = write_section("BALANCE.md", "balance", "\n".join(lines), "Balance")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
