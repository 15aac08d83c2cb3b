"""The lobby and the servers found on the network: the Server field, the line, the choice."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pygame
import pygame_gui
import pytest

from divestiture.client.discover import Heard, Listener, Simulated
from divestiture.client.intents import INTENT, JoinRoom
from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen
from divestiture.client.screens.nearby import PICK
from divestiture.client.theme import GOOD, make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.scenario import Scenario
from divestiture.server.discovery import Announcement

SIZE = (1280, 800)
TEACHER = ("ws://10.0.0.5:8765", "teacher-laptop")
OTHER = ("ws://10.0.0.6:8765", "room-12-desk")


class Changing:
    """A finder whose servers a test sets."""

    def __init__(self) -> None:
        self.heard: tuple[Heard, ...] = ()
        self.listening = True
        self.started = time.monotonic()

    def servers(self, now: float | None = None) -> tuple[Heard, ...]:
        return self.heard

    def set(self, *servers: tuple[str, str]) -> None:
        self.heard = tuple(Heard(url, name, 0.0) for url, name in servers)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture
def manager(display: pygame.Surface) -> Iterator[pygame_gui.UIManager]:
    yield make_manager(SIZE)


def _lobby(manager, scenario, finder, **defaults) -> LobbyScreen:
    return LobbyScreen(manager, scenario, SIZE, defaults=LobbyDefaults(**defaults), finder=finder)


def _render(screen: LobbyScreen, manager: pygame_gui.UIManager) -> pygame.Surface:
    surface = pygame.Surface(SIZE)
    screen.draw(surface)
    manager.update(0.01)
    manager.draw_ui(surface)
    return surface


def test_one_server_found_fills_the_server_field(manager, scenario) -> None:
    """Exactly one server heard: the field holds its address and the line says where it
    was found; the student types only the room code and name to join."""
    screen = _lobby(manager, scenario, Simulated([TEACHER]))
    assert screen.classroom.url_entry.get_text() == "ws://10.0.0.5:8765"
    text, colour = screen.classroom.nearby.line()
    assert text == "Found on this network: ws://10.0.0.5:8765 (teacher-laptop)"
    assert colour == GOOD
    assert screen.classroom.nearby.menu is None
    surface = _render(screen, manager)
    row = screen.classroom.nearby.rect
    line_colours = {
        tuple(surface.get_at((x, y)))[:3]
        for x in range(row.x, row.right, 2)
        for y in range(row.y, row.bottom)
    }
    assert GOOD in line_colours  # the line is drawn, in the found colour
    screen.classroom.room_entry.set_text("K7QM2")
    screen.classroom.name_entry.set_text("Ada")
    pygame.event.clear()
    screen.join_room()
    posted = [e.intent for e in pygame.event.get(INTENT)]
    assert posted == [JoinRoom("ws://10.0.0.5:8765/K7QM2", None, "Ada")]  # any seat


def test_an_address_the_student_typed_is_kept(manager, scenario) -> None:
    """A server found after the student typed an address does not replace it."""
    finder = Changing()
    screen = _lobby(manager, scenario, finder)
    screen.classroom.url_entry.set_text("ws://192.168.7.7:8765")
    finder.set(TEACHER)
    screen.tick(time.monotonic())
    assert screen.classroom.url_entry.get_text() == "ws://192.168.7.7:8765"
    assert screen.classroom.nearby.line()[0].startswith("Found on this network: ws://10.0.0.5:8765")


def test_an_address_from_the_command_line_is_kept(manager, scenario) -> None:
    """`divest join ws://HOST:PORT/ROOM` prefills the field; a found server leaves it."""
    screen = _lobby(manager, scenario, Simulated([TEACHER]), url="ws://172.16.0.9:8765")
    assert screen.classroom.url_entry.get_text() == "ws://172.16.0.9:8765"


def test_several_servers_offer_a_choice(manager, scenario) -> None:
    """Several heard: a drop-down lists them, nothing is filled in, and a pick fills the field."""
    screen = _lobby(manager, scenario, Simulated([TEACHER, OTHER]))
    menu = screen.classroom.nearby.menu
    assert isinstance(menu, pygame_gui.elements.UIDropDownMenu)
    assert screen.classroom.url_entry.get_text() == ""
    assert [o[1] for o in menu.options_list] == [PICK, TEACHER[0], OTHER[0]]
    assert menu.options_list[1][0] == "ws://10.0.0.5:8765 (teacher-laptop)"
    assert menu.selected_option[1] == PICK
    assert _render(screen, manager).get_rect().contains(menu.rect)
    changed = pygame_gui.UI_DROP_DOWN_MENU_CHANGED
    screen.handle(pygame.event.Event(changed, ui_element=menu, selected_option_id=OTHER[0]))
    assert screen.classroom.url_entry.get_text() == OTHER[0]
    screen.handle(pygame.event.Event(changed, ui_element=menu, selected_option_id=PICK))
    assert (
        screen.classroom.url_entry.get_text() == OTHER[0]
    )  # the placeholder option changes nothing


def test_a_pick_is_kept_when_the_servers_change(manager, scenario) -> None:
    """The student's pick stays, even if later only the other server is heard."""
    finder = Changing()
    finder.set(TEACHER, OTHER)
    screen = _lobby(manager, scenario, finder)
    menu = screen.classroom.nearby.menu
    assert menu is not None
    changed = pygame_gui.UI_DROP_DOWN_MENU_CHANGED
    screen.handle(pygame.event.Event(changed, ui_element=menu, selected_option_id=TEACHER[0]))
    finder.set(OTHER)
    screen.tick(time.monotonic())
    assert screen.classroom.url_entry.get_text() == TEACHER[0]
    assert screen.classroom.nearby.menu is None
    assert not menu.alive()  # type: ignore[no-untyped-call]


def test_the_lobby_follows_the_server_it_filled_in(manager, scenario) -> None:
    """An address the lobby filled in (not typed) follows the network: a second server
    brings the choice, with the filled one chosen."""
    finder = Changing()
    screen = _lobby(manager, scenario, finder)
    assert screen.classroom.nearby.line()[0].startswith("Looking for your teacher's server")
    finder.set(TEACHER)
    screen.tick(time.monotonic())
    assert screen.classroom.url_entry.get_text() == TEACHER[0]
    finder.set(TEACHER, OTHER)
    screen.tick(time.monotonic())
    assert screen.classroom.nearby.menu is not None
    assert screen.classroom.nearby.menu.selected_option[1] == TEACHER[0]
    assert screen.classroom.url_entry.get_text() == TEACHER[0]


def test_no_server_found_leaves_the_field(manager, scenario) -> None:
    """None heard: the field stays empty (its placeholder shows) and the line says to type."""
    finder = Changing()
    finder.started = time.monotonic() - 60
    screen = _lobby(manager, scenario, finder)
    assert screen.classroom.url_entry.get_text() == ""
    assert screen.classroom.nearby.menu is None
    assert screen.classroom.nearby.line()[0].startswith("No server found on this network")


def test_without_a_finder_the_lobby_is_as_before(manager, scenario) -> None:
    """Not listening (no finder, or the port is taken): the line says to type the address."""
    screen = _lobby(manager, scenario, None)
    assert screen.classroom.url_entry.get_text() == ""
    assert "Type the server's address" in screen.classroom.nearby.line()[0]
    taken = Simulated(listening=False)
    assert (
        "Type the server's address" in _lobby(manager, scenario, taken).classroom.nearby.line()[0]
    )


def test_a_resize_keeps_the_choice(manager, scenario) -> None:
    """After a resize the drop-down is made again in the new place, the field unchanged."""
    screen = _lobby(manager, scenario, Simulated([TEACHER, OTHER]))
    old = screen.classroom.nearby.menu
    manager.set_window_resolution((1024, 700))
    screen.resize((1024, 700))
    assert old is not None and not old.alive()  # type: ignore[no-untyped-call]
    menu = screen.classroom.nearby.menu
    assert menu is not None and menu.alive()  # type: ignore[no-untyped-call]
    assert pygame.Rect(0, 0, 1024, 700).contains(menu.rect)
    screen.kill()
    assert not screen.classroom.nearby.menu


def test_the_lobby_hears_a_real_announcement(manager, scenario) -> None:
    """End to end on loopback: a datagram to a real listener fills the lobby's field."""
    listener = Listener(0, host="127.0.0.1").start()
    try:
        screen = _lobby(manager, scenario, listener)
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            data = Announcement(("ws://10.0.0.5:8765",), "teacher-laptop").encode()
            sock.sendto(data, ("127.0.0.1", listener.port))
        deadline = time.monotonic() + 5
        while screen.classroom.url_entry.get_text() != "ws://10.0.0.5:8765":
            assert time.monotonic() < deadline, "the lobby did not fill the field"
            time.sleep(0.02)
            screen.tick(time.monotonic())
    finally:
        listener.close()


def test_the_app_listens_for_the_lobby_and_stops(
    display: pygame.Surface, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's lobby listens on the discovery port (here a free one); an announcement
    wakes the loop and fills the field; closing the app stops listening."""
    import socket

    from divestiture.client.app import ClientApp

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DIVEST_DISCOVERY_PORT", str(port))
    app = ClientApp(scenario)
    try:
        app.show_lobby()
        assert isinstance(app.finder, Listener) and app.finder.listening
        screen = app.screen
        assert isinstance(screen, LobbyScreen)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            data = Announcement(("ws://10.0.0.5:8765",), "teacher-laptop").encode()
            sock.sendto(data, ("127.0.0.1", port))
        deadline = time.monotonic() + 5
        while screen.classroom.url_entry.get_text() != "ws://10.0.0.5:8765":
            assert time.monotonic() < deadline, "the lobby did not fill the field"
            app.frame()
    finally:
        app.close()
    assert app._listener is None
