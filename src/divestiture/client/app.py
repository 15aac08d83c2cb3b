"""The client's main loop: one window, one screen at a time, one connection.

Each frame: wait for input or a wake from the connection, give events to pygame_gui
and the screen, turn intents into sends, drain the connection's inbox, and draw
only if something changed. The connection lives on its own thread; a frame never
waits on the network. After a burst of input the loop runs at 30 frames a
second for a moment (hover, tooltips), and while the screen is busy (a new view's
text being laid out over a few frames), then idles: it sleeps in the OS, looks
for input 30 times a second, wakes at once when the connection delivers, and
updates the widgets and the clock twice a second (docs/PERFORMANCE.md: about
half a percent of a core, where pygame's event.wait took seven times that).
"""

from __future__ import annotations

import os
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from divestiture.client import intents, theme
from divestiture.client.describe import in_words, moved_text
from divestiture.client.discover import Finder, Listener
from divestiture.client.layout import DEFAULT_SIZE, MIN_SIZE
from divestiture.client.net import (
    REMOVED,
    ErrorNotice,
    EventLines,
    Inbound,
    Moved,
    Notice,
    Status,
    ViewUpdate,
)
from divestiture.client.saved import SeatFile, solo_games
from divestiture.client.screens import Screen
from divestiture.client.screens.end import EndScreen
from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen
from divestiture.client.screens.table import TableScreen
from divestiture.client.screens.waiting import WaitingScreen
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import Player
from divestiture.game.views import GameView

if TYPE_CHECKING:
    from divestiture.client.session import Session

ACTIVE_SECONDS = 2.0  # keep drawing this long after input (hover effects, tooltips)
ACTIVE_FPS = 30
IDLE_POLL_MS = 33  # how often an idle loop looks for input: a click waits at most this
IDLE_WAKE_MS = 500  # how often an idle loop updates the widgets and the screen's clocks


def launch_time() -> float:
    """When this process started, on the ``time.perf_counter`` clock (Linux: from /proc,
    so the interpreter's own start-up counts; elsewhere: now)."""
    now = time.perf_counter()
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return now - max(0.0, uptime - int(stat[19]) / ticks)
    except (OSError, ValueError, IndexError, AttributeError):  # no /proc, no sysconf
        return now


@dataclass
class FrameStats:
    """How long frames took to render, and when the first one was shown."""

    started: float = field(default_factory=launch_time)
    first_frame: float | None = None
    render_ms: list[float] = field(default_factory=list)

    def percentile(self, q: float) -> float:
        if not self.render_ms:
            return 0.0
        ordered = sorted(self.render_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> str:
        first = f"{self.first_frame:.2f} s" if self.first_frame is not None else "none"
        med = statistics.median(self.render_ms) if self.render_ms else 0.0
        # Below a hundred frames a 99th percentile is only the worst frame: say so.
        tail = (
            f"p99 {self.percentile(0.99):.1f} ms"
            if len(self.render_ms) >= 100
            else f"worst {max(self.render_ms, default=0.0):.1f} ms"
        )
        return (
            f"{len(self.render_ms)} frames drawn; render p50 {med:.1f} ms, "
            f"p90 {self.percentile(0.9):.1f} ms, {tail}; first frame {first} after launch"
        )


class ClientApp:
    """The window and its loop."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        size: tuple[int, int] = DEFAULT_SIZE,
        data_dir: Path | None = None,
        bot_delay: float = 1.2,
        autoplayer: Callable[[], Player] | None = None,
        finder: Finder | None = None,
        seats: SeatFile | None = None,
        reports_dir: Path | None = None,
    ) -> None:
        self.stats = FrameStats()
        # Only what the client uses: no mixer, so no sound card is needed.
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(scenario.title)
        self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.size = self.surface.get_size()
        self.manager = theme.make_manager(self.size)
        self.scenario = scenario
        self.data_dir = data_dir
        self.bot_delay = bot_delay
        self.seats = seats  # where classroom seats' tokens are kept (None: nowhere)
        self.reports_dir = reports_dir  # where the end screen saves reports (None: documents)
        # Said while joining (or being moved), shown on the table that comes next.
        self._early: list[ErrorNotice | EventLines | Notice] = []
        self.session: Session | None = None
        self.screen: Screen = WaitingScreen(self.manager, "Starting\u2026", self.size)
        self.autoplayer = autoplayer() if autoplayer is not None else None
        self._acted_at: int | None = None  # the view version autoplay last acted on
        # The autoplayer's memory: it remembers every decision it sent.
        self._memory = self.autoplayer.first_memory if self.autoplayer is not None else None
        self.running = True
        self.final: ViewUpdate | None = None
        self._opened: queue.Queue[Session | Exception] = queue.Queue()
        self._active_until = 0.0
        self._frame_at = 0.0  # when the last frame began
        # What the lobby heard on the network; a Listener, made when the lobby first shows.
        self.finder = finder
        self._listener: Listener | None = None
        # The lobby's fields as the student left them, so a join that fails (or a game
        # that ends) brings the lobby back with them, not empty.
        self.form: LobbyDefaults | None = None

    # -- screens -----------------------------------------------------------------------------

    def show(self, screen: Screen) -> None:
        self.screen.kill()
        self.screen = screen

    def show_lobby(self, defaults: LobbyDefaults | None = None, error: str = "") -> None:
        """The lobby, with ``defaults`` in its fields (else what was last typed there) and
        ``error`` on the classroom card."""
        self.close_session()
        defaults = defaults or self.form
        if self.finder is None:
            self._listener = Listener(on_change=intents.wake).start()
            self.finder = self._listener
            if self._listener.problem:  # the lobby still works: students type the address
                print(f"warning: {self._listener.problem}", file=sys.stderr)
        lobby = LobbyScreen(
            self.manager,
            self.scenario,
            self.size,
            defaults=defaults,
            finder=self.finder,
            saved=self.seats.all() if self.seats is not None else None,
            games=solo_games(self.data_dir),
        )
        self.show(lobby)
        # What the server said while joining (a saved seat it did not take back) comes
        # before why the join ended.
        said = [n.message for n in self._early if isinstance(n, ErrorNotice)]
        said = [m for m in said if m != error]
        self._early = []
        message = " ".join(self._sentence(m) for m in [*said, error] if m)
        if message:
            self.screen.receive(ErrorNotice("lobby", message))

    def _sentence(self, text: str) -> str:
        """A message as one sentence of a longer one: seats named, a capital, a full stop."""
        text = in_words(self.scenario, text.strip())
        return text if text.endswith((".", "!", "?")) else f"{text}."

    def start(self, intent: intents.StartSolo | intents.ResumeSolo | intents.JoinRoom) -> None:
        """Open a solo game (an embedded server and bots), a saved one again, or join a
        classroom room.

        Setting up (starting the embedded server, making the room) happens on a
        worker thread; the window keeps drawing 'Setting up…' meanwhile.
        """
        self.close_session()
        self._early = []
        self.form = _form_of(intent, self.screen, self.form)
        if isinstance(intent, intents.StartSolo):
            where = "Setting up your table\u2026"
        elif isinstance(intent, intents.ResumeSolo):
            where = "Opening your saved game\u2026"
        else:
            where = f"Joining {intent.url}\u2026"
        self.show(WaitingScreen(self.manager, where, self.size))

        def build() -> None:
            # Imported here: the server side is not needed for the first frame.
            from divestiture.client.session import join_room, resume_solo, start_solo

            try:
                if isinstance(intent, intents.StartSolo):
                    made = start_solo(self.scenario, intent, self.data_dir, self.bot_delay)
                elif isinstance(intent, intents.ResumeSolo):
                    made = resume_solo(self.data_dir, intent.room)
                else:
                    made = join_room(intent, self.seats)
            except (OSError, ValueError) as e:
                self._opened.put(e)
            else:
                self._opened.put(made)
            intents.wake()

        threading.Thread(target=build, name="session-setup", daemon=True).start()

    def _take_session(self) -> None:
        """Adopt a session the setup thread finished (or show why it failed)."""
        try:
            made = self._opened.get_nowait()
        except queue.Empty:
            return
        if isinstance(made, Exception):
            self.show_lobby(error=str(made))
            return
        self.close_session()
        self.session = made
        made.connection.set_waker(intents.wake)
        made.connection.start()

    def close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def close(self) -> None:
        """End the session and stop listening on the network."""
        self.close_session()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> int:
        """Run until the window closes (or autoplay's game ends); the exit code."""
        try:
            self.render()  # something on screen at once, before any setting up
            while self.running:
                self.frame()
        finally:
            self.close()
            pygame.quit()
        return 0

    def frame(self) -> None:
        events = self._wait()
        for event in events:
            self.dispatch(event)
        self._take_session()
        self.drain()
        self.screen.tick(time.monotonic())
        self.manager.update(1 / ACTIVE_FPS)
        if events and any(e.type != intents.NET_WAKE for e in events):
            self._active_until = time.monotonic() + ACTIVE_SECONDS
        if self.screen.dirty or time.monotonic() < self._active_until:
            self.render()

    def _wait(self) -> list[pygame.event.Event]:
        """Sleep until the next frame is due and return what arrived meanwhile.

        Active (after input, or while the screen is busy): the next 30th of a second.
        Idle: until input comes (looked for every ``IDLE_POLL_MS``), the connection wakes
        the loop, or ``IDLE_WAKE_MS`` passes.
        """
        now = time.monotonic()
        if now < self._active_until or self.screen.busy():
            time.sleep(max(0.0, self._frame_at + 1 / ACTIVE_FPS - now))
            self._frame_at = time.monotonic()
            return pygame.event.get()
        until = now + IDLE_WAKE_MS / 1000
        while True:
            woken = intents.sleep(min(IDLE_POLL_MS / 1000, until - time.monotonic()))
            events = pygame.event.get()
            if events or woken or time.monotonic() >= until:
                self._frame_at = time.monotonic()
                return events

    def dispatch(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE:
            self.resize((event.w, event.h))
        elif event.type == intents.INTENT:
            self.on_intent(event.intent)
        elif event.type != intents.NET_WAKE:
            self.manager.process_events(event)
            self.screen.handle(event)

    def on_intent(self, intent: intents.Intent) -> None:
        if isinstance(intent, intents.SendAction):
            if self.session is not None:
                self.session.connection.send(intent.action)
        elif isinstance(intent, intents.SendTeam):
            if self.session is not None:
                self.session.connection.send_team(intent.text)
        elif isinstance(intent, intents.StartSolo | intents.ResumeSolo | intents.JoinRoom):
            self.start(intent)
        elif intent.screen == "lobby":
            self.show_lobby()
        else:
            self.running = False

    def drain(self) -> None:
        """Everything the connection delivered since the last frame, without waiting
        (until an item ends the session: the rest was for it)."""
        session = self.session
        if session is None:
            return
        inbox: queue.Queue[Inbound] = session.connection.inbox
        while self.session is session:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                return
            self.deliver(item)

    def deliver(self, item: Inbound) -> None:
        if isinstance(item, ErrorNotice) and item.code == REMOVED:
            # Taken out of the seat by the teacher: the token is void and the connection
            # over; the lobby comes back as the student left it, saying why.
            self.show_lobby(error=item.message)
            return
        if isinstance(item, Moved):
            # The seat's whole story comes next, as a history view: a new table for it.
            text = moved_text(self.scenario, item.room, item.role, item.before)
            self.show(WaitingScreen(self.manager, text, self.size))
            self._early = [Notice(text)]
            return
        if isinstance(item, ErrorNotice | EventLines | Notice) and isinstance(
            self.screen, WaitingScreen
        ):
            self._early.append(item)
        if isinstance(item, ViewUpdate):
            view = item.view
            if self.session is not None:
                self.session.seen(view)
            if view.outcome is not None:
                self.final = item
                if not isinstance(self.screen, EndScreen):
                    self.show_end(view)
                if self.autoplayer is not None:
                    self.running = False
                return
            if not isinstance(self.screen, TableScreen):
                self.show(TableScreen(self.manager, self.scenario, view, self.size))
                for early in self._early:
                    self.screen.receive(early)
                self._early = []
        elif (
            isinstance(item, Status)
            and item.state == "closed"
            and not isinstance(self.screen, TableScreen | EndScreen)
        ):
            self.show_lobby(error=item.detail or "the server closed the connection")
            return
        self.screen.receive(item)
        if isinstance(item, ViewUpdate | ErrorNotice):
            self._autoplay(item)

    def show_end(self, view: GameView) -> None:
        """The end screen; a student in a seat asks for their copy of the debrief, which
        it shows when it comes."""
        end = EndScreen(self.manager, self.scenario, view, self.size, reports_dir=self.reports_dir)
        self.show(end)
        if end.result is not None and self.session is not None and self.autoplayer is None:
            self.session.connection.ask_debrief()

    def _autoplay(self, item: ViewUpdate | ErrorNotice) -> None:
        """A bot plays this seat through the same intents a click posts."""
        if self.autoplayer is None or not isinstance(self.screen, TableScreen):
            return
        view = self.screen.view
        waiting = any(s.id == view.viewer and s.waiting for s in view.seats)
        fresh = isinstance(item, ErrorNotice) or self._acted_at != view.version
        if waiting and fresh and view.legal:
            self._acted_at = view.version
            assert self._memory is not None
            action, self._memory = self.autoplayer.decide(view, self._memory)
            intents.post(intents.SendAction(action))

    def resize(self, size: tuple[int, int]) -> None:
        size = (max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1]))
        if size != self.surface.get_size():
            self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.size = size
        self.manager.set_window_resolution(size)
        self.screen.resize(size)

    def render(self) -> None:
        started = time.perf_counter()
        self.screen.draw(self.surface)
        self.manager.draw_ui(self.surface)
        pygame.display.flip()
        self.stats.render_ms.append((time.perf_counter() - started) * 1000)
        if self.stats.first_frame is None:
            self.stats.first_frame = time.perf_counter() - self.stats.started


def _form_of(
    intent: intents.StartSolo | intents.ResumeSolo | intents.JoinRoom,
    screen: Screen,
    last: LobbyDefaults | None,
) -> LobbyDefaults | None:
    """The lobby's fields to come back to: the lobby's own, if it is what asked; else
    (``divest join`` with a seat and a name) the join's server, room, seat and name."""
    if isinstance(screen, LobbyScreen):
        return screen.defaults()
    if not isinstance(intent, intents.JoinRoom):
        return last
    from divestiture.client.ws import parse_join_url

    try:
        server, room = parse_join_url(intent.url)
    except ValueError:
        return last
    return replace(
        last or LobbyDefaults(), url=server, room=room, name=intent.name, class_seat=intent.seat
    )
