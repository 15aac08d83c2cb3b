"""The end of the week: the outcome, every seat's score, the briefs revealed, and history.

The debrief screen. It shows how the game ended, each seat's score with its
goals (how far each was met and its weight; seats are not ranked against one
another), every other seat's confidential brief, and what really happened in 2020
and after. A student in a seat also sees their own result (screens/end_result.py):
their score against the bots' games in the same seat, their table's deal map, and a
button that saves the table's report; the briefs and the history share a panel,
one tab each. Buttons: save the report, back to the lobby, or quit.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.core import UIElement
from pygame_gui.elements import UIButton, UILabel, UITextBox

from divestiture.client import draw, intents, theme
from divestiture.client.layout import MIN_SIZE
from divestiture.client.net import Inbound
from divestiture.client.panels import oid
from divestiture.client.screens.end_result import SeatResult
from divestiture.game.scenario import Scenario
from divestiture.game.views import GameView, ScoreView, SeatInfo

_M, _HEADER, _GAP = 24, 150, 12
_KIND_COLOUR = {"deal": theme.GOOD, "ban": theme.BAD, "stalemate": theme.WARN}
_TOTAL_FONT = 30


def result_line(view: GameView) -> str:
    """The last ``result`` line of the feed, without the outcome's name in front."""
    text = next((f.text for f in reversed(view.feed) if f.kind == "result"), "")
    name = view.outcome_name or ""
    return text[len(name) + 2 :] if name and text.startswith(f"{name}: ") else text


def briefs_html(view: GameView) -> str:
    """The other seats' confidential briefs, each under its seat's name in its colour."""
    seats = {s.id: s for s in view.seats}
    parts = []
    for brief in view.briefs:
        seat = seats.get(brief.seat)
        if seat is None or brief.seat == view.viewer:
            continue
        head = f"<font color='{seat.color}'><b>{escape(seat.name)}</b></font>"
        parts.append(f"{head}<br>{escape(brief.text)}")
    return "<br><br>".join(parts) or "<font color='#6B768C'>No briefs to reveal.</font>"


def timeline_html(view: GameView) -> str:
    """What really happened, one dated line per event."""
    rows = []
    for item in view.timeline:
        try:
            day = datetime.date.fromisoformat(item.date)
            when = f"{day.day} {day:%b %Y}"
        except ValueError:
            when = item.date
        rows.append(f"<font color='#C4A068'><b>{escape(when)}</b></font>  {escape(item.event)}")
    return "<br><br>".join(rows) or "<font color='#6B768C'>No history recorded.</font>"


BRIEFS, HISTORY = "briefs", "history"  # the tabs of a seated student's second panel
_TABS = {BRIEFS: "The other seats' briefs", HISTORY: "What really happened"}


class EndScreen:
    """The debrief after the deadline: outcome, scores, briefs and history, and for a
    student in a seat their own result (``result``; None for a spectator).
    ``reports_dir``: where Save report writes (None: the user's documents)."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        view: GameView,
        size: tuple[int, int],
        *,
        reports_dir: Path | None = None,
    ) -> None:
        self.manager, self.scenario, self.view, self.size = manager, scenario, view, size
        self.outcome_name = view.outcome_name or "The week is over"
        self.result_line = result_line(view)
        self.scores: dict[str, ScoreView] = {s.seat: s for s in view.scores}
        self.seats: list[SeatInfo] = [s for s in view.seats if s.id in self.scores]
        self.mine = next((s for s in self.seats if s.id == view.viewer), None)
        self.result = SeatResult(reports_dir) if self.mine is not None else None
        self.tab = BRIEFS
        outcome = next((o for o in scenario.outcomes if o.id == view.outcome), None)
        self.accent = _KIND_COLOUR.get(outcome.kind.value if outcome else "", theme.TEXT_DIM)
        self.dirty = True
        self._build()

    # -- layout ------------------------------------------------------------------------

    def _regions(self) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect, pygame.Rect]:
        """The header, the row of score cards, and the two panels below: a seated
        student's result and the tabbed briefs and history, or (a spectator) the briefs
        and the history."""
        w, h = max(self.size[0], MIN_SIZE[0]), max(self.size[1], MIN_SIZE[1])
        cw = min(w - 2 * _M, 1500)
        x = (w - cw) // 2
        header = pygame.Rect(x, 16, cw, _HEADER - 16)
        score_h = max(250, min(self._cards_height(cw), h - _HEADER - 230))
        scores = pygame.Rect(x, _HEADER + 22, cw, score_h)
        bottom_y = scores.bottom + _GAP
        left_w = int(cw * (0.52 if self.result is not None else 0.56))
        bottom_h = h - _M - bottom_y
        left = pygame.Rect(x, bottom_y, left_w, bottom_h)
        right = pygame.Rect(x + left_w + _GAP, bottom_y, cw - left_w - _GAP, bottom_h)
        return header, scores, left, right

    def _card_rects(self, row: pygame.Rect) -> list[pygame.Rect]:
        n = max(1, len(self.seats))
        cw = (row.w - _GAP * (n - 1)) // n
        return [pygame.Rect(row.x + i * (cw + _GAP), row.y, cw, row.h) for i in range(n)]

    def _cards_height(self, width: int) -> int:
        """How tall the score cards must be to show every goal of the longest card."""
        n = max(1, len(self.seats))
        inner = (width - _GAP * (n - 1)) // n - 28
        tallest = 0
        for score in self.scores.values():
            h = sum(15 * min(2, len(draw.wrap(o.label, 12, inner))) + 20 for o in score.objectives)
            tallest = max(tallest, h)
        return 118 + tallest

    def _build(self) -> None:
        """Make the widgets for the current size."""
        m = self.manager
        header, scores, left, right = self._regions()
        self.back = UIButton(
            pygame.Rect(header.right - 250, header.y + 14, 156, 40),
            "Back to lobby",
            m,
            object_id=oid("@primary", "#back_to_lobby"),
            tool_tip_text="Play again",
        )
        self.quit = UIButton(
            pygame.Rect(header.right - 86, header.y + 14, 86, 40),
            "Quit",
            m,
            object_id=oid("@quiet", "#quit"),
            tool_tip_text="Close the game",
        )
        first = self.back.rect.x
        self.save: UIButton | None = None
        if self.result is not None:
            self.save = self.result.build(m, pygame.Rect(first - 152, header.y + 14, 140, 40))
            first = self.save.rect.x
        head_rect = pygame.Rect(header.x + 16, header.y + 22, first - header.x - 32, 44)
        self.headline = UILabel(head_rect, self.outcome_name, m, object_id=oid("@headline"))
        self.totals: dict[str, UILabel] = {}
        for seat, rect in zip(self.seats, self._card_rects(scores), strict=True):
            text = f"{self.scores[seat.id].total:.0f}"
            width = theme.font(_TOTAL_FONT, True).size(text)[0] + 12
            at = pygame.Rect(rect.x + 8, rect.y + 54, width, 40)
            self.totals[seat.id] = UILabel(at, text, m, object_id=oid("@score_total"))
        self.tabs: dict[str, UIButton] = {}
        if self.result is None:
            briefs, history = _inside(left), _inside(right)
        else:
            briefs = history = pygame.Rect(right.x + 10, right.y + 42, right.w - 20, right.h - 52)
            x = right.x + 10
            for key, name in _TABS.items():
                width = theme.font(12).size(name)[0] + 28
                r = pygame.Rect(x, right.y + 8, width, 28)
                self.tabs[key] = UIButton(r, name, m, object_id=oid("@tab", f"#tab_{key}"))
                x = r.right + 4
        self.briefs_box = UITextBox(
            briefs_html(self.view), briefs, m, object_id=oid(None, "#briefs")
        )
        self.timeline_box = UITextBox(
            timeline_html(self.view), history, m, object_id=oid(None, "#timeline")
        )
        self._show_tab()

    def _show_tab(self) -> None:
        """With tabs, only the chosen one's text box shows, and its tab is selected."""
        if not self.tabs:
            return
        for key, box in ((BRIEFS, self.briefs_box), (HISTORY, self.timeline_box)):
            if key == self.tab:
                box.show()  # type: ignore[no-untyped-call]
                self.tabs[key].select()  # type: ignore[no-untyped-call]
            else:
                box.hide()  # type: ignore[no-untyped-call]
                self.tabs[key].unselect()  # type: ignore[no-untyped-call]

    def _widgets(self) -> list[UIElement]:
        boxes = [self.briefs_box, self.timeline_box, *self.tabs.values()]
        return [self.back, self.quit, self.headline, *self.totals.values(), *boxes]

    # -- the Screen protocol -------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """The buttons and the tabs."""
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return
        if event.ui_element is self.back:
            intents.post(intents.GoTo("lobby"))
        elif event.ui_element is self.quit:
            intents.post(intents.GoTo("quit"))
        elif self.result is not None and event.ui_element is self.save:
            self.result.write()
            self.dirty = True
        else:
            for key, tab in self.tabs.items():
                if event.ui_element is tab:
                    self.tab = key
                    self._show_tab()
                    self.dirty = True

    def receive(self, item: Inbound) -> None:
        """The game is over: only the seat's result (or why it will not come) changes
        this screen."""
        if self.result is not None and self.result.take(item):
            self.dirty = True

    def resize(self, size: tuple[int, int]) -> None:
        """Lay everything out again for ``size``."""
        self.size = size
        self.kill()
        self._build()
        self.dirty = True

    def tick(self, now: float) -> None:
        """Nothing moves on this screen."""

    def busy(self) -> bool:
        return False

    def kill(self) -> None:
        """Remove every widget."""
        for w in self._widgets():
            w.kill()  # type: ignore[no-untyped-call]
        if self.result is not None:
            self.result.kill()

    # -- drawing -----------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The header, the score cards and the two panels' frames (widgets go on top)."""
        surface.fill(theme.BG)
        header, scores, left, right = self._regions()
        first = self.save.rect.x if self.save is not None else self.back.rect.x
        pygame.draw.rect(surface, self.accent, (header.x, header.y + 8, 5, 92))
        kicker = f"THE WEEK IS OVER \u00b7 {self.view.round_name.upper()}"
        draw.label(surface, kicker, (header.x + 16, header.y + 4), 12, theme.RIM_HI, bold=True)
        area = pygame.Rect(header.x + 16, header.y + 70, first - header.x - 40, 58)
        draw.paragraph(surface, self.result_line, area, 14, theme.TEXT_DIM, spacing=1.15)
        if self.result is not None and self.result.saved:
            ink = theme.TEXT_DIM if self.result.saved_ok else theme.BAD
            said = pygame.Rect(first, header.y + 62, header.right - first, header.bottom - 62)
            draw.paragraph(surface, self.result.saved, said, 12, ink, spacing=1.1)
        caption = "SCORES OUT OF 100 \u00b7 each goal: how far it was met, and its weight"
        draw.label(surface, caption, (scores.x, scores.y - 20), 12, theme.TEXT_DIM, bold=True)
        draw.label(
            surface,
            "Italic goals were secret.",
            (scores.right, scores.y - 20),
            12,
            theme.TEXT_FAINT,
            italic=True,
            align="right",
        )
        for seat, rect in zip(self.seats, self._card_rects(scores), strict=True):
            self._card(surface, rect, seat)
        if self.result is None or self.mine is None:
            draw.panel(surface, left, "The other seats' briefs, revealed", theme.RIM_HI)
            draw.panel(surface, right, "What really happened", theme.RIM_HI)
        else:
            self._mine(surface, left, self.mine, self.result)
            draw.panel(surface, right)
            tab = self.tabs[self.tab].rect
            pygame.draw.rect(surface, theme.RIM_HI, (tab.x, tab.bottom + 2, tab.w, 2))
        self.dirty = False

    def _mine(
        self, surface: pygame.Surface, rect: pygame.Rect, seat: SeatInfo, result: SeatResult
    ) -> None:
        """The seated student's panel: their score, how it compares with the bots' games
        in the same seat, and their table's deal map."""
        colour = theme.hex_colour(seat.color)
        draw.panel(surface, rect, f"Your result \u00b7 {seat.name}", colour)
        x, y = rect.x + 14, rect.y + 34
        total = draw.label(surface, f"{self.scores[seat.id].total:.0f}", (x, y), 26, bold=True)
        out_of = draw.label(surface, "/ 100", (total.right + 6, total.bottom - 20), 13)
        ink = theme.TEXT if result.report is not None else theme.TEXT_DIM
        if result.problem and result.report is None:
            ink = theme.WARN
        left = out_of.right + 18
        width = rect.right - 14 - left
        one = next(
            (n for n in (14, 13) if len(draw.wrap(result.line, n, width, bold=True)) == 1), 0
        )
        if one:
            draw.label(surface, result.line, (left, total.bottom - 7 - one), one, ink, bold=True)
        else:  # a narrow window, or a long reason: two lines beside the score
            two = pygame.Rect(left, total.y + 1, width, 38)
            draw.paragraph(surface, result.line, two, 13, ink, bold=True, spacing=1.05)
        result.draw_map(surface, self.map_area())

    def map_area(self) -> pygame.Rect:
        """Where a seated student's deal map may go: below their score, in their panel."""
        _, _, rect, _ = self._regions()
        top = rect.y + 78
        return pygame.Rect(rect.x + 14, top, rect.w - 28, rect.bottom - 12 - top)

    def _card(self, surface: pygame.Surface, rect: pygame.Rect, seat: SeatInfo) -> None:
        colour = theme.hex_colour(seat.color)
        mine = seat.id == self.view.viewer
        draw.rounded(surface, rect, theme.PANEL_HI if mine else theme.PANEL, theme.LINE, radius=8)
        if mine:
            pygame.draw.rect(surface, colour, rect, width=2, border_radius=8)
        pygame.draw.rect(
            surface,
            colour,
            (rect.x, rect.y, rect.w, 6),
            border_top_left_radius=8,
            border_top_right_radius=8,
        )
        x, w = rect.x + 14, rect.w - 28
        draw.portrait(surface, (x + 14, rect.y + 32), 14, seat.id, colour)
        name_y = rect.y + (16 if mine else 24)
        draw.label(surface, seat.name, (x + 36, name_y), 14, bold=True, max_width=w - 36)
        if mine:
            draw.label(surface, "YOUR SEAT", (x + 36, rect.y + 34), 10, colour, bold=True)
        score = self.scores[seat.id]
        label = self.totals[seat.id].rect
        draw.label(surface, "/ 100", (label.right, label.y + 17), 13, theme.TEXT_DIM)
        _bar(surface, pygame.Rect(x, rect.y + 98, w, 6), score.total / 100, colour)
        y, tint = rect.y + 116, theme.mix(colour, theme.TEXT, 0.2)
        for goal in score.objectives:
            secret = not goal.public
            lines = draw.wrap(goal.label, 12, w, italic=secret)
            if len(lines) > 2:
                lines = [lines[0], lines[1] + "\u2026"]
            for line in lines:
                draw.label(surface, line, (x, y), 12, italic=secret, max_width=w)
                y += 15
            _bar(surface, pygame.Rect(x, y + 5, w - 92, 4), goal.value, tint)
            # A weight of 0 marks the deal's own line: it moves the score, it is not weighed.
            value = f"{goal.value:.0%}"
            weight = f"\u00d7{goal.weight:g}" if goal.weight else ""
            draw.label(surface, value, (rect.right - 58, y), 11, bold=True, align="right")
            draw.label(surface, weight, (rect.right - 14, y), 11, theme.TEXT_DIM, align="right")
            y += 20
            if y > rect.bottom - 20:
                break


def _inside(panel: pygame.Rect) -> pygame.Rect:
    """Where a panel's text box goes, below the panel's heading."""
    return pygame.Rect(panel.x + 10, panel.y + 34, panel.w - 20, panel.h - 44)


def _bar(surface: pygame.Surface, rect: pygame.Rect, share: float, fill: theme.Colour) -> None:
    pygame.draw.rect(surface, theme.BG_DEEP, rect, border_radius=rect.h // 2)
    if share > 0:
        filled = pygame.Rect(rect.x, rect.y, max(rect.h, int(rect.w * min(1.0, share))), rect.h)
        pygame.draw.rect(surface, fill, filled, border_radius=rect.h // 2)
