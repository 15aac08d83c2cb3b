"""What happened, as readable lines, each with who may see it."""

from __future__ import annotations

from typing import NamedTuple

from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId, SheetId, Viewer


class Event(NamedTuple):
    """One thing that happened. ``visible_to`` None means public.

    A NamedTuple: immutable, and built at C speed (the engine makes several per action).
    """

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
