"""The table screen and the app under SDL's dummy driver: pixels, clicks, the composer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pygame
import pygame_gui
import pytest

from divestiture.client import compose, draw, intents, theme
from divestiture.client.app import ClientApp, FrameStats
from divestiture.client.net import Status, ViewUpdate
from divestiture.client.screens.table import TableScreen
from divestiture.client.snapshot import moment
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.actions import Message, Propose
from divestiture.game.engine import apply
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

SC = load_scenario(DEFAULT_SCENARIO)


def _view(seat: str, seed: int = 4, round_no: int = 1) -> GameView:
    state, _, _ = moment(SC, seed, round_no)
    return view_for(state, SeatId(seat))


def _render(screen: TableScreen, manager: pygame_gui.UIManager, surface: pygame.Surface) -> None:
    manager.update(0.05)
    screen.draw(surface)
    manager.draw_ui(surface)


def _colours(surface: pygame.Surface, rect: pygame.Rect) -> set[tuple[int, int, int]]:
    return {
        tuple(surface.get_at((x, y)))[:3]  # type: ignore[misc]
        for x in range(rect.x, rect.right, 4)
        for y in range(rect.y, rect.bottom, 4)
    }


def _click(app: ClientApp, element: pygame_gui.core.UIElement) -> None:
    """A real mouse click at the element's centre, through the app's own dispatch."""
    pos = element.rect.center
    app.dispatch(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.dispatch(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    for event in pygame.event.get():
        app.dispatch(event)


@pytest.mark.parametrize("seat", SC.seat_ids)
def test_table_renders_for_every_seat(display: pygame.Surface, seat: str) -> None:
    """Each seat's table draws its tracks, table and panels: many colours, no blank areas."""
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, _view(seat), display.get_size())
    _render(screen, manager, display)
    lay = screen.layout
    for region in (lay.tracks, lay.table, lay.news, lay.feed, lay.chat, lay.sheets):
        assert len(_colours(display, region)) > 12, region
    screen.kill()


@pytest.mark.parametrize("seat", ["cfius", "investors"])
def test_the_latest_line_on_the_felt_keeps_clear_of_the_seats(
    display: pygame.Surface, seat: str
) -> None:
    """A long latest line is written between the seats above and below it, never over a
    seat's name or "to act" tag, and cut with an ellipsis when it has no room."""
    manager = theme.make_manager(display.get_size())
    view = _view(seat, round_no=4)
    screen = TableScreen(manager, SC, view, display.get_size())
    _render(screen, manager, display)
    area = screen._table_area()
    oval = pygame.Rect(draw.felt_rect(area))
    radius = max(18, min(28, screen.layout.table.h // 12))
    taken = []
    mine = [s.id for s in view.seats].index(SeatId(view.viewer))
    places = draw.seat_positions(area, len(view.seats), mine)
    for x, y in places:  # each seat's portrait and the name and tag under it
        taken.append(pygame.Rect(x - 50, y - radius, 100, 2 * radius + 42))
    screen.recent.append("Microsoft to CFIUS: " + "we are committed to American data " * 6)
    written = screen._latest(display, oval, taken)
    assert 1 <= len(written) <= 4
    for line in written:
        assert oval.contains(line), line
        assert not any(line.colliderect(r) for r in taken), (line, taken)
    assert len(written) < len(draw.wrap(screen.recent[-1], 13, oval.w * 3 // 4))
    screen.kill()


def test_table_lays_itself_out_again(display: pygame.Surface) -> None:
    """A resize to the smallest window moves every panel inside it."""
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, _view("cfius"), display.get_size())
    small = (1024, 700)
    surface = pygame.display.set_mode(small)
    manager.set_window_resolution(small)
    screen.resize(small)
    _render(screen, manager, surface)
    window = pygame.Rect((0, 0), small)
    lay = screen.layout
    for region in (lay.tracks, lay.table, lay.feed, lay.chat, lay.sheets, lay.actions):
        assert window.contains(region), region
    assert window.contains(screen.chat.send.rect)


def test_reconnecting_shows_and_clears(display: pygame.Surface) -> None:
    """The link pill turns amber and says so while reconnecting, and green again after."""
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, _view("investors"), display.get_size())
    screen.receive(Status("reconnecting", "the server went away", attempt=2))
    _render(screen, manager, display)
    warn = display.get_at((screen.link_rect.x + 4, screen.link_rect.centery))[:3]
    assert tuple(warn) == theme.WARN
    screen.receive(Status("connected"))
    assert screen.dirty
    _render(screen, manager, display)
    good = display.get_at((screen.link_rect.x + 4, screen.link_rect.centery))[:3]
    assert tuple(good) == theme.GOOD


def test_composer_sends_a_valid_offer_and_explains_a_bad_one(display: pygame.Surface) -> None:
    """An offer built in the composer goes out valid; a broken one is explained, not sent."""
    manager = theme.make_manager(display.get_size())
    from divestiture.game.engine import start

    view = view_for(start(SC, 4).state, SeatId("microsoft"))  # the first morning: all to play
    screen = TableScreen(manager, SC, view, display.get_size())
    screen.open_composer()
    composer = screen.composer
    assert composer is not None
    pygame.event.clear()
    composer.price.set_text("")
    composer.refresh()
    assert not composer.submit()
    assert "price" in composer.problems_box.html_text.lower()
    assert not pygame.event.get(intents.INTENT)
    draft = compose.fresh(view, SC)
    composer.fill(draft)
    assert composer.submit()
    sent = [e.intent for e in pygame.event.get(intents.INTENT)]
    assert len(sent) == 1 and isinstance(sent[0].action, Propose)
    assert sent[0].action.terms.price == int(draft.price)


def test_click_on_pass_goes_over_the_wire(display: pygame.Surface, tmp_path: Path) -> None:
    """A click on 'Done for this phase' reaches the embedded server as this seat's pass."""
    app = ClientApp(SC, data_dir=tmp_path, bot_delay=30)
    try:
        app.on_intent(intents.StartSolo("white_house", "normal", (), 12))
        deadline = time.monotonic() + 15
        while not isinstance(app.screen, TableScreen):
            assert time.monotonic() < deadline, "no table"
            app.frame()
        table = app.screen
        _click(app, table.actions.pass_button)
        assert app.session is not None and app.session.server is not None
        lobby = app.session.server.lobby
        assert lobby is not None
        room = next(iter(lobby.rooms.values()))
        while not any(seat == "white_house" for seat, _ in room.seen):
            assert time.monotonic() < deadline, "the pass never arrived"
            app.frame()
        logged = [cid for (seat, cid) in room.seen if seat == "white_house"]
        assert len(logged) == 1
        while table.view.version < room.state.version:
            app.frame()
        me = next(s for s in table.view.seats if s.id == "white_house")
        assert not me.waiting
        assert room.state.seats[SeatId("white_house")].passed
    finally:
        app.close_session()


def test_autoplay_plays_to_the_end_headless() -> None:
    """`divest solo --autoplay --headless --seed 3` exits 0 and prints the outcome."""
    exe = Path(sys.executable).parent / "divest"
    result = subprocess.run(
        [str(exe), "solo", "--autoplay", "--headless", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Outcome:" in result.stdout and "render p50" in result.stdout


def test_frame_summary_names_the_worst_frame_when_few_were_drawn() -> None:
    """Under a hundred frames a p99 is only the slowest frame: the summary calls it that."""
    few = FrameStats(started=0.0, first_frame=0.5, render_ms=[1.0] * 19 + [30.0])
    assert "worst 30.0 ms" in few.summary() and "p99" not in few.summary()
    many = FrameStats(started=0.0, first_frame=0.5, render_ms=[1.0] * 198 + [30.0, 40.0])
    assert "p99 30.0 ms" in many.summary() and "worst" not in many.summary()


def test_screenshot_command_writes_a_png(tmp_path: Path) -> None:
    """`divest screenshot` renders a seeded game's table to a PNG of the asked size."""
    out = tmp_path / "table.png"
    exe = Path(sys.executable).parent / "divest"
    result = subprocess.run(
        [str(exe), "screenshot", "--seat", "cfius", "--out", str(out), "--seed", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pygame.init()
    try:
        image = pygame.image.load(str(out))
    finally:
        pygame.quit()
    assert image.get_size() == (1280, 800)


def test_app_turns_a_finished_view_into_the_end_screen(display: pygame.Surface) -> None:
    """When the view says the game is over, the app shows the end screen."""
    from divestiture.client.screens.end import EndScreen

    app = ClientApp(SC)
    _, _, final = moment(SC, 4, 1)
    app.show(TableScreen(app.manager, SC, _view("bytedance"), app.size))
    app.deliver(ViewUpdate(view_for(final, SeatId("bytedance"))))
    assert isinstance(app.screen, EndScreen)


def test_lobby_play_solo_reaches_the_table(display: pygame.Surface, tmp_path: Path) -> None:
    """From the lobby, a click on 'Play solo' sets up the embedded server and opens the table."""
    from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen

    app = ClientApp(SC, data_dir=tmp_path, bot_delay=30)
    try:
        app.show_lobby(LobbyDefaults(seat=SeatId("investors"), seed=5))
        assert isinstance(app.screen, LobbyScreen)
        app.render()
        _click(app, app.screen.play)
        deadline = time.monotonic() + 15
        while not isinstance(app.screen, TableScreen):
            assert time.monotonic() < deadline, "no table"
            app.frame()
        assert app.screen.view.viewer == "investors"
        assert app.screen.view.brief is not None and app.screen.view.brief.seat == "investors"
    finally:
        app.close()


def test_an_idle_app_sleeps(display: pygame.Surface) -> None:
    """With nothing happening, the loop sleeps: a second and a half of idle frames costs
    the main thread a few milliseconds of CPU (pygame's own event.wait, which looks at
    the queue every millisecond, cost about 3% of a core)."""
    app = ClientApp(SC)
    app.show(TableScreen(app.manager, SC, _view("bytedance"), app.size))
    for _ in range(40):  # spare widgets are made, and drawn, in the first idle frames
        app.screen.tick(time.monotonic())
        app.manager.update(1 / 30)
    app.render()
    pygame.event.clear()
    app._active_until = 0.0
    cpu, wall = time.thread_time(), time.monotonic()
    frames = 0
    while time.monotonic() - wall < 1.5:
        app.frame()
        frames += 1
    used = time.thread_time() - cpu
    assert frames <= 4  # an idle pass twice a second
    assert used < 0.02 * 1.5, f"{used * 1000:.0f} ms of CPU in 1.5 s idle"


def test_an_idle_app_wakes_for_the_network_and_for_input(display: pygame.Surface) -> None:
    """A wake from the connection's thread ends an idle wait at once, and input is seen
    within a poll (not half a second later)."""
    import threading

    app = ClientApp(SC)
    app.show(TableScreen(app.manager, SC, _view("bytedance"), app.size))
    app.render()
    for poke in (intents.wake, lambda: pygame.event.post(pygame.event.Event(pygame.USEREVENT))):
        pygame.event.clear()
        app._active_until = 0.0
        timer = threading.Timer(0.1, poke)
        started = time.monotonic()
        timer.start()
        app.frame()
        timer.join()
        assert time.monotonic() - started < 0.3


def test_a_group_message_says_who_had_it_in_each_thread(display: pygame.Surface) -> None:
    """A message to several seats shows in the thread of each, naming all who had it."""
    state, _, _ = moment(SC, 4, 1)
    to = (SeatId("bytedance"), SeatId("investors"))
    words = Message(to=to, text="Shall we talk, all three?")
    state = apply(state, SeatId("microsoft"), words).state
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, view_for(state, SeatId("investors")), display.get_size())
    for thread in ("microsoft", "bytedance"):
        last = screen.chat.thread_rows(thread)[-1]
        assert "Shall we talk, all three?" in last
        # The colon and its space close the styled run: a wrap starts no line with them.
        assert "(to you and ByteDance): </i>Shall we" in last, last
    assert not any("all three" in row for row in screen.chat.thread_rows("cfius"))
    screen.kill()
    mine = TableScreen(manager, SC, view_for(state, SeatId("microsoft")), display.get_size())
    assert "(to ByteDance and Investors)" in mine.chat.thread_rows("bytedance")[-1]
    mine.kill()


def test_a_dialog_closes_on_cancel_or_its_close_box_and_sends_nothing(
    display: pygame.Surface,
) -> None:
    """The composer and a lever's window both close on Cancel or on their close box;
    neither sends an action, and a click elsewhere leaves them open."""
    from divestiture.client.panels.actions import LeverWindow
    from divestiture.game.actions import UseLever
    from divestiture.game.engine import start

    manager = theme.make_manager(display.get_size())
    view = view_for(start(SC, 4).state, SeatId("microsoft"))
    for how in ("cancel", "close box"):
        screen = TableScreen(manager, SC, view, display.get_size())
        screen.open_composer()
        composer = screen.composer
        assert composer is not None
        lever = LeverWindow(manager, SC, view, "lobby", [UseLever(lever="lobby")])
        pygame.event.clear()
        for dialog in (composer, lever):
            elsewhere = pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=None)
            assert not dialog.handle(elsewhere) and not dialog.done
            if how == "cancel":
                shut = pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=dialog.cancel)
            else:
                shut = pygame.event.Event(pygame_gui.UI_WINDOW_CLOSE, ui_element=dialog.window)
            assert dialog.handle(shut) and dialog.done, (how, dialog)
        assert not pygame.event.get(intents.INTENT)
        lever.kill()
        screen.kill()
