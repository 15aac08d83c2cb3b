"""What the table says over its play: the teacher's hold on it, and passing notes.

A class's week waits for the teacher to start it, and the teacher may pause play:
then no seat can act, and the deal table carries a banner saying why, in place of
the latest line. A toast (a refusal, or news such as a move by the teacher) shows
for a few seconds at the top of the deal table.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from divestiture.client import draw, theme
from divestiture.client.layout import PAD
from divestiture.client.screens.masthead import fit
from divestiture.game.views import GameView

WAITING = "Waiting for your teacher to start the week"
PAUSED = "Paused by your teacher"
TOAST_SECONDS = 6.0  # a refusal
NOTICE_SECONDS = 12.0  # news for the player (a move by the teacher): read at leisure


@dataclass(frozen=True, slots=True)
class Hold:
    """Why no seat can act now, in a headline and a line under it."""

    title: str
    detail: str


def hold(view: GameView) -> Hold | None:
    """The teacher's hold on the table in ``view``: not started, or paused (None: play)."""
    if view.outcome is not None:
        return None
    if not view.started:
        return Hold(WAITING, "Read your brief meanwhile (press B).")
    if view.paused:
        return Hold(PAUSED, "No seat can act until play resumes.")
    return None


@dataclass(frozen=True, slots=True)
class Toast:
    """A note over the deal table until ``until`` (``time.monotonic()``); ``error``: a
    refusal (red), else news (gold)."""

    text: str
    until: float
    error: bool = True


def draw_hold(surface: pygame.Surface, oval: pygame.Rect, shown: Hold) -> pygame.Rect:
    """The hold's banner across the middle of the felt (``oval``), its headline as large
    as fits; returns where it is."""
    box = pygame.Rect(0, 0, oval.w - 16, 58)
    box.center = oval.center
    size = fit(shown.title, box.w - 20, 16, 11, bold=True)
    draw.rounded(surface, box, theme.mix(theme.WARN, theme.BG_DEEP, 0.82), theme.WARN, width=2)
    draw.label(
        surface, shown.title, (box.centerx, box.y + 9 + (16 - size) // 2), size, theme.WARN,
        bold=True, align="centre", max_width=box.w - 20,
    )  # fmt: skip
    draw.label(
        surface, shown.detail, (box.centerx, box.y + 33), 12, theme.TEXT, align="centre",
        max_width=box.w - 20,
    )  # fmt: skip
    return box


def draw_toast(surface: pygame.Surface, table: pygame.Rect, toast: Toast) -> None:
    """The toast at the top of the deal table (``table``), where no widget sits."""
    width = table.w - 2 * PAD
    lines = draw.wrap(toast.text, 14, width - 24)[:3]
    box = pygame.Rect(0, 0, width, 16 + 20 * len(lines))
    box.midtop = (table.centerx, table.y + PAD)
    tone = theme.BAD if toast.error else theme.WARN
    draw.rounded(surface, box, theme.mix(tone, theme.BG_DEEP, 0.75), tone)
    for i, line in enumerate(lines):
        draw.label(surface, line, (box.x + 12, box.y + 8 + 20 * i), 14, theme.TEXT)
