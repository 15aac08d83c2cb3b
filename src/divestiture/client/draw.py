"""What the client draws itself: panels, text, seat portraits, gauges, the deal table.

Portraits are simple emblems drawn here in code, one per role, on the seat's
colour from the rules; no logos. Everything is drawn onto a cached background
that the table screen repaints a region at a time, only when what it shows changes.
"""

from __future__ import annotations

import math

import pygame

from divestiture.client import theme
from divestiture.client.theme import Colour, font
from divestiture.game.views import TrackView


def rounded(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fill: Colour,
    border: Colour | None = None,
    *,
    radius: int = 8,
    width: int = 1,
) -> None:
    """A filled rounded rectangle with an optional border."""
    pygame.draw.rect(surface, fill, rect, border_radius=radius)
    if border is not None:
        pygame.draw.rect(surface, border, rect, width=width, border_radius=radius)


def panel(
    surface: pygame.Surface,
    rect: pygame.Rect,
    title: str | None = None,
    accent: Colour | None = None,
) -> pygame.Rect:
    """A panel with an optional heading; returns the area below the heading."""
    rounded(surface, rect, theme.PANEL, theme.LINE)
    if title is not None:
        label(surface, title.upper(), (rect.x + 14, rect.y + 11), 12, theme.TEXT_DIM, bold=True)
        if accent is not None:
            pygame.draw.rect(surface, accent, (rect.x + 1, rect.y + 12, 3, 14))
    return panel_inner(rect, titled=title is not None)


def panel_inner(rect: pygame.Rect, *, titled: bool) -> pygame.Rect:
    """The area inside a panel drawn by ``panel`` (below its heading if it has one)."""
    if not titled:
        return rect.inflate(-16, -16)
    return pygame.Rect(rect.x + 12, rect.y + 34, rect.w - 24, rect.h - 44)


def label(
    surface: pygame.Surface,
    text: str,
    pos: tuple[int, int],
    size: int = 14,
    colour: Colour = theme.TEXT,
    *,
    bold: bool = False,
    italic: bool = False,
    max_width: int | None = None,
    align: str = "left",
) -> pygame.Rect:
    """One line of text, cut with an ellipsis to ``max_width``; returns its rect."""
    img = text_image(text, size, colour, bold=bold, italic=italic, max_width=max_width)
    r = _placed(img.get_rect(), pos, align)
    surface.blit(img, r)
    return r


def _placed(r: pygame.Rect, pos: tuple[int, int], align: str) -> pygame.Rect:
    """``r`` moved so that its top edge's centre, right or left end (``align``) is at ``pos``."""
    if align == "centre":
        r.midtop = pos
    elif align == "right":
        r.topright = pos
    else:
        r.topleft = pos
    return r


def text_image(
    text: str,
    size: int,
    colour: Colour,
    *,
    bold: bool = False,
    italic: bool = False,
    max_width: int | None = None,
) -> pygame.Surface:
    """``text`` rendered (cut with an ellipsis to ``max_width``), kept for the next time:
    the same names, numbers and tags are drawn again every time a region repaints."""
    key = (text, size, colour, bold, italic, max_width)
    img = _texts.get(key)
    if img is None:
        f = font(size, bold, italic)
        if max_width is not None and f.size(text)[0] > max_width:
            while text and f.size(text + "\u2026")[0] > max_width:
                text = text[:-1]
            text += "\u2026"
        img = _texts[key] = f.render(text, True, colour)
        if len(_texts) > 2000:
            _texts.clear()  # a long game's worth of labels; start again rather than grow
    return img


_texts: dict[tuple[str, int, Colour, bool, bool, int | None], pygame.Surface] = {}


def wrap(
    text: str, size: int, width: int, *, bold: bool = False, italic: bool = False
) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels."""
    f = font(size, bold, italic)
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if f.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def paragraph(
    surface: pygame.Surface,
    text: str,
    rect: pygame.Rect,
    size: int = 14,
    colour: Colour = theme.TEXT,
    *,
    bold: bool = False,
    italic: bool = False,
    spacing: float = 1.3,
) -> int:
    """Wrapped text inside ``rect`` (lines that do not fit are dropped, the last
    one shown with an ellipsis); returns the y below the last line drawn."""
    lines = wrap(text, size, rect.w, bold=bold, italic=italic)
    step = int(font(size, bold, italic).get_linesize() * spacing)
    y = rect.y
    for i, line in enumerate(lines):
        if y + step > rect.bottom and i < len(lines):
            if i > 0:
                label(
                    surface,
                    line + "\u2026",
                    (rect.x, y - step),
                    size,
                    colour,
                    bold=bold,
                    italic=italic,
                    max_width=rect.w,
                )
            break
        label(surface, line, (rect.x, y), size, colour, bold=bold, italic=italic)
        y += step
    return y


# --- portraits ---------------------------------------------------------------------------


def portrait(
    surface: pygame.Surface,
    centre: tuple[int, int],
    radius: int,
    seat: str,
    colour: Colour,
    *,
    lit: bool = True,
) -> None:
    """A seat's emblem: a disc in its colour with a role glyph, dimmed when not ``lit``."""
    base = colour if lit else theme.mix(colour, theme.PANEL, 0.55)
    pygame.draw.circle(surface, theme.mix(base, (0, 0, 0), 0.35), centre, radius + 3)
    pygame.draw.circle(surface, base, centre, radius)
    ink = theme.text_on(base) if lit else theme.mix(theme.text_on(base), base, 0.4)
    glyph = _GLYPHS.get(seat, _initials)
    glyph(surface, centre, radius, ink, seat)


def _portico(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, _: str) -> None:
    x, y = c
    u = r / 10
    pygame.draw.polygon(s, ink, [(x - 7 * u, y - 2 * u), (x, y - 7 * u), (x + 7 * u, y - 2 * u)])
    for i in range(4):
        cx = x - 5 * u + i * (10 * u / 3)
        pygame.draw.rect(s, ink, (cx - u * 0.7, y - 1 * u, u * 1.4, 6 * u))
    pygame.draw.rect(s, ink, (x - 7.5 * u, y + 5 * u, 15 * u, 1.6 * u))


def _shield(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, _: str) -> None:
    x, y = c
    u = r / 10
    pts = [
        (x - 6 * u, y - 6 * u),
        (x + 6 * u, y - 6 * u),
        (x + 6 * u, y),
        (x, y + 7 * u),
        (x - 6 * u, y),
    ]
    pygame.draw.polygon(s, ink, pts, width=max(2, int(1.4 * u)))
    pygame.draw.circle(s, ink, (x, y - 1 * u), 2.2 * u)
    pygame.draw.rect(s, ink, (x - 0.8 * u, y, 1.6 * u, 3.5 * u))


def _phone(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, _: str) -> None:
    x, y = c
    u = r / 10
    body = pygame.Rect(0, 0, int(8 * u), int(13 * u))
    body.center = (x, y)
    pygame.draw.rect(s, ink, body, width=max(2, int(1.3 * u)), border_radius=int(1.5 * u))
    pygame.draw.polygon(
        s, ink, [(x - 1.6 * u, y - 2.6 * u), (x - 1.6 * u, y + 2.6 * u), (x + 2.6 * u, y)]
    )


def _briefcase(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, _: str) -> None:
    x, y = c
    u = r / 10
    case = pygame.Rect(0, 0, int(14 * u), int(9 * u))
    case.center = (x, int(y + 1.5 * u))
    pygame.draw.rect(s, ink, case, border_radius=int(1.5 * u))
    handle = pygame.Rect(0, 0, int(6 * u), int(4 * u))
    handle.midbottom = (x, case.top + 1)
    pygame.draw.rect(s, ink, handle, width=max(2, int(1.2 * u)), border_radius=int(u))
    pygame.draw.line(
        s,
        theme.mix(ink, (0, 0, 0), 0.6),
        (case.left, case.centery),
        (case.right - 1, case.centery),
        max(1, int(u)),
    )


def _bars(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, _: str) -> None:
    x, y = c
    u = r / 10
    for i, hgt in enumerate((5, 8, 11)):
        bx = x - 6 * u + i * 4.5 * u
        pygame.draw.rect(s, ink, (bx, y + 6 * u - hgt * u, 3 * u, hgt * u))
    pygame.draw.line(s, ink, (x - 7 * u, y + 6.5 * u), (x + 7 * u, y + 6.5 * u), max(1, int(u)))


def _initials(s: pygame.Surface, c: tuple[int, int], r: int, ink: Colour, seat: str) -> None:
    letters = "".join(w[0] for w in seat.split("_"))[:2].upper()
    img = font(max(10, int(r * 0.8)), True).render(letters, True, ink)
    s.blit(img, img.get_rect(center=c))


_GLYPHS = {
    "white_house": _portico,
    "cfius": _shield,
    "bytedance": _phone,
    "microsoft": _briefcase,
    "investors": _bars,
}


# --- gauges ------------------------------------------------------------------------------


def gauge(surface: pygame.Surface, rect: pygame.Rect, track: TrackView) -> None:
    """A public track: its name, value and label, and a bar from min to max.

    Short ranges (0..10) are drawn as segments so a value can be counted, not
    guessed; the fill warms as the value rises, and the number is always written,
    so nothing depends on telling colours apart.
    """
    unit = track.unit
    value = f"${track.value}B" if unit == "$B" else f"{track.value}"
    label(surface, track.name, (rect.x, rect.y), 13, theme.TEXT, bold=True, max_width=rect.w - 70)
    label(surface, value, (rect.right, rect.y - 1), 15, theme.TEXT, bold=True, align="right")
    if track.label:
        label(surface, track.label, (rect.x, rect.y + 18), 12, theme.TEXT_DIM, max_width=rect.w)
    bar = pygame.Rect(rect.x, rect.bottom - 10, rect.w, 8)
    span = track.max - track.min
    share = (track.value - track.min) / span if span else 0.0
    fill = theme.mix((143, 163, 200), theme.WARN, share)
    if span <= 12:
        gap = 3
        seg_w = (bar.w - gap * (span - 1)) / span
        for i in range(span):
            seg = pygame.Rect(round(bar.x + i * (seg_w + gap)), bar.y, max(1, round(seg_w)), bar.h)
            on = i < track.value - track.min
            pygame.draw.rect(surface, fill if on else theme.PANEL_HI, seg, border_radius=2)
    else:
        pygame.draw.rect(surface, theme.PANEL_HI, bar, border_radius=4)
        if share > 0:
            pygame.draw.rect(
                surface, fill, (bar.x, bar.y, max(6, int(bar.w * share)), bar.h), border_radius=4
            )


# --- the deal table ----------------------------------------------------------------------


def seat_positions(rect: pygame.Rect, count: int, mine: int) -> list[tuple[int, int]]:
    """Places for ``count`` seats around an oval in ``rect``, seat ``mine`` at the bottom."""
    cx, cy = rect.center
    rx, ry = rect.w * 0.40, rect.h * 0.36
    out = []
    for i in range(count):
        k = (i - mine) % count
        angle = math.pi / 2 + 2 * math.pi * k / count  # bottom, then clockwise
        out.append((int(cx + rx * math.cos(angle)), int(cy + ry * math.sin(angle))))
    return out


def felt_rect(rect: pygame.Rect) -> pygame.Rect:
    """Where ``felt`` draws the oval table top in ``rect``."""
    oval = pygame.Rect(0, 0, int(rect.w * 0.62), int(rect.h * 0.52))
    oval.center = rect.center
    return oval


def felt(surface: pygame.Surface, rect: pygame.Rect) -> pygame.Rect:
    """The oval table top; returns its bounding rect."""
    oval = felt_rect(rect)
    pygame.draw.ellipse(surface, theme.mix(theme.RIM, (0, 0, 0), 0.45), oval.inflate(18, 18))
    pygame.draw.ellipse(surface, theme.RIM, oval.inflate(12, 12))
    pygame.draw.ellipse(surface, theme.FELT, oval)
    inner = oval.inflate(-int(oval.w * 0.12), -int(oval.h * 0.16))
    pygame.draw.ellipse(surface, theme.FELT_HI, inner, width=1)
    return oval


def pill(
    surface: pygame.Surface,
    text: str,
    pos: tuple[int, int],
    fill: Colour,
    ink: Colour | None = None,
    *,
    size: int = 11,
    align: str = "centre",
) -> pygame.Rect:
    """A small rounded tag with text (status of a seat, of the link)."""
    img = text_image(text, size, ink or theme.text_on(fill), bold=True)
    r = _placed(img.get_rect().inflate(14, 6), pos, align)
    pygame.draw.rect(surface, fill, r, border_radius=r.h // 2)
    surface.blit(img, img.get_rect(center=r.center))
    return r
