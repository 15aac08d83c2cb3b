"""Scrolling lists the client draws itself: the feed and the chat (``TextLog``), and the
scroll bar they and the term sheets share (``Scroller``).

A ``TextLog`` looks like the pygame_gui text boxes of assets/theme.json (``text_box``:
background, border, padding, 13-point text with 1.15 line spacing) and scrolls with
pygame_gui's own scroll bar and the mouse wheel. Unlike a text box, it never lays out
text it has shown before: each row is rendered once (``richtext`` keeps it by its
markup), so a view that adds a line, or a click on another thread, costs what the new
lines cost, not what the whole thread costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import pygame
import pygame_gui
from pygame_gui.elements import UIVerticalScrollBar, UIWindow

from game.client import draw, richtext
from game.client.theme import Colour, hex_colour

BACKGROUND: Colour = hex_colour("#161B26")  # text_box.colours.dark_bg
BORDER: Colour = hex_colour("#2A3448")  # text_box.colours.normal_border
BAR_W = 20  # as wide as pygame_gui's scroll bars
# Where a text box's text starts (inside its shadow, border and 8 by 6 padding), and
# how much narrower and shorter than the box its text is, the scroll bar's room included.
_LEFT, _TOP = 12, 9
_NARROWER, _SHORTER = 42, 18
_INSET = 3  # a text box's scroll bar sits inside its shadow and border


def under_a_window(manager: pygame_gui.UIManager, pos: tuple[int, int]) -> bool:
    """Whether a pygame_gui window (the composer, a lever's choice, the brief) covers ``pos``."""
    windows = manager.get_window_stack().get_full_stack()
    return any(cast(UIWindow, w).rect.collidepoint(pos) for w in windows)


class Scroller:
    """pygame_gui's scroll bar beside content the client draws: how far the content is
    scrolled, the mouse wheel over it, and scrolling to its end."""

    def __init__(self, manager: pygame_gui.UIManager, bar: pygame.Rect, view: pygame.Rect) -> None:
        self.manager = manager
        self.view = view  # where the content shows
        self.bar = UIVerticalScrollBar(bar, 1.0, manager, visible=0)
        self.height = 0  # how tall the content is

    def set_height(self, height: int, *, to_end: bool) -> None:
        """The content is now ``height`` pixels tall; scroll to its end if ``to_end``
        (else stay where the reader was, as far as the new height allows)."""
        kept = self.offset()
        self.height = height
        bar = self.bar
        if height <= self.view.h:
            if bar.visible:
                bar.hide()  # type: ignore[no-untyped-call]
                bar.reset_scroll_position()  # type: ignore[no-untyped-call]
            return
        if not bar.visible:
            bar.show()  # type: ignore[no-untyped-call]
        bar.set_visible_percentage(self.view.h / height)
        bar.set_scroll_from_start_percentage(1.0 if to_end else kept / height)

    def offset(self) -> int:
        """How far down the content is scrolled, in pixels."""
        room = self.height - self.view.h
        bar = self.bar
        if room <= 0 or not bar.visible:
            return 0
        if bar.start_percentage >= 1.0 - bar.visible_percentage - 0.002:
            return room  # at the bottom: the content's end sits on the view's bottom edge
        return max(0, min(room, int(bar.start_percentage * self.height)))

    def handle(self, event: pygame.event.Event) -> bool:
        """A turn of the mouse wheel over the content scrolls it (over the bar itself,
        the bar sees to it)."""
        if event.type != pygame.MOUSEWHEEL or not self.bar.visible or event.y == 0:
            return False
        pos = self.manager.get_mouse_position()
        if not self.view.collidepoint(pos) or self.bar.rect.collidepoint(pos):
            return False
        if under_a_window(self.manager, pos):
            return False
        bar = self.bar  # what the bar does with a turn of the wheel over itself
        if (bar.scroll_wheel_amount > 0 > event.y) or (bar.scroll_wheel_amount < 0 < event.y):
            bar.target_scroll_position = bar.scroll_position
        bar.scroll_wheel_moved = True
        bar.scroll_wheel_amount = event.y
        return True

    def kill(self) -> None:
        self.bar.kill()  # type: ignore[no-untyped-call]


class TextLog:
    """Rows of markup, oldest first, shown scrolled to the newest when they change."""

    def __init__(self, manager: pygame_gui.UIManager, rect: pygame.Rect) -> None:
        self.rect = rect
        # Rows wrap beside the scroll bar whether or not it shows, so the rows drawn
        # while the box still had room stay right once it overflows.
        self.text = pygame.Rect(
            rect.x + _LEFT, rect.y + _TOP, rect.w - _NARROWER, rect.h - _SHORTER
        )
        bar = pygame.Rect(rect.right - _INSET - BAR_W, rect.y + _INSET, BAR_W, rect.h - 2 * _INSET)
        self.scroller = Scroller(manager, bar, self.text)
        self.rows: tuple[str, ...] = ()
        self.version = 0  # counts changes of the rows (the screen repaints on a change)
        self._blocks: list[pygame.Surface] = []

    def set_rows(self, rows: Sequence[str]) -> bool:
        """Show ``rows`` and scroll to the last one; False if they are what is shown."""
        rows = tuple(rows)
        if rows == self.rows:
            return False
        shown = dict(zip(self.rows, self._blocks, strict=True))  # never drawn twice
        self.rows = rows
        self.version += 1
        self._blocks = [shown.get(r) or richtext.render(r, self.text.w, BACKGROUND) for r in rows]
        self.scroller.set_height(sum(b.get_height() for b in self._blocks), to_end=True)
        return True

    def key(self) -> tuple[int, int]:
        """What the box shows: when this changes, it must be drawn again."""
        return (self.version, self.scroller.offset())

    def draw(self, surface: pygame.Surface) -> None:
        """The box and the rows that show at the current scroll position."""
        draw.text_box(surface, self.rect, BACKGROUND, BORDER)
        clip = surface.get_clip()
        surface.set_clip(self.text.clip(clip))
        y = self.text.y - self.scroller.offset()
        for block in self._blocks:
            h = block.get_height()
            if y + h > self.text.y:
                if y >= self.text.bottom:
                    break
                surface.blit(block, (self.text.x, y))
            y += h
        surface.set_clip(clip)

    def handle(self, event: pygame.event.Event) -> bool:
        return self.scroller.handle(event)

    def kill(self) -> None:
        self.scroller.kill()
