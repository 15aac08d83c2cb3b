"""The table's top bar: whose seat (or that the student watches), the day and phase, the
link's state and the phase's clock."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from divestiture.client import draw, theme
from divestiture.client.describe import seat_info
from divestiture.client.net import Status
from divestiture.game.views import GameView

LINK_COLOURS = {
    "connected": theme.GOOD,
    "connecting": theme.WARN,
    "reconnecting": theme.WARN,
    "offline": theme.BAD,
    "closed": theme.BAD,
}


@dataclass(frozen=True, slots=True)
class Clock:
    """The phase's time left, in whole seconds; ``stopped``: it waits for the teacher."""

    seconds: int
    stopped: bool = False


def draw_top_bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    view: GameView,
    *,
    link: Status,
    clock: Clock | None,
    unread: int,
) -> tuple[pygame.Rect, pygame.Rect]:
    """The bar in ``rect``; returns where the link's state and the new-findings mark are
    (the mark's rect is empty when there is none)."""
    v = view
    me = seat_info(v, v.viewer)
    unread_rect = pygame.Rect(0, 0, 0, 0)
    if me is not None:
        colour = theme.hex_colour(me.color)
        draw.portrait(surface, (rect.x + 34, rect.centery), 20, me.id, colour)
        draw.label(surface, me.name, (rect.x + 64, rect.y + 10), 18, theme.TEXT, bold=True)
        hint = draw.label(
            surface, "Press B for your brief", (rect.x + 64, rect.y + 34), 12, theme.TEXT_DIM
        )
        if unread:
            # Marked until the brief is opened: a finding is easy to miss in the talk.
            news = f"{unread} new finding{'s' if unread > 1 else ''}"
            unread_rect = draw.pill(
                surface, news, (hint.right + 8, hint.y - 2), theme.WARN, size=10, align="left"
            )
    else:  # a bot plays the seat: this student watches the table
        draw.label(surface, "Watching", (rect.x + 20, rect.y + 10), 18, theme.TEXT, bold=True)
        note = "A bot plays your seat; you see what everyone sees."
        draw.label(surface, note, (rect.x + 20, rect.y + 34), 12, theme.TEXT_DIM)
    day = f"{v.round_name} \u2014 day {v.round} of {v.deadline}"
    mid = rect.centerx
    draw.label(surface, day, (mid, rect.y + 9), 17, theme.TEXT, bold=True, align="centre")
    left = "last day" if v.rounds_left == 0 else f"{v.rounds_left} more after today"
    when = f"{v.phase.value.capitalize()} phase \u00b7 deadline {v.deadline_name} ({left})"
    draw.label(surface, when, (mid, rect.y + 34), 13, theme.TEXT_DIM, align="centre")
    x = rect.right - 16
    status: str = link.state if link.state != "connected" else "online"
    if link.state == "reconnecting":
        status = f"reconnecting\u2026 ({link.attempt})"
    pill = draw.pill(surface, status, (x, rect.y + 10), LINK_COLOURS[link.state], align="right")
    if clock is not None:
        seconds = clock.seconds
        text = f"{seconds // 60}:{seconds % 60:02d} left"
        colour = theme.BAD if seconds <= 30 else theme.TEXT
        if clock.stopped:  # the clock waits for the teacher
            text, colour = f"{text} \u00b7 stopped", theme.TEXT_DIM
        draw.label(surface, text, (x, pill.bottom + 6), 16, colour, bold=True, align="right")
    return pill, unread_rect
