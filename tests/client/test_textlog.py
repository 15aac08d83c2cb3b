"""The feed's and the threads' text boxes: pygame_gui text boxes that grow cheaply and
show what a plain pygame_gui text box shows."""

from __future__ import annotations

from typing import Any

import pygame
import pygame_gui
import pytest
from pygame_gui.core.text import TextBoxLayout
from pygame_gui.elements import UITextBox, ui_text_box

from divestiture.client import theme
from divestiture.client.panels import oid
from divestiture.client.panels.talk import feed_rows
from divestiture.client.panels.textlog import KEEP, MOST, OLDER, STEP_ROWS, LogTextBox, TextLog
from divestiture.client.snapshot import moment
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.types import SeatId
from divestiture.game.views import view_for

SC = load_scenario(DEFAULT_SCENARIO)
RECT = pygame.Rect(920, 106, 338, 213)  # the feed's box at 1280x800


def _rows() -> list[str]:
    """A real feed's lines: a bot game's, late in the week."""
    state, _, _ = moment(SC, 4, 4)
    return feed_rows(view_for(state, SeatId("bytedance")))


def _image(manager: pygame_gui.UIManager, box: UITextBox, scrolled: float) -> bytes:
    assert box.scroll_bar is not None
    box.scroll_bar.set_scroll_from_start_percentage(scrolled)
    for _ in range(2):
        manager.update(1 / 30)
    return pygame.image.tobytes(box.image, "RGBA")


@pytest.mark.parametrize("step", [1, 2, 5])
def test_a_grown_box_shows_what_a_plain_text_box_shows(display: pygame.Surface, step: int) -> None:
    """A box grown a few lines at a time, overflowing on the way, has the same pixels
    at every scroll position as pygame_gui's own text box made with all the text."""
    rows = _rows()
    assert len(rows) > 12
    manager = theme.make_manager(display.get_size())
    grown = LogTextBox("<br>".join(rows[:step]), RECT, manager, object_id=oid(None, "#feed"))
    for i in range(step, len(rows), step):
        grown.append_html_text("<br>" + "<br>".join(rows[i : i + step]))
    plain = UITextBox("<br>".join(rows), RECT, manager, object_id=oid(None, "#feed"))
    for scrolled in (0.0, 0.35, 1.0):
        assert _image(manager, grown, scrolled) == _image(manager, plain, scrolled)
    assert grown.text_box_layout is not None and plain.text_box_layout is not None
    assert grown.text_box_layout.plain_text == plain.text_box_layout.plain_text


def test_growing_lays_out_the_text_once(
    display: pygame.Surface, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Appending lines, the first that overflows the box included, lays out only the new
    lines: the box's text is laid out (parsed into a layout) once, when it is made."""
    rows = _rows()
    manager = theme.make_manager(display.get_size())
    made = []

    class Counted(TextBoxLayout):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ui_text_box, "TextBoxLayout", Counted)
    box = LogTextBox(rows[0], RECT, manager, object_id=oid(None, "#feed"))
    for row in rows[1:]:
        box.append_html_text("<br>" + row)
    assert box.scroll_bar is not None  # it overflowed
    assert len(made) == 1


def _log(display: pygame.Surface) -> tuple[TextLog, pygame_gui.UIManager]:
    manager = theme.make_manager(display.get_size())
    return TextLog(manager, RECT, "#feed", "<i>Nothing yet.</i>"), manager


def _shown_html(log: TextLog) -> str:
    return log.box.html_text + log.box.appended_text


def test_a_log_takes_new_rows_a_few_a_step(display: pygame.Surface) -> None:
    """New rows are laid out a few a step (at most ``STEP_ROWS``), appended to the same
    box, which scrolls to the newest; until the first, the box shows its empty note."""
    log, manager = _log(display)
    assert _shown_html(log) == "<i>Nothing yet.</i>" and not log.pending
    rows = _rows()[:10]
    log.set_rows(rows)
    assert log.pending
    box = log.box
    shown = 0
    while log.step():
        added = len(log.shown_rows) - shown
        assert 1 <= added <= STEP_ROWS
        shown += added
    assert log.box is box and not log.pending
    assert log.shown_rows == tuple(rows)
    assert _shown_html(log) == "<br>".join(rows)
    for _ in range(3):
        manager.update(1 / 30)
    bar = box.scroll_bar
    assert bar is not None
    assert bar.start_percentage + bar.visible_percentage >= 0.99  # at the newest line


def test_a_long_log_keeps_its_latest_rows(display: pygame.Surface) -> None:
    """Past ``MOST`` rows, a box of the latest ``KEEP`` (after a note that older lines
    are not shown) is grown out of sight while the shown box still takes new rows, and
    then shows in its place."""
    log, _ = _log(display)
    rows = [f"Line {n}: something public happened." for n in range(MOST + 1)]
    log.set_rows(rows[:MOST])
    log.settle()
    first = log.box
    log.set_rows(rows)
    assert log.step() and log.box is first and log.shown_rows[-1] == rows[-1]
    more = [*rows, "Line after: one more."]
    log.set_rows(more)
    swapped = False
    while log.step():
        if log.box is not first:
            swapped = True
        else:
            assert log.shown_rows[-1] == more[-1]  # the shown box is never behind
    assert swapped and not first.alive() and log.box.visible  # type: ignore[no-untyped-call]
    assert log.shown_rows == tuple(more[-KEEP:])
    assert _shown_html(log) == "<br>".join([OLDER, *more[-KEEP:]])


def test_a_log_whose_rows_changed_shows_the_new_ones(display: pygame.Surface) -> None:
    """Rows that are not the shown ones plus more (a different list) are shown in a box
    of their own."""
    log, _ = _log(display)
    log.set_rows(["one", "two"])
    log.settle()
    log.set_rows(["three"])
    log.settle()
    assert log.shown_rows == ("three",) and _shown_html(log) == "three"
    log.set_rows([])
    log.settle()
    assert _shown_html(log) == "<i>Nothing yet.</i>"


def test_a_hidden_log_stays_hidden(display: pygame.Surface) -> None:
    """A hidden thread's box takes its new rows without showing, boxes made to replace it
    included, and shows when asked."""
    manager = theme.make_manager(display.get_size())
    log = TextLog(manager, RECT, "#thread", "empty", visible=False)
    rows = [f"Message {n}" for n in range(MOST + 5)]
    log.set_rows(rows)
    log.settle()
    assert not log.box.visible and log.shown_rows == tuple(rows[-KEEP:])
    log.show()
    assert log.box.visible
    assert log.box.scroll_bar is not None and log.box.scroll_bar.visible
