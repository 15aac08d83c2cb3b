"""The feed and the chat threads: pygame_gui text boxes that grow a few lines at a time.

``LogTextBox`` is pygame_gui's ``UITextBox`` (its markup, its scroll bar, selecting and
copying text) with two costs of growing taken out, both measured (docs/PERFORMANCE.md):

- Appending to a box whose text is taller than the box lays out only the new lines,
  but then pygame_gui renders every line again onto a taller surface
  (``TextBoxLayout.finalise_to_new``): about 0.3 ms per line already there, 6 ms for a
  20-line feed. Here the lines already rendered are copied onto the taller surface and
  only the new ones are rendered.
- The first time its text overflows, a box parses and lays out all of its text again
  twice: once at its full width, once beside the scroll bar it then makes, and makes
  that scroll bar (3 ms). Here the text is always laid out beside the scroll bar's
  room, so neither layout is needed again, and the scroll bar can be made ahead of
  need (``prepare``, in a frame with nothing else to do), hidden until it is wanted.

A box grown this way shows the same pixels as a plain ``UITextBox`` made with all the
text at once (tests/client/test_textlog.py checks it).

``TextLog`` shows the rows of a list that only grows (the public feed, one chat
thread) in a ``LogTextBox``, brought up to date a few rows per ``step``, so no frame
lays out much text; the table screen calls ``step`` in its frames until ``pending`` is
False. A box holds at most ``MOST`` rows: past that, a box of the latest ``KEEP`` rows
is grown out of sight, a step at a time, and takes the shown one's place when it has
caught up.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame
import pygame_gui
from pygame_gui.elements import UITextBox, UIVerticalScrollBar

from divestiture.client.panels import oid

MOST = 80  # rows a box holds before a box of the latest KEEP takes its place
KEEP = 50
STEP_ROWS = 3  # rows laid out in one step, at most,
STEP_CHARS = 160  # and no more markup than this (unless one row is longer)
NEAR_FULL = 64  # pixels: a box with less room left takes a row a step (it may overflow)
OLDER = "<font color='#6B768C'><i>Older lines are not shown.</i></font>"


class LogTextBox(UITextBox):
    """A ``UITextBox`` that lays its text out beside its scroll bar's room from the start
    and, growing, renders only the lines it appends."""

    _parsed: tuple[str, str, tuple[int, int]] | None = None
    _spare_bar: UIVerticalScrollBar | None = None

    def parse_html_into_style_data(self) -> None:
        # rebuild() sets the wrap width to the box's full width and calls this; the
        # text is laid out beside the scroll bar's room instead, as it will be once
        # the box overflows. When the layout already holds this text at this width
        # (the box has just overflowed while appending), it is kept.
        full = (
            self.rect.width
            - 2 * self.padding[0]
            - self.border_width["left"]
            - self.border_width["right"]
            - 2 * self.shadow_width
            - sum(self.rounded_corner_width_offsets)
        )
        self.text_wrap_rect.width = max(1, full - self.scroll_bar_width)
        key = (self.html_text, self.appended_text, self.text_wrap_rect.size)
        if self.text_box_layout is not None and key == self._parsed:
            return
        super().parse_html_into_style_data()
        self._parsed = key

    def prepare(self) -> bool:
        """Make the scroll bar the box will need once its text overflows, hidden; False
        if it has one, or one ready."""
        if self.scroll_bar is not None or self._spare_bar is not None:
            return False
        self._spare_bar = UIVerticalScrollBar(
            self._bar_rect(),
            1.0,
            self.ui_manager,
            self.ui_container,
            parent_element=self,
            visible=0,
            anchors=self.anchors,
        )
        return True

    def _bar_rect(self) -> pygame.Rect:
        # Where pygame_gui puts a text box's scroll bar: inside its border and shadow.
        across = self.border_width["left"] + self.border_width["right"]
        return pygame.Rect(
            self.relative_rect.right
            - self.border_width["right"]
            - self.shadow_width
            - self.scroll_bar_width,
            self.relative_rect.top + self.border_width["top"] + self.shadow_width,
            self.scroll_bar_width,
            self.rect.height - across - 2 * self.shadow_width,
        )

    def _build_scrollbar_for_oversized_text(
        self, total_corner_width_offsets: int, total_corner_height_offsets: int
    ) -> None:
        bar, layout = self._spare_bar, self.text_box_layout
        if bar is None or layout is None or bar.relative_rect != self._bar_rect():
            super()._build_scrollbar_for_oversized_text(
                total_corner_width_offsets, total_corner_height_offsets
            )
            return
        # What pygame_gui's own does, with the bar made already and the text laid out
        # beside it already.
        self._spare_bar = None
        bar.set_visible_percentage(self.text_wrap_rect[3] / layout.layout_rect.height)
        if self.visible:
            bar.show()  # type: ignore[no-untyped-call]
        self.scroll_bar = bar
        self.join_focus_sets(bar)

    def kill(self) -> None:
        if self._spare_bar is not None:
            self._spare_bar.kill()  # type: ignore[no-untyped-call]
            self._spare_bar = None
        super().kill()

    def room(self) -> int | None:
        """How many pixels are left under the text before the box overflows (None once
        it has: it has its scroll bar)."""
        layout = self.text_box_layout
        if self.scroll_bar is not None or layout is None or not layout.layout_rows:
            return None
        return int(self.text_wrap_rect.height - layout.layout_rows[-1].bottom)

    def append_html_text(self, new_html_str: str) -> None:
        layout = self.text_box_layout
        if layout is None or layout.finalised_surface is None:
            super().append_html_text(new_html_str)
            return
        first = len(layout.layout_rows) - 1  # the row the new text carries on
        old = layout.finalised_surface

        def grow() -> pygame.Surface:
            # In place of finalise_to_new while appending: a taller surface with the
            # rows already rendered copied across, and only the rest rendered.
            size = (layout.layout_rect.width + layout.edit_buffer, layout.layout_rect.height)
            new = pygame.Surface(size, pygame.SRCALPHA, 32)
            new.fill((0, 0, 0, 0))
            new.blit(old, (0, 0), special_flags=pygame.BLEND_RGBA_MAX)  # an exact copy
            layout.finalised_surface = new
            for row in layout.layout_rows:  # rows and chunks redraw onto their surface
                if row.target_surface is old:
                    row.target_surface = new
                for item in row.items:
                    if getattr(item, "target_surface", None) is old:
                        item.target_surface = new  # type: ignore[attr-defined]
            for row in layout.layout_rows[first:]:
                row.finalise(new)
            return new

        # The layout will hold this text at this width (if the box overflows now, its
        # rebuild finds it laid out already).
        self._parsed = (self.html_text, self.appended_text + new_html_str, self.text_wrap_rect.size)
        layout.finalise_to_new = grow  # type: ignore[method-assign]
        try:
            super().append_html_text(new_html_str)
        finally:
            del layout.finalise_to_new


class _Fill:
    """One box and the rows of the list it holds: ``rows`` from index ``start`` on
    (after a note that older rows are not shown, if ``start`` is not 0)."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        rect: pygame.Rect,
        object_id: str,
        *,
        start: int,
        rows: Sequence[str],
        empty: str,
        visible: bool,
    ) -> None:
        self.start = start
        self.rows = list(rows)
        self.empty = empty
        self.box = LogTextBox(
            self._html(self.rows),
            rect,
            manager,
            object_id=oid(None, object_id),
            visible=int(visible),
        )

    def _html(self, rows: Sequence[str]) -> str:
        if not rows and not self.start:
            return self.empty
        return "<br>".join([OLDER, *rows] if self.start else rows)

    def holds_part_of(self, rows: Sequence[str]) -> bool:
        """Whether what this box holds is still where it was in ``rows``."""
        end = self.start + len(self.rows)
        return len(rows) >= end and list(rows[self.start : end]) == self.rows

    def missing(self, rows: Sequence[str]) -> int:
        return len(rows) - self.start - len(self.rows)

    def add(self, rows: Sequence[str]) -> None:
        """Append the next few of ``rows`` this box lacks: one if the box is about to
        overflow (the step that overflows it also makes its scroll bar)."""
        rest = rows[self.start + len(self.rows) :]
        new = [rest[0]]
        room = self.box.room()
        if room is None or room >= NEAR_FULL:
            for row in rest[1:STEP_ROWS]:
                if sum(map(len, new)) + len(row) > STEP_CHARS:
                    break
                new.append(row)
        if self.rows or self.start:
            self.box.append_html_text("<br>" + "<br>".join(new))
        else:
            self.box.set_text(self._html(new))  # the first rows replace the empty note
        self.rows += new
        # (pygame_gui's append moves the bar to the end but not where it is heading, so
        # its next update would scroll it back to the top.)
        self.scroll_to_end()

    def scroll_to_end(self) -> None:
        bar = self.box.scroll_bar
        if bar is not None:
            # The bar clamps 1.0 to the last full page (setting start_percentage directly
            # would scroll past the end and show an empty box).
            bar.set_scroll_from_start_percentage(1.0)


class TextLog:
    """The rows of a growing list in a pygame_gui text box, scrolled to the newest."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        rect: pygame.Rect,
        object_id: str,
        empty: str,
        *,
        visible: bool = True,
    ) -> None:
        self.manager = manager
        self.rect = rect
        self.object_id = object_id
        self.empty = empty  # shown while there are no rows
        self.visible = visible
        self.rows: tuple[str, ...] = ()  # the whole list, as last given
        self._shown = self._fill(0, (), visible=visible)
        self._next: _Fill | None = None  # a box being grown out of sight

    @property
    def box(self) -> LogTextBox:
        """The text box that shows."""
        return self._shown.box

    @property
    def shown_rows(self) -> tuple[str, ...]:
        """The rows of the list the box shows now (the latest, if older ones were dropped)."""
        return tuple(self._shown.rows)

    def set_rows(self, rows: Sequence[str]) -> None:
        """Show ``rows`` (the whole list, oldest first); ``step`` does the work."""
        self.rows = tuple(rows)

    @property
    def pending(self) -> bool:
        """Whether the box does not show the latest rows yet (or holds too many)."""
        shown = self._shown
        if self._next is not None or not shown.holds_part_of(self.rows):
            return True
        return shown.missing(self.rows) > 0 or len(shown.rows) > MOST

    def step(self) -> bool:
        """Lay out a few more rows; False if there is nothing left to do."""
        rows, shown = self.rows, self._shown
        if self._next is not None and not self._next.holds_part_of(rows):
            self._next.box.kill()
            self._next = None
        if shown.holds_part_of(rows):
            if shown.missing(rows) > 0:  # the newest rows first, even past MOST
                shown.add(rows)
                return True
            if len(shown.rows) <= MOST:
                return False
        # The box holds too many rows, or rows no longer where they were in the list:
        # grow a box of the latest rows out of sight to take its place.
        if self._next is not None:
            return self._grow_next()
        start = max(0, len(rows) - KEEP)
        if len(rows) - start <= STEP_ROWS:  # few enough to show at once
            self._replace(self._fill(start, rows[start:], visible=self.visible))
        else:
            self._next = self._fill(start, rows[start : start + STEP_ROWS], visible=False)
        return True

    def _grow_next(self) -> bool:
        nxt = self._next
        assert nxt is not None
        if nxt.missing(self.rows) > 0:
            nxt.add(self.rows)
        if nxt.missing(self.rows) == 0:
            self._next = None
            if self.visible:
                nxt.box.show()  # type: ignore[no-untyped-call]
            self._replace(nxt)
        return True

    def _replace(self, fill: _Fill) -> None:
        self._shown.box.kill()
        self._shown = fill
        fill.scroll_to_end()

    def _fill(self, start: int, rows: Sequence[str], *, visible: bool) -> _Fill:
        return _Fill(
            self.manager,
            self.rect,
            self.object_id,
            start=start,
            rows=rows,
            empty=self.empty,
            visible=visible,
        )

    def prepare(self) -> bool:
        """Make the shown box's scroll bar ahead of need (see ``LogTextBox.prepare``);
        False if there is nothing to make."""
        return self._shown.box.prepare()

    def settle(self) -> None:
        """Bring the box up to date now, however long it takes (tests, screenshots)."""
        while self.step():
            pass

    def show(self) -> None:
        self.visible = True
        self.box.show()  # type: ignore[no-untyped-call]

    def hide(self) -> None:
        self.visible = False
        self.box.hide()  # type: ignore[no-untyped-call]

    def kill(self) -> None:
        for fill in (self._shown, self._next):
            if fill is not None:
                fill.box.kill()
