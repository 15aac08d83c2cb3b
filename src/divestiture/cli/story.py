"""A game told as readable text, from the facilitator's side (everything is shown)."""

from __future__ import annotations

from collections.abc import Iterable

from divestiture.game.events import Event
from divestiture.game.scoring import scores
from divestiture.game.state import GameState


def tell(state: GameState, events: Iterable[Event]) -> str:
    """The story of a game: rounds, news, offers, actions, private words and the outcome.

    A bot's rationale (seen only by the facilitator) is shown in brackets under the
    move it explains; passes are left out.
    """
    lines: list[str] = []
    why: str | None = None
    for e in events:
        if e.kind == "rationale":
            why = e.text.split(": ", 1)[-1]  # after "Seat does what: "
            continue
        if e.kind == "pass":
            why = None
            continue
        if e.kind == "phase":
            if e.text.endswith("negotiate phase."):
                lines += ["", f"== {e.text.split(':')[0]} =="]
            continue
        private = "  [private]" if e.visible_to is not None and e.kind != "intel" else ""
        if e.kind == "news":
            lines.append(f"NEWS {e.text}")
        elif e.kind == "tracks":
            lines.append(f"       ({e.text})")
        elif e.kind == "round_end":
            lines.append(f"  {e.text}")
        elif e.kind == "game_over":
            lines += ["", f"OUTCOME: {e.text}"]
        else:
            lines.append(f"  - {e.text}{private}")
            if why and e.kind not in ("message",):
                lines.append(f"       [why: {why}]")
                why = None
    lines += ["", "Scores"]
    for seat, sc in scores(state).items():
        lines.append(f"  {state.scenario.seat(seat).name:<14} {sc.total:6.1f}")
    return "\n".join(lines)
