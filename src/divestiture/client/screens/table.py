"""The table: where a seat plays. Tracks, news, the deal table, term sheets, talk, levers.

The screen holds only the latest view of its seat (never a game state). Panels
own their widgets and post intents; this screen places them, draws what they
sit on, and answers the keyboard shortcuts (B, C, P, Esc, F1).

Laying out text in pygame_gui's text boxes is the dearest thing a view costs, so
a new view only says what the term-sheet cards, the feed and the chat threads
should show, and the frames after it lay the new text out a piece at a time (a
card, or a few lines: one piece a frame, or a few if they are tiny), the cards
first, then the open thread, the feed, the length of the cards' scroll bar and
the hidden threads. The frame with the
view lays out none (unless views have kept coming for ``HOLD_FRAMES`` frames).
Meanwhile ``busy`` keeps the app's loop drawing frames.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

import pygame
import pygame_gui

from divestiture.client import compose, draw, intents, theme
from divestiture.client.describe import refusal_text, seat_info
from divestiture.client.layout import TableLayout
from divestiture.client.net import (
    ErrorNotice,
    EventLines,
    Inbound,
    Notice,
    PhaseTimer,
    Status,
    TeamChat,
    ViewUpdate,
)
from divestiture.client.panels.actions import ActionBar
from divestiture.client.panels.composer import Composer
from divestiture.client.panels.overlays import TextWindow, brief_html, help_html
from divestiture.client.panels.sheets import SheetsPanel
from divestiture.client.panels.talk import ChatPanel, FeedPanel
from divestiture.client.screens.table_notes import (
    NOTICE_SECONDS,
    TOAST_SECONDS,
    Toast,
    draw_hold,
    draw_toast,
    hold,
)
from divestiture.client.screens.top_bar import Clock, draw_top_bar
from divestiture.game.actions import Pass
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.views import GameView

TEXT_BUDGET_MS = 0.5  # a frame starts another piece of text only if it spent less on them
HOLD_FRAMES = 2  # frames with a new view that leave the text to the next frame, in a row
_NEVER = object()  # the key of a region not painted yet
_Paint = Callable[[pygame.Surface, pygame.Rect], None]


class TableScreen:
    """The table screen for one seat's view."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        view: GameView,
        size: tuple[int, int],
    ) -> None:
        self.manager = manager
        self.scenario = scenario
        self.view = view
        self.link = Status("connected")
        self.timer = PhaseTimer(None)
        self.recent: deque[str] = deque(maxlen=40)  # event lines, newest last
        self.toast: Toast | None = None
        self.team: list[TeamChat] = []
        self.composer: Composer | None = None
        self.overlay: TextWindow | None = None
        # Due-diligence findings read in the brief; the rest are marked new until it opens.
        self.findings_read = 0
        self.dirty = True
        self._fresh = False  # a view arrived since the last tick
        self._held = 0  # frames in a row that left text to lay out for the next
        self._shown_seconds: int | None = None
        self.link_rect = pygame.Rect(0, 0, 0, 0)
        self.unread_rect = pygame.Rect(0, 0, 0, 0)  # where the new-findings mark was drawn
        self.hold_rect = pygame.Rect(0, 0, 0, 0)  # where the teacher's hold was drawn
        self._picture: pygame.Surface | None = None
        self._base = pygame.Surface((0, 0))
        self._painted: dict[str, object] = {}  # region -> the key it was last painted for
        self._build(size)

    # -- widgets ----------------------------------------------------------------------------

    def _build(self, size: tuple[int, int]) -> None:
        self.layout = TableLayout.for_size(size)
        self._picture = None  # new widgets: paint every region again
        self.actions = ActionBar(self.manager, self.layout.actions, self.open_composer)
        self.sheets = SheetsPanel(self.manager, self.layout.sheets, self.open_counter)
        self.feed = FeedPanel(self.manager, self.layout.feed)
        self.chat = ChatPanel(self.manager, self.layout.chat, self.view)
        for line in self.team:
            self.chat.add_team(line)
        self._show()

    def _show(self) -> None:
        self.actions.show(self.view, self.scenario, compose.can_compose(self.view))
        self.sheets.show(self.view, self.scenario)
        self.feed.show(self.view)
        self.chat.show(self.view)
        if self.composer is not None:
            self.composer.set_view(self.view)
        self.dirty = True

    def open_composer(self) -> None:
        """A new term sheet, prefilled with a sensible offer."""
        if compose.can_compose(self.view):
            self._open_draft(compose.fresh(self.view, self.scenario))

    def open_counter(self, sheet: TermSheet) -> None:
        """A counter-offer to ``sheet``, starting from its terms."""
        self._open_draft(compose.counter_of(sheet))

    def _open_draft(self, draft: compose.Draft) -> None:
        self.close_windows()
        self.composer = Composer(self.manager, self.scenario, self.view, draft)
        self.dirty = True

    def toggle(self, name: str) -> None:
        """Open the brief or help window, or close it if it is the one open."""
        was = self.overlay.name if self.overlay is not None else None
        self.close_windows()
        if was == name:
            return
        if name == "brief":
            html = brief_html(self.view, self.scenario, self.unread)
            title = "Your confidential brief"
            self.findings_read = len(self.view.findings)
        else:
            html, title = help_html(self.scenario), "How to play"
        self.overlay = TextWindow(self.manager, title, html, name)
        self.dirty = True

    @property
    def unread(self) -> int:
        """Due-diligence findings the seat has not yet seen in its brief."""
        return max(0, len(self.view.findings) - self.findings_read)

    def close_windows(self) -> bool:
        closed = self.actions.close_window()
        for window in (self.composer, self.overlay):
            if window is not None:
                window.kill()
                closed = True
        self.composer = self.overlay = None
        self.dirty = True
        return closed

    # -- the Screen protocol ----------------------------------------------------------------

    def receive(self, item: Inbound) -> None:
        if isinstance(item, ViewUpdate):
            self.view = item.view
            self._show()
            self._fresh = True
            if self.unread and self.overlay is not None and self.overlay.name == "brief":
                # Open in front of the seat: a new finding is read as it arrives.
                self.overlay.box.set_text(brief_html(self.view, self.scenario, self.unread))
                self.findings_read = len(self.view.findings)
        elif isinstance(item, EventLines):
            self.recent.extend(item.lines)
        elif isinstance(item, ErrorNotice):
            text = refusal_text(self.scenario, item.code, item.message)
            self.toast = Toast(text, time.monotonic() + TOAST_SECONDS)
        elif isinstance(item, Notice):
            self.toast = Toast(item.message, time.monotonic() + NOTICE_SECONDS, error=False)
        elif isinstance(item, Status):
            self.link = item
        elif isinstance(item, PhaseTimer):
            self.timer = item
        elif isinstance(item, TeamChat):
            self.team.append(item)
            self.chat.add_team(item)
        self.dirty = True

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and self._shortcut(event):
            self.dirty = True
            return
        if self.composer is not None and self.composer.handle(event):
            if self.composer.done:
                self.composer.kill()
                self.composer = None
            self.dirty = True
            return
        if self.overlay is not None and self.overlay.handle(event):
            if self.overlay.done:
                self.overlay.kill()
                self.overlay = None
            self.dirty = True
            return
        for panel in (self.actions, self.sheets, self.feed, self.chat):
            if panel.handle(event):
                self.dirty = True
                return
        if event.type in (pygame_gui.UI_BUTTON_ON_HOVERED, pygame_gui.UI_BUTTON_ON_UNHOVERED):
            self.dirty = True

    def _shortcut(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_ESCAPE:
            return self.close_windows()
        if event.key == pygame.K_F1:
            self.toggle("help")
            return True
        if _typing(self.manager):
            return False  # letters belong to the text box being typed in
        if event.mod & (pygame.KMOD_CTRL | pygame.KMOD_META):
            return False  # Ctrl+A, Ctrl+C: select and copy in a text box, not shortcuts
        if event.key == pygame.K_b:
            self.toggle("brief")
            return True
        if event.key == pygame.K_c:
            self.open_composer()
            return True
        if event.key == pygame.K_p and any(isinstance(a, Pass) for a in self.view.legal):
            intents.post(intents.SendAction(Pass()))
            return True
        return False

    def resize(self, size: tuple[int, int]) -> None:
        draft = self.composer.draft() if self.composer is not None else None
        overlay = self.overlay.name if self.overlay is not None else None
        self.kill()
        self._build(size)
        if draft is not None:
            self._open_draft(draft)
        if overlay is not None:
            self.toggle(overlay)

    def busy(self) -> bool:
        """Whether text is left to lay out for the next frames."""
        return self.sheets.pending or self.chat.pending or self.feed.pending

    def tick(self, now: float) -> None:
        fresh, self._fresh = self._fresh, False
        if self.busy():
            if fresh and self._held < HOLD_FRAMES:
                self._held += 1  # this frame already paid for a new view
            else:
                self._held = 0
                self._lay_out_text()
        elif not fresh:
            self._prepare()
        if self.toast is not None and now > self.toast.until:
            self.toast = None
            self.dirty = True
        seconds = self._seconds_left(now)
        if seconds != self._shown_seconds:
            self._shown_seconds = seconds
            self.dirty = True

    def _prepare(self) -> None:
        """Make one widget ahead of need (in a frame with nothing else to do): a scroll
        bar for a text box that will overflow, a spare card text box, card button or
        lever button."""
        for panel in (self.feed, self.chat, self.sheets, self.actions):
            if panel.prepare():
                return

    def _lay_out_text(self) -> None:
        """Pieces of new text, most wanted first: one, and more while this frame has
        spent less than ``TEXT_BUDGET_MS`` on them."""
        started = time.perf_counter()
        steps = (
            self.sheets.step,
            self.chat.step_open,
            self.feed.step,
            self.sheets.step_length,
            self.chat.step_others,
        )
        while any(step() for step in steps):
            self.dirty = True
            if (time.perf_counter() - started) * 1000 >= TEXT_BUDGET_MS:
                break

    def settle(self) -> None:
        """Lay out all the text left now, however long it takes (tests, screenshots)."""
        while self.busy():
            self._lay_out_text()

    def kill(self) -> None:
        self.close_windows()
        for panel in (self.actions, self.sheets, self.feed, self.chat):
            panel.kill()

    # -- drawing ------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Paint the screen from a kept picture, painting again only the regions whose
        part of the view changed (a new chat line repaints the chat, not the tracks)."""
        now = time.monotonic()
        if self._picture is None or self._picture.get_size() != self.layout.size:
            self._base = self._paint_base()
            self._picture = self._base.copy()
            self._painted = {}
        picture = self._picture
        for name, rect, key, paint in self._regions(now):
            if self._painted.get(name, _NEVER) != key:
                picture.set_clip(rect)
                picture.blit(self._base, rect, rect)
                paint(picture, rect)
                picture.set_clip(None)
                self._painted[name] = key
        surface.blit(picture, (0, 0))
        self.dirty = False

    def _paint_base(self) -> pygame.Surface:
        """What never changes while the window keeps its size: the background, the
        panels and their headings, the felt of the deal table."""
        lay = self.layout
        base = pygame.Surface(lay.size)
        base.fill(theme.BG)
        pygame.draw.rect(base, theme.BG_DEEP, lay.top)
        pygame.draw.line(base, theme.LINE, lay.top.bottomleft, lay.top.bottomright)
        draw.panel(base, lay.tracks, "Public tracks")
        draw.panel(base, lay.news, "Today's news", theme.WARN)
        draw.panel(base, lay.table)
        draw.felt(base, self._table_area())
        draw.panel(base, lay.sheets, "Term sheets")
        draw.panel(base, lay.feed, "Public feed")
        draw.panel(base, lay.chat, "Private talk")
        self.actions.draw_base(base)
        return base

    def _regions(self, now: float) -> list[tuple[str, pygame.Rect, object, _Paint]]:
        """Each region of the screen, what it shows (a key that changes when what it
        shows does), and how to paint it."""
        v, lay = self.view, self.layout
        me = seat_info(v, v.viewer)
        seconds = self._seconds_left(now)
        top = (
            (me.id, me.name, me.color) if me is not None else None,
            v.round_name,
            v.round,
            v.deadline,
            v.deadline_name,
            v.rounds_left,
            v.phase,
            self.link,
            seconds,
            self.timer.stopped is not None,
            self.unread,
        )
        latest = self.recent[-1] if self.recent else self.scenario.title
        toast = self.toast
        held = hold(v)
        return [
            ("top", lay.top, top, lambda s, r: self._top_bar(s, r, seconds)),
            ("tracks", lay.tracks, v.tracks, self._tracks),
            ("news", lay.news, v.news[-1] if v.news else None, self._news),
            ("table", lay.table, (v.seats, v.outcome is None, latest, toast, held), self._table),
            ("sheets", lay.sheets, self.sheets.placeholder, lambda s, _: self.sheets.draw(s)),
            ("chat", lay.chat, self.chat.tab_colours(), lambda s, _: self.chat.draw(s)),
            (
                "actions",
                lay.actions,
                (bool(self.actions.levers), v.phase, held),
                lambda s, _: self.actions.draw(s),
            ),
        ]

    def _top_bar(self, surface: pygame.Surface, rect: pygame.Rect, seconds: int | None) -> None:
        clock = None if seconds is None else Clock(seconds, self.timer.stopped is not None)
        self.link_rect, self.unread_rect = draw_top_bar(
            surface, rect, self.view, link=self.link, clock=clock, unread=self.unread
        )  # (tests look at where the link's state and the findings' mark are)

    def _tracks(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        inner = draw.panel_inner(rect, titled=True)
        tracks = self.view.tracks
        step = inner.h // max(1, len(tracks))
        for i, track in enumerate(tracks):
            draw.gauge(surface, pygame.Rect(inner.x, inner.y + i * step, inner.w, step - 10), track)

    def _news(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        inner = draw.panel_inner(rect, titled=True)
        if not self.view.news:
            return
        card = self.view.news[-1]
        y = draw.paragraph(surface, card.headline, inner, 15, theme.TEXT, bold=True)
        quote = pygame.Rect(inner.x + 10, y + 6, inner.w - 10, inner.bottom - y - 30)
        pygame.draw.line(surface, theme.WARN, (inner.x, quote.y), (inner.x, quote.bottom - 4), 2)
        draw.paragraph(surface, f"\u201c{card.quote}\u201d", quote, 13, theme.TEXT_DIM, italic=True)
        draw.label(
            surface, "From the source article", (inner.x, inner.bottom - 16), 11, theme.TEXT_FAINT
        )

    def _table_area(self) -> pygame.Rect:
        # The oval sits a little high so the bottom seat's name and tag fit below it.
        rect = self.layout.table
        return pygame.Rect(rect.x, rect.y, rect.w, int(rect.h * 0.84))

    def _table(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        area = self._table_area()
        oval = draw.felt_rect(area)  # the felt itself is in the base picture
        held = hold(self.view)
        seats = self.view.seats
        mine = next((i for i, s in enumerate(seats) if s.id == self.view.viewer), 0)
        places = draw.seat_positions(area, len(seats), mine)
        radius = max(18, min(28, rect.h // 12))
        taken = []  # where each seat's portrait, name and tag are, for the latest line
        for seat, (x, y) in zip(seats, places, strict=True):
            colour = theme.hex_colour(seat.color)
            draw.portrait(surface, (x, y), radius, seat.id, colour, lit=True)
            taken.append(pygame.Rect(x - radius, y - radius, 2 * radius, 2 * radius))
            name = "You" if seat.id == self.view.viewer else seat.name
            taken.append(
                draw.label(
                    surface, name, (x, y + radius + 5), 13, theme.TEXT, bold=True, align="centre"
                )
            )
            if self.view.outcome is None and held is None:  # (held: no one can act)
                tag, fill = ("to act", theme.WARN) if seat.waiting else ("done", theme.PANEL_HI)
                taken.append(draw.pill(surface, tag, (x, y + radius + 23), fill, size=10))
        self.hold_rect = pygame.Rect(0, 0, 0, 0)
        if held is not None:  # in place of the latest line: nothing can be done now
            self.hold_rect = draw_hold(surface, oval, held)  # (tests look at it)
        else:
            self._latest(surface, oval, taken)
        if self.toast is not None:
            draw_toast(surface, self.layout.table, self.toast)

    def _latest(
        self, surface: pygame.Surface, oval: pygame.Rect, taken: list[pygame.Rect]
    ) -> list[pygame.Rect]:
        """The latest thing that happened, written on the felt between the seats above
        and below it (``taken``: what the seats' portraits, names and tags cover), cut
        with an ellipsis if it needs more lines than fit; returns where each line is."""
        text = self.recent[-1] if self.recent else self.scenario.title
        box = oval.inflate(-oval.w // 4, -oval.h // 3)
        beside = [r for r in taken if r.left < box.right and r.right > box.left]
        top = max([r.bottom for r in beside if r.centery < box.centery] + [oval.top + 8])
        bottom = min([r.top for r in beside if r.centery >= box.centery] + [oval.bottom - 8])
        room = max(1, min(4, (bottom - top) // 20))
        lines = draw.wrap(text, 13, box.w)
        if len(lines) > room:
            lines = [*lines[: room - 1], lines[room - 1].rstrip(" .,;:") + "\u2026"]
        y = (top + bottom) // 2 - 10 * len(lines)
        ink = theme.mix(theme.TEXT, theme.FELT, 0.15)
        written = []
        for line in lines:
            written.append(draw.label(surface, line, (box.centerx, y), 13, ink, align="centre"))
            y += 20
        return written

    def _seconds_left(self, now: float) -> int | None:
        if self.view.outcome is not None:
            return None
        return self.timer.seconds_left(now)


def _typing(manager: pygame_gui.UIManager) -> bool:
    """Whether a text box has the keyboard (then letters are text, not shortcuts)."""
    focused = manager.get_focus_set()  # type: ignore[no-untyped-call]
    return any(isinstance(w, pygame_gui.elements.UITextEntryLine) for w in focused or ())
