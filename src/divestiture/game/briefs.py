"""Confidential briefs: drawn from the rules' ranges with the game's seeded generator."""

from __future__ import annotations

import random

from divestiture.game.scenario import Choice, NumberRange, Scenario
from divestiture.game.types import SeatId

BriefValue = float | tuple[str, ...]


def draw_briefs(scenario: Scenario, rng: random.Random) -> dict[SeatId, dict[str, BriefValue]]:
    """Draw every seat's brief, in the file's order, so a seed always gives the same briefs."""
    briefs: dict[SeatId, dict[str, BriefValue]] = {}
    for seat in scenario.seat_ids:
        drawn: dict[str, BriefValue] = {}
        for name, spec in scenario.briefs.get(seat, {}).items():
            drawn[name] = _draw(spec, rng, drawn)
        briefs[seat] = drawn
    return briefs


def _draw(
    spec: NumberRange | Choice, rng: random.Random, drawn: dict[str, BriefValue]
) -> BriefValue:
    if isinstance(spec, NumberRange):
        steps = round((spec.max - spec.min) / spec.step)
        base = drawn[spec.above] if spec.above is not None else 0.0
        assert isinstance(base, float), spec.above  # the loader checks it names a number
        return round(base + spec.min + rng.randint(0, steps) * spec.step, 6)
    picked = rng.sample(spec.choose_from, min(spec.pick, len(spec.choose_from)))
    return tuple(sorted(picked))


def brief_text(scenario: Scenario, seat: SeatId, brief: dict[str, BriefValue]) -> str:
    """The seat's brief as prose, with its drawn values filled in."""
    # A list of data or governance terms reads as the names players see elsewhere.
    names: dict[str, str] = {m.value: name for m, name in scenario.mitigation_names.items()}
    values = {
        k: (", ".join(names.get(x, x) for x in v) if isinstance(v, tuple) else v)
        for k, v in brief.items()
    }
    try:
        return scenario.seat(seat).brief.format_map(values)
    except (KeyError, ValueError) as e:  # a placeholder the brief does not have
        return f"{scenario.seat(seat).brief} [brief text has a bad placeholder: {e}]"
