"""The client's screens: lobby, table and end. The app shows one at a time.

A screen builds its pygame_gui widgets in the app's manager when it is made and
removes them in ``kill``. The app feeds it pygame events (``handle``) and what
arrives from the connection (``receive``), asks it to lay itself out again on a
resize, and draws it only when ``dirty`` says something changed (or, while
``busy``, every frame).
"""

from __future__ import annotations

from typing import Protocol

import pygame

from divestiture.client.net import Inbound


class Screen(Protocol):
    """What the app needs from a screen."""

    dirty: bool  # something changed since the last draw

    def handle(self, event: pygame.event.Event) -> None:
        """A pygame or pygame_gui event (the app has already given it to the manager)."""

    def receive(self, item: Inbound) -> None:
        """Something from the connection: a view, events, an error, the link's status."""

    def resize(self, size: tuple[int, int]) -> None:
        """The window changed size: lay the widgets out again."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw what the screen paints itself; the app draws the widgets on top."""

    def tick(self, now: float) -> None:
        """Called once a frame with ``time.monotonic()`` (timers set ``dirty`` as they count)."""

    def busy(self) -> bool:
        """Whether the screen has work left for its next frames (the loop keeps drawing
        frames at its active rate until it is done)."""

    def kill(self) -> None:
        """Remove every widget this screen made."""
