"""Where each part of the table screen goes, for any window size from 1024x700 up.

Pure arithmetic on rectangles: the table screen asks for a ``TableLayout`` on
every resize and rebuilds its widgets in the new places.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

MIN_SIZE = (1024, 700)
DEFAULT_SIZE = (1280, 800)
PAD = 12
TOP_BAR = 60
ACTION_BAR = 64


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, v))


@dataclass(frozen=True)
class TableLayout:
    """The table screen's regions, in window coordinates."""

    size: tuple[int, int]
    top: pygame.Rect
    tracks: pygame.Rect
    news: pygame.Rect
    table: pygame.Rect
    sheets: pygame.Rect
    feed: pygame.Rect
    chat: pygame.Rect
    actions: pygame.Rect

    @classmethod
    def for_size(cls, size: tuple[int, int]) -> TableLayout:
        w, h = max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1])
        left_w = _clamp(int(w * 0.22), 260, 340)
        right_w = _clamp(int(w * 0.28), 300, 430)
        body_top = TOP_BAR + PAD
        body_h = h - TOP_BAR - ACTION_BAR - 2 * PAD
        left = pygame.Rect(PAD, body_top, left_w, body_h)
        tracks_h = _clamp(int(body_h * 0.50), 290, 360)
        right = pygame.Rect(w - PAD - right_w, body_top, right_w, body_h)
        feed_h = int(body_h * 0.45)
        cx = left.right + PAD
        centre = pygame.Rect(cx, body_top, right.left - PAD - cx, body_h)
        table_h = _clamp(int(body_h * 0.47), 260, 420)
        return cls(
            size=(w, h),
            top=pygame.Rect(0, 0, w, TOP_BAR),
            tracks=pygame.Rect(left.x, left.y, left.w, tracks_h),
            news=pygame.Rect(left.x, left.y + tracks_h + PAD, left.w, body_h - tracks_h - PAD),
            table=pygame.Rect(centre.x, centre.y, centre.w, table_h),
            sheets=pygame.Rect(
                centre.x, centre.y + table_h + PAD, centre.w, body_h - table_h - PAD
            ),
            feed=pygame.Rect(right.x, right.y, right.w, feed_h),
            chat=pygame.Rect(right.x, right.y + feed_h + PAD, right.w, body_h - feed_h - PAD),
            actions=pygame.Rect(0, h - ACTION_BAR, w, ACTION_BAR),
        )


def centred(size: tuple[int, int], w: int, h: int) -> pygame.Rect:
    """A w x h rectangle centred in a window of ``size`` (clamped to fit)."""
    w, h = min(w, size[0] - 2 * PAD), min(h, size[1] - 2 * PAD)
    return pygame.Rect((size[0] - w) // 2, (size[1] - h) // 2, w, h)
