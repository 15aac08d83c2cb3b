"""A due-diligence finding comes with the brief, marked new until the brief is opened."""

from __future__ import annotations

import pygame
import pygame_gui

from divestiture.client import theme
from divestiture.client.net import ViewUpdate
from divestiture.client.screens.table import TableScreen
from divestiture.client.snapshot import moment
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.engine import start
from divestiture.game.events import Finding
from divestiture.game.types import SeatId

SC = load_scenario(DEFAULT_SCENARIO)
MS = SeatId("microsoft")


def _draw(table: TableScreen, manager: pygame_gui.UIManager, surface: pygame.Surface) -> None:
    manager.update(0.05)
    table.draw(surface)
    manager.draw_ui(surface)


def _colours(surface: pygame.Surface, rect: pygame.Rect) -> set[tuple[int, ...]]:
    return {
        tuple(surface.get_at((x, y)))[:3]
        for x in range(rect.x, rect.right)
        for y in range(rect.y, rect.bottom)
    }


def test_a_finding_is_marked_new_until_the_brief_shows_it(display: pygame.Surface) -> None:
    """A view that brings a finding puts an amber "1 new finding" mark beside "Press B for
    your brief"; the brief lists the finding in words, marked new; once the brief has been
    opened the mark is gone."""
    manager = theme.make_manager(display.get_size())
    table = TableScreen(manager, SC, view_for(start(SC, 1).state, MS), display.get_size())
    _draw(table, manager, display)
    assert table.unread == 0 and table.unread_rect.w == 0
    state, _, _ = moment(SC, 1, 2)
    found = view_for(state, MS)
    (finding,) = found.findings
    assert isinstance(finding, Finding) and finding.seller == "bytedance"
    table.receive(ViewUpdate(found))
    _draw(table, manager, display)
    assert table.unread == 1
    mark = table.unread_rect
    assert mark.w > 0 and display.get_rect().contains(mark)
    assert theme.WARN in _colours(display, mark)
    table.toggle("brief")
    assert table.overlay is not None
    html = table.overlay.box.html_text
    assert "<b>Due diligence</b>" in html
    assert "ByteDance&#x27;s floor for the US business looks to be between $19B and $22B" in html
    assert "(new)" in html
    assert table.unread == 0
    table.toggle("brief")  # closed again
    _draw(table, manager, display)
    assert table.unread_rect.w == 0
    assert theme.WARN not in _colours(display, mark)


def test_a_finding_that_arrives_with_the_brief_open_is_shown_there(
    display: pygame.Surface,
) -> None:
    """With the brief open, a new finding is added to it at once, and counts as read."""
    manager = theme.make_manager(display.get_size())
    table = TableScreen(manager, SC, view_for(start(SC, 1).state, MS), display.get_size())
    table.toggle("brief")
    assert table.overlay is not None
    assert "Due diligence" not in table.overlay.box.html_text
    state, _, _ = moment(SC, 1, 2)
    table.receive(ViewUpdate(view_for(state, MS)))
    assert "looks to be between $19B and $22B" in table.overlay.box.html_text
    assert table.unread == 0
