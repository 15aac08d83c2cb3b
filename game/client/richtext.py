"""Rich text the client draws itself: the few HTML tags its panels write, wrapped and cached.

The feed, the chat threads and the term-sheet cards are written as a small subset of
HTML (``<b>``, ``<i>``, ``<font color='#RRGGBB'>``, ``<br>``, and escaped text), the
same markup pygame_gui's text boxes read. Laying that out in a pygame_gui text box
costs milliseconds a line (the box re-parses and re-renders all of its text whenever
any of it changes); here a block is parsed, wrapped and rendered once, with the same
fonts, size and line spacing, and kept by its markup, so a view that adds one line
renders one line.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from html import unescape
from typing import TypeVar

import pygame

from game.client import theme
from game.client.theme import Colour

LINE_SPACING = 1.15  # as the text boxes in assets/theme.json
_K = TypeVar("_K")
_CACHE_SIZE = 600


@dataclass(frozen=True, slots=True)
class Run:
    """Text in one style."""

    text: str
    bold: bool = False
    italic: bool = False
    colour: Colour = theme.TEXT


_TAG = re.compile(r"(<[^<>]*>)")
_COLOUR = re.compile(r"""color\s*=\s*['"]?(#[0-9a-fA-F]{6})""")


def parse(html: str, colour: Colour = theme.TEXT) -> list[list[Run]]:
    """``html`` as lines of styled runs (a line ends at each ``<br>``); text outside
    any ``<font>`` is ``colour``. Tags other than b, i, font and br are ignored."""
    lines: list[list[Run]] = [[]]
    bold = italic = 0
    colours = [colour]
    for i, part in enumerate(_TAG.split(html)):
        if i % 2 == 0:  # text between tags
            if part:
                lines[-1].append(Run(unescape(part), bold > 0, italic > 0, colours[-1]))
            continue
        tag = part[1:-1].strip()
        closing = tag.startswith("/")
        name = tag.lstrip("/").split(None, 1)[0].rstrip("/").lower() if tag.strip("/") else ""
        if name == "br":
            lines.append([])
        elif name == "b":
            bold = max(0, bold - 1) if closing else bold + 1
        elif name == "i":
            italic = max(0, italic - 1) if closing else italic + 1
        elif name == "font":
            if closing:
                if len(colours) > 1:
                    colours.pop()
            else:
                found = _COLOUR.search(tag)
                colours.append(theme.hex_colour(found.group(1)) if found else colours[-1])
    return lines


def _words(text: str) -> list[str]:
    """``text`` cut after each run of spaces: 'a b  c' -> ['a ', 'b  ', 'c']."""
    out: list[str] = []
    start = 0
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            while i < n and text[i] == " ":
                i += 1
            out.append(text[start:i])
            start = i
        else:
            i += 1
    if start < n:
        out.append(text[start:])
    return out


def wrap(lines: list[list[Run]], width: int, size: int) -> list[list[Run]]:
    """Lines broken after spaces into rows no wider than ``width`` pixels (a word wider
    than a row is broken between letters); spaces at the start of a wrapped row go."""
    rows: list[list[Run]] = []
    for line in lines:
        if sum(theme.font(size, r.bold, r.italic).size(r.text)[0] for r in line) <= width:
            rows.append(line)  # the whole line fits: no need to measure word by word
            continue
        row: list[Run] = []
        x = 0
        for run in line:
            face = theme.font(size, run.bold, run.italic)
            for piece in _words(run.text):
                # A word fits with the spaces after it, as pygame_gui's text boxes wrap.
                word = piece
                w = face.size(word)[0]
                if row and x + w > width:
                    rows.append(row)
                    row, x = [], 0
                    word = word.lstrip(" ")
                    if not word:
                        continue
                    w = face.size(word)[0]
                while w > width and len(word) > 1:  # a word longer than the row
                    cut = len(word) - 1
                    while cut > 1 and face.size(word[:cut])[0] > width:
                        cut -= 1
                    rows.append([*row, Run(word[:cut], run.bold, run.italic, run.colour)])
                    row, x = [], 0
                    word = word[cut:]
                    w = face.size(word)[0]
                row.append(Run(word, run.bold, run.italic, run.colour))
                x += w
        rows.append(row)
    return [_merge(r) for r in rows]


def _merge(row: list[Run]) -> list[Run]:
    """Neighbouring runs of the same style as one (one render each)."""
    out: list[Run] = []
    for run in row:
        last = out[-1] if out else None
        if last is not None and (last.bold, last.italic, last.colour) == (
            run.bold,
            run.italic,
            run.colour,
        ):
            out[-1] = Run(last.text + run.text, run.bold, run.italic, run.colour)
        else:
            out.append(run)
    return out


def row_height(size: int) -> int:
    """The distance from one row's top to the next's."""
    return round(theme.font(size).get_height() * LINE_SPACING)


def render(
    html: str, width: int, background: Colour, size: int = 13, colour: Colour = theme.TEXT
) -> pygame.Surface:
    """``html`` wrapped to ``width`` and drawn on ``background``, ``row_height`` a row.

    Drawn on the colour it will sit on (not on a transparent surface) so antialiased
    edges blend as they do in a pygame_gui text box. Kept by its arguments, and each
    line kept by its runs: a block asked for again is not drawn again, and a block
    that shares lines with one drawn before (a term sheet whose status changed) draws
    only its new lines.
    """
    key = (html, width, background, size, colour)
    found = _blocks.get(key)
    if found is not None:
        _blocks.move_to_end(key)
        return found
    pictures = [_line(tuple(line), width, background, size) for line in parse(html, colour)]
    if len(pictures) == 1:
        surface = pictures[0]
    else:
        surface = pygame.Surface((max(1, width), sum(p.get_height() for p in pictures)))
        y = 0
        for picture in pictures:
            surface.blit(picture, (0, y))
            y += picture.get_height()
    _keep(_blocks, key, surface)
    return surface


def _line(line: tuple[Run, ...], width: int, background: Colour, size: int) -> pygame.Surface:
    """One line of runs, wrapped and drawn (kept by its runs)."""
    key = (line, width, background, size)
    found = _lines.get(key)
    if found is not None:
        _lines.move_to_end(key)
        return found
    rows = wrap([list(line)], width, size)
    step = row_height(size)
    surface = pygame.Surface((max(1, width), step * len(rows)))  # spacing below each row
    surface.fill(background)
    lead = (step - theme.font(size).get_height()) // 2  # the spacing split above and below
    for i, row in enumerate(rows):
        x = 0
        for run in row:
            face = theme.font(size, run.bold, run.italic)
            text = run.text.rstrip(" ") if run is row[-1] else run.text
            if text:
                surface.blit(face.render(text, True, run.colour), (x, i * step + lead))
            x += face.size(run.text)[0]
    _keep(_lines, key, surface)
    return surface


def _keep(cache: OrderedDict[_K, pygame.Surface], key: _K, surface: pygame.Surface) -> None:
    cache[key] = surface
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)  # the least recently used


_blocks: OrderedDict[tuple[str, int, Colour, int, Colour], pygame.Surface] = OrderedDict()
_lines: OrderedDict[tuple[tuple[Run, ...], int, Colour, int], pygame.Surface] = OrderedDict()
