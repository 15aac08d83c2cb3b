"""Due diligence: a buyer learns roughly what the seller will sell the US business for."""

from __future__ import annotations

import random

from divestiture.game.actions import UseLever
from divestiture.game.changes import set_seat
from divestiture.game.events import Event, Finding
from divestiture.game.mechanics.base import Mechanic
from divestiture.game.scenario import Lever
from divestiture.game.state import GameState
from divestiture.game.types import SeatId


class DueDiligence(Mechanic):
    """A range ``noise`` wide in which the brief value ``reveals`` lies (rules:
    ``due_diligence``), for the seat alone, kept with its findings."""

    name = "due_diligence"

    def apply(
        self,
        state: GameState,
        seat: SeatId,
        lever: Lever,
        action: UseLever,
        events: list[Event],
    ) -> GameState:
        sc = state.scenario
        dd = sc.due_diligence
        # Seeded by the game and the version, so a replay learns the same estimate.
        rng = random.Random(f"{state.seed}:{state.version}:{seat}")
        truth = state.number(sc.roles.seller, dd.reveals)
        low = truth - rng.randint(0, dd.noise)
        finding = Finding(
            seat=seat,
            round=state.round,
            seller=sc.roles.seller,
            low=round(low),
            high=round(low + dd.noise),
        )
        events.append(Event(finding, frozenset({seat})))
        return set_seat(state, seat, findings=(*state.seats[seat].findings, finding))
