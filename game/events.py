"""What happened, as readable lines, each with who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from game.types import FACILITATOR, SPECTATOR, SeatId, SheetId, Viewer


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened. ``visible_to`` None means public."""

    kind: str
    text: str
    visible_to: frozenset[SeatId] | None = None
    seat: SeatId | None = None
    sheet: SheetId | None = None

    def visible(self, viewer: Viewer) -> bool:
        """Whether ``viewer`` may see this event."""
        if viewer == FACILITATOR or self.visible_to is None:
            return True
        if viewer == SPECTATOR:
            return False
        return viewer in self.visible_to
