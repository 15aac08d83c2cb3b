"""A game told as readable text, from the facilitator's side (everything is shown)."""

from __future__ import annotations

from collections.abc import Iterable

from game.events import Event
from game.scoring import scores
from game.state import GameState

_SKIP = frozenset({"pass"})


def tell(state: GameState, events: Iterable[Event]) -> str:
    """The story of a finished game: rounds, news, offers, actions and the outcome."""
    lines: list[str] = []
    for e in events:
        if e.kind in _SKIP:
            continue
        if e.kind == "phase":
            if e.text.endswith("negotiate phase."):
                lines.append("")
                lines.append(f"== {e.text.split(':')[0]} ==")
            continue
        private = "" if e.visible_to is None else "  [private]"
        prefix = {"news": "NEWS ", "tracks": "     ", "game_over": "\nOUTCOME: "}.get(
            e.kind, "  - "
        )
        lines.append(f"{prefix}{e.text}{private}")
    lines.append("")
    lines.append("Scores")
    for seat, sc in scores(state).items():
        lines.append(f"  {state.scenario.seat(seat).name:<14} {sc.total:6.1f}")
    return "\n".join(lines)
