"""Client tests run with no display and no sound card: SDL's dummy drivers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest

from divestiture.client.embedded import EmbeddedServer
from tests.client.console import HOST_TOKEN


@pytest.fixture
def display() -> Iterator[pygame.Surface]:
    """A 1280x800 window on the dummy driver, closed after the test."""
    pygame.init()
    surface = pygame.display.set_mode((1280, 800))
    try:
        yield surface
    finally:
        pygame.quit()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A classroom server on its own thread (opening rooms and classes with HOST_TOKEN),
    stopped after the test."""
    srv = EmbeddedServer(tmp_path / "server", host_token=HOST_TOKEN)
    srv.start()
    yield srv
    srv.stop()
