"""The client's look: the palette, the shipped fonts and the pygame_gui theme.

Colours for widgets live in ``assets/theme.json``; the colours here are for what
the client draws itself (the table, gauges, cards), chosen to sit with that file.
Seat colours are never defined here: they come from the rules (Okabe-Ito, so a
colour-blind player can tell the seats apart) and arrive in every view.
"""

from __future__ import annotations

import io
import itertools
import json
import os
from typing import Any, TypeAlias

import pygame
import pygame_gui
from pygame_gui.core import UIAppearanceTheme
from pygame_gui.core.gui_font_pygame import GUIFontPygame
from pygame_gui.core.package_resource import PackageResource
from pygame_gui.core.ui_font_dictionary import UIFontDictionary

from divestiture.shipped import shipped_folder

ASSETS = shipped_folder("assets")
FONTS = ASSETS / "fonts"
THEME_FILE = ASSETS / "theme.json"
FONT_NAME = "dejavu"

Colour = tuple[int, int, int]

BG: Colour = (17, 21, 29)
BG_DEEP: Colour = (12, 15, 21)
PANEL: Colour = (24, 30, 42)
PANEL_HI: Colour = (32, 40, 57)
CARD: Colour = (30, 38, 54)
LINE: Colour = (47, 58, 80)
LINE_HI: Colour = (86, 105, 143)
TEXT: Colour = (230, 234, 242)
TEXT_DIM: Colour = (152, 163, 184)
TEXT_FAINT: Colour = (107, 118, 140)
FELT: Colour = (24, 58, 50)
FELT_HI: Colour = (33, 76, 65)
RIM: Colour = (150, 118, 72)
RIM_HI: Colour = (196, 160, 104)
GOOD: Colour = (120, 200, 160)
WARN: Colour = (240, 200, 110)
BAD: Colour = (255, 158, 158)

_FONT_FILES = {
    (False, False): "DejaVuSans.ttf",
    (True, False): "DejaVuSans-Bold.ttf",
    (False, True): "DejaVuSans-Oblique.ttf",
    (True, True): "DejaVuSans-BoldOblique.ttf",
}


def hex_colour(value: str) -> Colour:
    """``#RRGGBB`` as an RGB tuple (seat colours come from the rules in this form)."""
    v = value.lstrip("#")
    return (int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16))


def mix(a: Colour, b: Colour, t: float) -> Colour:
    """``a`` moved ``t`` of the way to ``b``: tints and shades of seat colours."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def text_on(colour: Colour) -> Colour:
    """Dark or light text, whichever reads better on ``colour``."""
    luminance = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]
    return (17, 23, 34) if luminance > 140 else TEXT


_fonts: dict[tuple[int, bool, bool], pygame.font.Font] = {}


def font(size: int, bold: bool = False, italic: bool = False) -> pygame.font.Font:
    """A shipped DejaVu font; kept, since opening a face costs far more than a frame."""
    key = (size, bold, italic)
    face = _fonts.get(key)
    if face is None:
        if not _fonts:
            # Faces die with pygame.quit(); forget them then (tests and screenshots
            # start pygame more than once in a process).
            pygame.register_quit(_fonts.clear)
        face = _fonts[key] = pygame.font.Font(str(FONTS / _FONT_FILES[(bold, italic)]), size)
    return face


def theme_data() -> dict[str, Any]:
    """``assets/theme.json`` with its font paths made absolute.

    pygame_gui resolves relative font paths against the working directory; the
    client must work from anywhere, so the paths are anchored at ``assets/``.
    """
    data: dict[str, Any] = json.loads(THEME_FILE.read_text(encoding="utf-8"))
    for block in data.values():
        face = block.get("font") if isinstance(block, dict) else None
        if isinstance(face, dict):
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in face:
                    face[key] = str(ASSETS / face[key])
    return data


IdList = list[str | None] | None


class _Theme(UIAppearanceTheme):
    """pygame_gui's theme, with a cheap key for its cache of combined element ids.

    pygame_gui 0.6 keys that cache with ``str(a).join(str(b).join(str(c)).join(str(d)))``,
    which interleaves the id lists character by character: for a button in a card in
    the sheets' scrolling container the key is over two megabytes, built, hashed and
    kept for every widget made, about 2 ms a widget. A tuple of the lists is the same
    key at a thousandth of the cost; the ids themselves are computed as pygame_gui does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._combined: dict[tuple[tuple[str | None, ...], ...], list[str]] = {}

    def build_all_combined_ids(
        self,
        element_base_ids: IdList,
        element_ids: list[str] | None,
        class_ids: IdList,
        object_ids: IdList,
    ) -> list[str]:
        if element_base_ids is None or element_ids is None or class_ids is None:
            return []
        if object_ids is None:
            return []
        key = (tuple(element_base_ids), tuple(element_ids), tuple(class_ids), tuple(object_ids))
        found = self._combined.get(key)
        if found is None:
            if not len(object_ids) == len(class_ids) == len(element_base_ids) == len(element_ids):
                raise ValueError(f"element id hierarchies of unequal length: {key}")
            found = self._combined[key] = combined_ids(
                element_base_ids, element_ids, class_ids, object_ids
            )
        return found


def combined_ids(
    element_base_ids: list[str | None],
    element_ids: list[str],
    class_ids: list[str | None],
    object_ids: list[str | None],
) -> list[str]:
    """The ids a widget is themed by, most specific first, as pygame_gui orders them.

    At each level of the widget's hierarchy: its object id, then its class id, then its
    element id, then its base element id (those that are set); every path through the
    levels is one dotted id. Then the same ids with their first part dropped, again and
    again while every one still has a dot.
    """
    if not element_ids:
        return []
    levels = [
        [i for i in (o, c, e, b) if i is not None]
        for o, c, e, b in zip(object_ids, class_ids, element_ids, element_base_ids, strict=True)
    ]
    out = [".".join(path) for path in itertools.product(*levels)]
    current = list(out)
    done = False
    while not done:
        for n, ident in enumerate(current):
            dot = ident.find(".")
            if dot == -1:
                done = True
            else:
                current[n] = ident[dot + 1 :]
                out.append(current[n])
    return out


ThemeSource: TypeAlias = (
    str | os.PathLike[Any] | io.StringIO | PackageResource | dict[Any, Any] | None
)


_MEASURES_KEPT = 20_000  # per font: a long game's worth of words and lines


def measure_once(face: GUIFontPygame) -> None:
    """Make ``face`` keep what it measures.

    pygame_gui finds the size of a piece of text by rendering it (``get_rect``), and a
    text box measures the same words and part-lines many times as it lays its text out
    and again whenever its text changes: about a quarter of the cost of a term-sheet
    card's text. The sizes are the same every time, so each is measured once and kept.
    """
    measure = face.get_rect
    kept: dict[tuple[str, bool], tuple[int, int, int, int]] = {}

    def get_rect(text: str) -> pygame.Rect:
        key = (text, bool(face.underline))
        found = kept.get(key)
        if found is None:
            if len(kept) >= _MEASURES_KEPT:
                kept.clear()
            r = measure(text)
            found = kept[key] = (r.x, r.y, r.w, r.h)
        return pygame.Rect(found)  # a new Rect each time: callers change theirs

    face.get_rect = get_rect  # type: ignore[method-assign]


class _Manager(pygame_gui.UIManager):
    """A UIManager whose theme is ``_Theme``."""

    def create_new_theme(self, theme_path: ThemeSource = None) -> UIAppearanceTheme:
        made = _Theme(self.resource_loader, self._locale)
        if theme_path is not None:
            made.load_theme(theme_path)
        return made


def make_manager(size: tuple[int, int]) -> pygame_gui.UIManager:
    """A UIManager with the shipped fonts and the theme, fonts preloaded and keeping
    what they measure (``measure_once``).

    Preloading avoids pygame_gui's on-the-fly font loads (and their warnings)
    the first time a panel uses a size.
    """
    manager = _Manager(size, theme_path=theme_data(), enable_live_theme_updates=False)
    manager.add_font_paths(
        FONT_NAME,
        str(FONTS / _FONT_FILES[(False, False)]),
        str(FONTS / _FONT_FILES[(True, False)]),
        str(FONTS / _FONT_FILES[(False, True)]),
        str(FONTS / _FONT_FILES[(True, True)]),
    )
    fonts = manager.get_theme().get_font_dictionary()
    wanted: list[dict[str, str | int | float]] = []
    for size_pt in (12, 13, 14, 15):
        for bold, italic, style in (
            (False, False, "regular"),
            (True, False, "bold"),
            (False, True, "italic"),
        ):
            font_id = fonts.create_font_id(size_pt, FONT_NAME, bold, italic)
            if not fonts.check_font_preloaded(font_id):  # the theme loads some itself
                wanted.append({"name": FONT_NAME, "point_size": size_pt, "style": style})
    manager.preload_fonts(wanted)
    if isinstance(fonts, UIFontDictionary):
        for resource in fonts.loaded_fonts.values():
            if isinstance(resource.loaded_font, GUIFontPygame):
                measure_once(resource.loaded_font)
    return manager
