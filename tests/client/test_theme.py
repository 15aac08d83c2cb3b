"""The client's pygame_gui theme: the cheap lookup of a widget's theme ids."""

from __future__ import annotations

import pygame
from pygame_gui.core import UIAppearanceTheme, UIElement

from divestiture.client import theme
from divestiture.client.screens.end import EndScreen
from divestiture.client.screens.lobby import LobbyScreen
from divestiture.client.screens.table import TableScreen
from divestiture.client.snapshot import moment
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.types import SeatId

SC = load_scenario(DEFAULT_SCENARIO)


def test_theme_ids_are_pygame_guis(display: pygame.Surface) -> None:
    """Every widget of a table (with its composer open), the lobby and the end screen
    gets the same theme ids, in the same order, as pygame_gui's own lookup gives."""
    manager = theme.make_manager(display.get_size())
    state, _, final = moment(SC, 4, 2)
    table = TableScreen(manager, SC, view_for(state, SeatId("bytedance")), display.get_size())
    table.open_composer()
    LobbyScreen(manager, SC, display.get_size())
    EndScreen(manager, SC, view_for(final, SeatId("cfius")), display.get_size())
    ui_theme = manager.get_theme()
    elements = [e for e in manager.get_sprite_group().sprites() if isinstance(e, UIElement)]
    assert len(elements) > 80
    seen = set()
    for e in elements:
        ids = (e.element_base_ids, e.element_ids, e.class_ids, e.object_ids)
        ours = ui_theme.build_all_combined_ids(*ids)
        theirs = UIAppearanceTheme.build_all_combined_ids(ui_theme, *ids)  # type: ignore[arg-type]
        assert ours == theirs, ids
        seen.add(len(e.element_ids))
    assert max(seen) >= 3  # widgets in containers in windows, where the ids nest deepest


def test_fonts_measure_as_pygame_gui_does(display: pygame.Surface) -> None:
    """The manager's fonts keep what they measure: every size is the one pygame_gui's
    own measure gives, and each call gets a Rect of its own to change."""
    from pygame_gui.core.gui_font_pygame import GUIFontPygame

    manager = theme.make_manager(display.get_size())
    fonts = manager.get_theme().get_font_dictionary()
    face = fonts.find_font(13, theme.FONT_NAME, bold=True)
    assert isinstance(face, GUIFontPygame)
    for text in ("", "A", "ts-5 · by Microsoft", "$30B for the US", "Sign"):
        for _ in range(2):
            assert face.get_rect(text) == GUIFontPygame.get_rect(face, text)
    mine = face.get_rect("Sign")
    mine.width = 0
    assert face.get_rect("Sign").width > 0
