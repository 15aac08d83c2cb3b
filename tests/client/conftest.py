"""Client tests run with no display and no sound card: SDL's dummy drivers."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest


@pytest.fixture
def display() -> Iterator[pygame.Surface]:
    """A 1280x800 window on the dummy driver, closed after the test."""
    pygame.init()
    surface = pygame.display.set_mode((1280, 800))
    try:
        yield surface
    finally:
        pygame.quit()
