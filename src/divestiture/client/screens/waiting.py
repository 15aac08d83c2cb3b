"""A quiet screen while a game is being set up or joined."""

from __future__ import annotations

import pygame
import pygame_gui

from divestiture.client import draw, theme
from divestiture.client.net import ErrorNotice, Inbound, Status


class WaitingScreen:
    """'Connecting…' with the link's latest status; no widgets."""

    def __init__(self, manager: pygame_gui.UIManager, text: str, size: tuple[int, int]) -> None:
        self.text = text
        self.detail = ""
        self.size = size
        self.dirty = True

    def receive(self, item: Inbound) -> None:
        if isinstance(item, Status):
            self.detail = item.detail or item.state
        elif isinstance(item, ErrorNotice):
            self.detail = item.message
        self.dirty = True

    def handle(self, event: pygame.event.Event) -> None:
        pass

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.dirty = True

    def tick(self, now: float) -> None:
        pass

    def busy(self) -> bool:
        return False

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BG)
        cx, cy = self.size[0] // 2, self.size[1] // 2
        draw.label(surface, "Divestiture", (cx, cy - 60), 30, theme.TEXT, bold=True, align="centre")
        draw.label(surface, self.text, (cx, cy), 18, theme.TEXT_DIM, align="centre")
        if self.detail:
            draw.label(surface, self.detail, (cx, cy + 32), 14, theme.TEXT_FAINT, align="centre")
        self.dirty = False

    def kill(self) -> None:
        pass
