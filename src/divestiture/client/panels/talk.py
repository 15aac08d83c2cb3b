"""The public feed (with the statement box) and the private chat threads.

Chat threads: one per other seat, plus the team channel (students sharing this
seat). Enter in a text box sends, as the Send button does. The feed and each
thread are pygame_gui text boxes (``TextLog``), each brought up to date a few lines
at a time by ``step``; a thread's box is kept, hidden, while another tab is open.
"""

from __future__ import annotations

from html import escape

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

from divestiture.client import intents
from divestiture.client.describe import thread_of
from divestiture.client.net import TeamChat
from divestiture.client.panels import oid
from divestiture.client.panels.textlog import TextLog
from divestiture.client.theme import hex_colour
from divestiture.game.actions import Message, Statement
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

TEAM = "team"
_QUIET = "#6B768C"
FEED_EMPTY = f"<font color='{_QUIET}'>Nothing public has happened yet.</font>"
TEAM_EMPTY = (
    f"<font color='{_QUIET}'>Your team channel. "
    "Due-diligence findings and notes appear here too.</font>"
)


def _seat_colours(view: GameView) -> dict[str, str]:
    return {s.id: s.color for s in view.seats}


def feed_rows(view: GameView) -> list[str]:
    """The public feed's lines, oldest first, each marked with its seat's colour (the
    feed only grows: a new view's lines begin with the last view's)."""
    colours = _seat_colours(view)
    rows = []
    last_round = 0
    for item in view.feed:
        if item.round != last_round:
            last_round = item.round
            day = f"Day {item.round}"  # not the current day's name: old lines stay as they were
            rows.append(f"<font color='#6B768C'><b>\u2014 {escape(day)} \u2014</b></font>")
        dot = colours.get(item.seat or "", "#98A3B8")
        text = escape(item.text)
        if item.kind == "news":
            text = f"<i>{text}</i>"
        elif item.kind in ("official", "lever", "result", "deal"):
            text = f"<b>{text}</b>"
        rows.append(f"<font color='{dot}'>\u25cf</font> {text}")
    return rows


class FeedPanel:
    """The feed of public statements and official actions, and a box to make one."""

    def __init__(self, manager: pygame_gui.UIManager, rect: pygame.Rect) -> None:
        self.rect = rect
        inner = pygame.Rect(rect.x + 10, rect.y + 34, rect.w - 20, rect.h - 34 - 46)
        self.log = TextLog(manager, inner, "#feed", FEED_EMPTY)
        self.entry, self.say = _entry_row(
            manager,
            rect,
            ("#statement", "A public statement\u2026"),
            ("#say", "Say", "Make a public statement everyone sees"),
        )
        self._can_speak = False

    def show(self, view: GameView) -> None:
        self.log.set_rows(feed_rows(view))
        self._can_speak = any(isinstance(a, Statement) for a in view.legal)
        _enable((self.say, self.entry), self._can_speak)

    @property
    def pending(self) -> bool:
        return self.log.pending

    def step(self) -> bool:
        """Lay out a few of the feed's new lines; False if it is up to date."""
        return self.log.step()

    def prepare(self) -> bool:
        """Make the feed's scroll bar ahead of need; False if there is nothing to make."""
        return self.log.prepare()

    def handle(self, event: pygame.event.Event) -> bool:
        sent = event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.say
        sent |= event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.entry
        if not sent:
            return False
        text = self.entry.get_text().strip()
        if text and self._can_speak:
            intents.post(intents.SendAction(Statement(text=text)))
            self.entry.set_text("")
        return True

    def kill(self) -> None:
        self.log.kill()
        for w in (self.entry, self.say):
            w.kill()  # type: ignore[no-untyped-call]


def _entry_row(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    entry: tuple[str, str],
    button: tuple[str, str, str],
) -> tuple[UITextEntryLine, UIButton]:
    """A text entry and its button along the bottom of a panel: (id, placeholder) and
    (id, label, tooltip)."""
    entry_rect = pygame.Rect(rect.x + 10, rect.bottom - 40, rect.w - 20 - 78, 32)
    line = UITextEntryLine(
        entry_rect, manager, object_id=oid(None, entry[0]), placeholder_text=entry[1]
    )
    press = UIButton(
        pygame.Rect(entry_rect.right + 6, entry_rect.y, 72, 32),
        button[1],
        manager,
        object_id=oid("@primary", button[0]),
        tool_tip_text=button[2],
    )
    return line, press


def _enable(widgets: tuple[UIButton | UITextEntryLine, ...], on: bool) -> None:
    for w in widgets:
        if on:
            w.enable()  # type: ignore[no-untyped-call]
        else:
            w.disable()  # type: ignore[no-untyped-call]


def _recipients(me: str, to: tuple[str, ...], names: dict[str, str]) -> str:
    """Who a group message went to, "you" first: "(to you and ByteDance)"."""
    listed = (["you"] if me in to else []) + [names.get(s, s) for s in to if s != me]
    return "(to " + (", ".join(listed[:-1]) + " and " + listed[-1]) + ")"


def short_name(name: str, width: int, px_per_char: float = 7.4) -> str:
    """``name`` if it fits ``width`` pixels on a tab, else its initials."""
    if len(name) * px_per_char <= width - 10:
        return name
    return "".join(w[0] for w in name.split()).upper()


class ChatPanel:
    """Private threads with each other seat and the team channel: a text box per thread,
    the open one shown and the others kept, hidden, up to date."""

    def __init__(self, manager: pygame_gui.UIManager, rect: pygame.Rect, view: GameView) -> None:
        self.manager = manager
        self.rect = rect
        self.me = view.viewer
        self.others = [s for s in view.seats if s.id != self.me]
        self.current = self.others[0].id if self.others else TEAM
        for m in reversed(view.messages):  # open on the latest conversation
            threads = thread_of(self.me, m.sender, m.to)
            if threads:
                self.current = threads[0]
                break
        self.unread: dict[str, int] = {}
        self._seen = 0
        self._team_rows: list[str] = []  # notes and team lines, in the order they came
        self._notes = 0  # the view's notes already among them
        self.tabs: dict[str, UIButton] = {}
        tab_y = rect.y + 34
        names = [(s.id, s.name) for s in self.others] + [(TEAM, "Team")]
        width = (rect.w - 20 - 4 * (len(names) - 1)) // len(names)
        for i, (key, name) in enumerate(names):
            r = pygame.Rect(rect.x + 10 + i * (width + 4), tab_y, width, 28)
            tip = f"Private thread with {name}" if key != TEAM else "Your team channel"
            self.tabs[key] = UIButton(
                r,
                short_name(name, width),
                manager,
                tool_tip_text=tip,
                object_id=oid("@tab", f"#tab_{key}"),
            )
        self.tab_strip = pygame.Rect(rect.x + 10, tab_y + 29, rect.w - 20, 3)
        body = pygame.Rect(rect.x + 10, tab_y + 36, rect.w - 20, rect.bottom - 46 - tab_y - 36)
        self.logs: dict[str, TextLog] = {}
        for key, name in names:
            empty = (
                TEAM_EMPTY
                if key == TEAM
                else f"<font color='{_QUIET}'>No messages with {escape(name)} yet.</font>"
            )
            self.logs[key] = TextLog(manager, body, "#thread", empty, visible=key == self.current)
        self.entry, self.send = _entry_row(
            manager,
            rect,
            ("#chat_entry", "Write privately\u2026"),
            ("#send", "Send", "Send (Enter)"),
        )
        self.view = view
        self._take_notes(view)  # notes first, then the team's lines (the screen adds them)
        self._select(self.current)

    @property
    def log(self) -> TextLog:
        """The open thread's text."""
        return self.logs[self.current]

    # -- content ---------------------------------------------------------------------------

    def show(self, view: GameView) -> None:
        self.view = view
        for m in view.messages[self._seen :]:
            if m.sender == self.me:
                continue
            for key in thread_of(self.me, m.sender, m.to):
                if key != self.current:
                    self.unread[key] = self.unread.get(key, 0) + 1
        self._seen = len(view.messages)
        self._take_notes(view)
        self._refresh()

    def _take_notes(self, view: GameView) -> None:
        for n in view.notes[self._notes :]:
            self._team_rows.append(f"<font color='#F0C86E'>\u2605 Note:</font> {escape(n)}")
        self._notes = len(view.notes)

    def add_team(self, line: TeamChat) -> None:
        self._team_rows.append(f"<b>{escape(line.sender)}:</b> {escape(line.text)}")
        if self.current != TEAM:
            self.unread[TEAM] = self.unread.get(TEAM, 0) + 1
        self._refresh()

    def thread_rows(self, key: str) -> list[str]:
        """One thread's lines, oldest first (a thread only grows)."""
        if key == TEAM:
            return list(self._team_rows)
        colours = _seat_colours(self.view)
        names: dict[str, str] = {s.id: s.name for s in self.view.seats}
        rows = []
        for m in self.view.messages:
            if key not in thread_of(self.me, m.sender, m.to):
                continue
            who = "You" if m.sender == self.me else names.get(m.sender, m.sender)
            colour = colours.get(m.sender, "#E6EAF2")
            tags = ["(briefing)"] if m.kind == "briefing" else []
            if len(m.to) > 1:  # a group message shows in each thread: say who had it
                tags.append(_recipients(self.me, m.to, names))
            # The colon and its space end the last styled run, so a wrap starts no line
            # with either.
            head = f"<font color='{colour}'><b>{escape(who)}"
            if tags:
                head += f"</b></font> <i>{escape(' '.join(tags))}: </i>"
            else:
                head += ": </b></font>"
            rows.append(f"{head}{escape(m.text)}")
        return rows

    def _refresh(self) -> None:
        for key, log in self.logs.items():
            log.set_rows(self.thread_rows(key))
        for key, tab in self.tabs.items():
            base = short_name(_tab_name(self.view, key), tab.rect.w)
            count = self.unread.get(key, 0)
            text = f"{base} \u2022{count}" if count and len(base) < 8 else base
            if tab.text != text:
                tab.set_text(text)
        _enable((self.entry, self.send), self._can_send())

    @property
    def pending(self) -> bool:
        return any(log.pending for log in self.logs.values())

    def step_open(self) -> bool:
        """Lay out a few of the open thread's new lines; False if it is up to date."""
        return self.log.step()

    def prepare(self) -> bool:
        """Make a thread's scroll bar ahead of need, the open thread's first; False if
        there is nothing to make."""
        if self.log.prepare():
            return True
        return any(log.prepare() for key, log in self.logs.items() if key != self.current)

    def step_others(self) -> bool:
        """Lay out a few new lines of a hidden thread; False if all are up to date."""
        return any(log.step() for key, log in self.logs.items() if key != self.current)

    def _can_send(self) -> bool:
        if self.current == TEAM:  # a seat's own channel: a spectator has none
            return any(s.id == self.me for s in self.view.seats)
        return any(isinstance(a, Message) and a.to == (self.current,) for a in self.view.legal)

    def _select(self, key: str) -> None:
        self.log.hide()
        self.current = key
        self.log.show()
        self.unread.pop(key, None)
        for k, tab in self.tabs.items():
            if k == key:
                tab.select()  # type: ignore[no-untyped-call]
            else:
                tab.unselect()  # type: ignore[no-untyped-call]
        self._refresh()

    # -- input -----------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            for key, tab in self.tabs.items():
                if event.ui_element is tab:
                    self._select(key)
                    return True
        sent = event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element is self.send
        sent |= event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.entry
        if not sent:
            return False
        self.submit(self.entry.get_text())
        return True

    def submit(self, text: str) -> bool:
        """Send ``text`` on the current thread; False if there is nothing to send or no right."""
        text = text.strip()
        if not text or not self._can_send():
            return False
        if self.current == TEAM:
            intents.post(intents.SendTeam(text))
        else:
            intents.post(intents.SendAction(Message(to=(SeatId(self.current),), text=text)))
        self.entry.set_text("")
        return True

    def tab_colours(self) -> list[tuple[pygame.Rect, str]]:
        """Where to draw each tab's seat-colour strip (drawn under the widgets)."""
        colours = _seat_colours(self.view)
        return [
            (
                pygame.Rect(tab.rect.x, tab.rect.bottom + 1, tab.rect.w, 3),
                colours.get(key, "#98A3B8"),
            )
            for key, tab in self.tabs.items()
        ]

    def draw(self, surface: pygame.Surface) -> None:
        """The tabs' colour strips (under the widgets)."""
        for rect, colour in self.tab_colours():
            pygame.draw.rect(surface, hex_colour(colour), rect)

    def kill(self) -> None:
        for log in self.logs.values():
            log.kill()
        for w in (*self.tabs.values(), self.entry, self.send):
            w.kill()  # type: ignore[no-untyped-call]


def _tab_name(view: GameView, key: str) -> str:
    if key == TEAM:
        return "Team"
    return next((s.name for s in view.seats if s.id == key), key)
