"""The lobby's header (title, tagline, summary and the table of seats) and its cards' frames."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pygame

from divestiture.client import draw, theme
from divestiture.game.scenario import Scenario

TAGLINE = "Five seats negotiate TikTok's US business before Friday's deadline"
Paint = Callable[[pygame.Surface], object]


def fit(text: str, width: int, largest: int, smallest: int, *, bold: bool = False) -> int:
    """The largest font size from ``largest`` down to ``smallest`` at which ``text`` fits."""
    size = largest
    while size > smallest and theme.font(size, bold).size(text)[0] > width:
        size -= 1
    return size


def draw_header(surface: pygame.Surface, rect: pygame.Rect, sc: Scenario) -> None:
    """The kicker, title, tagline and summary, and the table of seats beside them."""
    table_w = max(380, min(470, rect.w - 560))
    text_w = rect.w - table_w - 28
    kicker = "A CLASSROOM NEGOTIATION GAME"
    draw.label(surface, kicker, (rect.x, rect.y + 4), 12, theme.RIM_HI, bold=True)
    size = fit(sc.title, text_w, 32, 22, bold=True)
    at = (rect.x, rect.y + 22 + (32 - size) // 2)
    draw.label(surface, sc.title, at, size, bold=True, max_width=text_w)
    size = fit(TAGLINE, text_w, 15, 12)
    draw.label(surface, TAGLINE, (rect.x, rect.y + 66), size, theme.WARN, max_width=text_w)
    area = pygame.Rect(rect.x, rect.y + 92, text_w, 58)
    draw.paragraph(surface, sc.summary, area, 13, theme.TEXT_DIM, spacing=1.2)
    table = pygame.Rect(rect.right - table_w, rect.y + 8, table_w, rect.h - 16)
    shade = theme.mix(theme.RIM, (0, 0, 0), 0.45)
    pygame.draw.rect(surface, shade, table.inflate(8, 8), border_radius=26)
    draw.rounded(surface, table, theme.FELT, theme.RIM, radius=22, width=3)
    step = table.w // len(sc.seat_ids)
    longest = max((sc.seat(s).name for s in sc.seat_ids), key=len)
    size = fit(longest, step - 8, 12, 10, bold=True)
    for i, seat in enumerate(sc.seat_ids):
        s, cx = sc.seat(seat), table.x + step // 2 + i * step
        draw.portrait(surface, (cx, table.y + 50), 27, seat, theme.hex_colour(s.color))
        at = (cx, table.y + 90)
        draw.label(surface, s.name, at, size, bold=True, align="centre", max_width=step - 4)


def card(rect: pygame.Rect, title: str, sub: str, accent: theme.Colour) -> list[Paint]:
    """What paints one card: its panel, accent, title and subtitle."""
    return [
        partial(draw.rounded, rect=rect, fill=theme.PANEL, border=theme.LINE, radius=10),
        partial(pygame.draw.rect, color=accent, rect=(rect.x + 1, rect.y + 20, 4, 26)),
        partial(draw.label, text=title, pos=(rect.x + 22, rect.y + 16), size=22, bold=True),
        partial(
            draw.label, text=sub, pos=(rect.x + 22, rect.y + 50), size=13,
            colour=theme.TEXT_DIM, max_width=rect.w - 44,
        ),
    ]  # fmt: skip
