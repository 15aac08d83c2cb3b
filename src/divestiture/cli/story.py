"""A game told as readable text, from the facilitator's side (everything is shown)."""

from __future__ import annotations

from collections.abc import Iterable

from divestiture.game.events import Event, Passed, PhaseBegan, Reason
from divestiture.game.narration import event_text
from divestiture.game.scoring import scores
from divestiture.game.state import GameState
from divestiture.game.types import Phase
from divestiture.game.wording import day_name


def tell(state: GameState, events: Iterable[Event]) -> str:
    """The story of a game: rounds, news, offers, actions, private words and the outcome.

    A bot's rationale (seen only by the facilitator) is shown in brackets under the
    move it explains; passes are left out.
    """
    sc = state.scenario
    lines: list[str] = []
    why: str | None = None
    for e in events:
        data = e.data
        if isinstance(data, Reason):
            why = data.action.rationale
            continue
        if isinstance(data, Passed):
            why = None
            continue
        if isinstance(data, PhaseBegan):
            if data.phase == Phase.NEGOTIATE:
                lines += ["", f"== {day_name(sc, data.round)} =="]
            continue
        text = event_text(sc, data)
        private = "  [private]" if e.visible_to is not None and e.kind != "intel" else ""
        if e.kind == "news":
            lines.append(f"NEWS {text}")
        elif e.kind == "tracks":
            lines.append(f"       ({text})")
        elif e.kind == "round_end":
            lines.append(f"  {text}")
        elif e.kind == "game_over":
            lines += ["", f"OUTCOME: {text}"]
        else:
            lines.append(f"  - {text}{private}")
            if why and e.kind != "message":
                lines.append(f"       [why: {why}]")
                why = None
    lines += ["", "Scores"]
    for seat, score in scores(state).items():
        lines.append(f"  {sc.seat(seat).name:<14} {score.total:6.1f}")
    return "\n".join(lines)
