"""How long a room's work in the background waits after a failure before trying again.

A bot's move, the timer's end of a phase and the bots that take empty seats all go
through the store. When it fails (a full disk, a locked database) each waits and tries
again, twice as long after each failure in a row up to RETRY_MOST: a failing store is
not hammered, and one that recovers is soon used again.
"""

from __future__ import annotations

RETRY_FIRST, RETRY_MOST = 1.0, 30.0  # seconds


class Backoff:
    """The waits after failures in a row: RETRY_FIRST, then twice as long each time."""

    def __init__(self) -> None:
        self._next = RETRY_FIRST  # read when made, not imported: tests shorten it

    def wait(self) -> float:
        """How long to wait after this failure (after the next, twice as long)."""
        wait = self._next
        self._next = min(2 * wait, RETRY_MOST)
        return wait

    def reset(self) -> None:
        """It worked: the next failure waits RETRY_FIRST again."""
        self._next = RETRY_FIRST
