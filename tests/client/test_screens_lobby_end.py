"""The lobby and end screens: they draw at both sizes, post the right intents, check input."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pygame_gui
import pytest

from divestiture.client.intents import INTENT, GoTo, Intent, JoinRoom, StartSolo
from divestiture.client.net import ErrorNotice
from divestiture.client.screens.end import EndScreen, result_line
from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen, join_url
from divestiture.client.theme import make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import play_game, player_factory
from divestiture.game.types import SeatId
from divestiture.game.views import GameView

SIZES = [(1280, 800), (1024, 700)]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """The default rules."""
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="module")
def finished(scenario: Scenario) -> GameView:
    """Microsoft's view of a game played to the end by bots."""
    record = play_game(scenario, 3, player_factory(scenario))
    return view_for(record.state, SeatId("microsoft"))


@pytest.fixture
def manager(display: pygame.Surface) -> Iterator[pygame_gui.UIManager]:
    """A themed manager for the 1280x800 test window."""
    yield make_manager(display.get_size())


def _intents() -> list[Intent]:
    return [e.intent for e in pygame.event.get(INTENT)]


def _render(screen: LobbyScreen | EndScreen, manager: pygame_gui.UIManager, size: tuple[int, int]):
    surface = pygame.Surface(size)
    screen.draw(surface)
    manager.update(0.01)
    manager.draw_ui(surface)
    return surface


def _colours(surface: pygame.Surface, step: int = 7) -> set[tuple[int, ...]]:
    w, h = surface.get_size()
    return {tuple(surface.get_at((x, y)))[:3] for x in range(0, w, step) for y in range(0, h, step)}


def _press(screen: LobbyScreen | EndScreen, button: pygame_gui.elements.UIButton) -> None:
    screen.handle(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=button))


def _click(manager: pygame_gui.UIManager, screen: LobbyScreen, at: tuple[int, int]) -> list[Intent]:
    """A real mouse click through the manager, the app's loop run a few frames; the intents."""
    pygame.event.clear()
    manager.update(0.01)
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        manager.process_events(pygame.event.Event(kind, button=1, pos=at))
        manager.update(0.01)
    posted: list[Intent] = []
    for _ in range(3):
        for event in pygame.event.get():
            if event.type == INTENT:
                posted.append(event.intent)
            elif not manager.process_events(event):
                screen.handle(event)
        manager.update(0.01)
    return posted


def _classroom(screen: LobbyScreen, url: str, room: str, name: str) -> None:
    screen.classroom.url_entry.set_text(url)
    screen.classroom.room_entry.set_text(room)
    screen.classroom.name_entry.set_text(name)


@pytest.mark.parametrize("size", SIZES)
def test_lobby_renders(display: pygame.Surface, scenario: Scenario, size: tuple[int, int]) -> None:
    """The lobby draws a full picture, not one flat colour, at 1280x800 and 1024x700."""
    manager = make_manager(size)
    screen = LobbyScreen(manager, scenario, size)
    surface = _render(screen, manager, size)
    assert len(_colours(surface)) > 40
    assert not screen.dirty
    for widget in (
        screen.play,
        screen.classroom.join,
        screen.seat_menu,
        screen.classroom.name_entry,
    ):
        assert surface.get_rect().contains(widget.rect)
    assert not screen.play.rect.colliderect(screen.classroom.join.rect)


@pytest.mark.parametrize("size", SIZES)
def test_end_renders(
    display: pygame.Surface, scenario: Scenario, finished: GameView, size: tuple[int, int]
) -> None:
    """The end screen draws a full picture, not one flat colour, at both sizes."""
    manager = make_manager(size)
    screen = EndScreen(manager, scenario, finished, size)
    surface = _render(screen, manager, size)
    assert len(_colours(surface)) > 40
    for widget in (screen.back, screen.quit, screen.briefs_box, screen.timeline_box):
        assert surface.get_rect().contains(widget.rect)


def test_play_solo_posts_start_solo(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """Play solo posts StartSolo with the chosen seat, difficulty, seed and the four bots."""
    defaults = LobbyDefaults(seat="bytedance", difficulty="hard", seed=7)
    screen = LobbyScreen(manager, scenario, (1280, 800), defaults=defaults)
    pygame.event.clear()
    _press(screen, screen.play)
    (intent,) = _intents()
    assert isinstance(intent, StartSolo)
    assert (intent.seat, intent.difficulty, intent.seed) == ("bytedance", "hard", 7)
    others = [s for s in scenario.seat_ids if s != "bytedance"]
    assert intent.personalities == tuple((s, None) for s in others)


def test_real_click_on_play_solo(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """A mouse click at the Play solo button's centre ends in a StartSolo intent."""
    screen = LobbyScreen(manager, scenario, (1280, 800), defaults=LobbyDefaults(seat="cfius"))
    starts = _click(manager, screen, screen.play.rect.center)
    assert [type(i) for i in starts] == [StartSolo]
    assert isinstance(starts[0], StartSolo)
    assert starts[0].seat == "cfius"


def test_menus_choose_seat_and_personality(
    manager: pygame_gui.UIManager, scenario: Scenario
) -> None:
    """Choosing a seat rebuilds the bots' menus; a chosen personality goes into StartSolo."""
    screen = LobbyScreen(manager, scenario, (1280, 800))
    changed = pygame_gui.UI_DROP_DOWN_MENU_CHANGED
    screen.handle(
        pygame.event.Event(changed, ui_element=screen.seat_menu, selected_option_id="cfius")
    )
    assert "cfius" not in screen.bot_menus
    assert screen.seat_menu.selected_option == ("CFIUS", "cfius")
    menu = screen.bot_menus["white_house"]
    assert [o[0] for o in menu.options_list] == ["Surprise me", "Hawk", "Dealmaker"]
    screen.handle(pygame.event.Event(changed, ui_element=menu, selected_option_id="hawk"))
    pygame.event.clear()
    _press(screen, screen.play)
    (intent,) = _intents()
    assert isinstance(intent, StartSolo)
    assert intent.seat == "cfius"
    assert dict(intent.personalities)["white_house"] == "hawk"


def test_bad_room_code_shows_error(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """A room code with letters the server never uses shows an error and posts nothing."""
    screen = LobbyScreen(manager, scenario, (1280, 800))
    _classroom(screen, "ws://192.168.1.20:8765", "K1O0", "Ada")
    pygame.event.clear()
    _press(screen, screen.classroom.join)
    assert _intents() == []
    assert "room code" in screen.classroom.error_text
    assert screen.classroom.error.visible
    assert "room code" in screen.classroom.error.html_text


def test_valid_classroom_form_posts_join(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """A valid form posts JoinRoom with ws://HOST:PORT/ROOM, the seat chosen and the name."""
    defaults = LobbyDefaults(seat="cfius", class_seat="investors")
    screen = LobbyScreen(manager, scenario, (1280, 800), defaults=defaults)
    _classroom(screen, " ws://192.168.1.20:8765 ", "k7qm2", " Ada ")
    pygame.event.clear()
    _press(screen, screen.classroom.join)
    assert _intents() == [JoinRoom("ws://192.168.1.20:8765/K7QM2", "investors", "Ada")]
    assert screen.classroom.error_text == ""
    assert not screen.classroom.error.visible


def test_enter_in_a_field_joins(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """Enter in a classroom field (pygame_gui's entry-finished event) is the same as Join;
    with no seat chosen, the join asks for any seat (None)."""
    screen = LobbyScreen(manager, scenario, (1280, 800))
    _classroom(screen, "ws://teacher.local:9000/", "ABCD", "Bo")
    pygame.event.clear()
    finished = pygame_gui.UI_TEXT_ENTRY_FINISHED
    screen.handle(pygame.event.Event(finished, ui_element=screen.classroom.name_entry, text="Bo"))
    assert _intents() == [JoinRoom("ws://teacher.local:9000/ABCD", None, "Bo")]


@pytest.mark.parametrize(
    ("server", "room", "name", "reason"),
    [
        ("ws://10.0.0.1:8765", "ABCD", "  ", "name"),
        ("ws://10.0.0.1:8765", "", "Ada", "room code"),
        ("ws://10.0.0.1:8765", "ABC", "Ada", "room code"),
        ("ws://10.0.0.1:8765", "ABCDEFGHJ", "Ada", "room code"),
        ("10.0.0.1:8765", "ABCD", "Ada", "server address"),
        ("http://10.0.0.1:8765", "ABCD", "Ada", "server address"),
        ("ws://10.0.0.1", "ABCD", "Ada", "server address"),
        ("ws://10.0.0.1:8765/ROOM", "ABCD", "Ada", "server address"),
        ("ws://10.0.0.1:99999", "ABCD", "Ada", "port"),
    ],
)
def test_join_url_reasons(server: str, room: str, name: str, reason: str) -> None:
    """Each wrong field is refused with a reason that names it."""
    with pytest.raises(ValueError, match=reason):
        join_url(server, room, name)


def test_error_notice_is_shown(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """An ErrorNotice from the app (a failed join) appears on the classroom card, as a
    sentence."""
    screen = LobbyScreen(manager, scenario, (1280, 800))
    screen.receive(ErrorNotice("unknown_room", "there is no room 'ABCD'"))
    assert screen.classroom.error_text == "There is no room 'ABCD'"
    assert screen.classroom.error.visible
    assert screen.dirty


def test_resize_keeps_choices(manager: pygame_gui.UIManager, scenario: Scenario) -> None:
    """A resize rebuilds the widgets in the new window and keeps what was chosen and typed."""
    defaults = LobbyDefaults(seat="microsoft", difficulty="easy", seed=42)
    screen = LobbyScreen(manager, scenario, (1280, 800), defaults=defaults)
    _classroom(screen, "ws://10.0.0.1:8765", "ABCD", "Ada")
    old = screen.play
    manager.set_window_resolution((1024, 700))
    screen.resize((1024, 700))
    assert screen.play is not old
    assert not old.alive()  # type: ignore[no-untyped-call]
    assert screen.classroom.url_entry.get_text() == "ws://10.0.0.1:8765"
    assert screen.classroom.name_entry.get_text() == "Ada"
    assert screen.seed_entry.get_text() == "42"
    assert screen.seat_menu.selected_option[1] == "microsoft"
    assert screen.difficulty_menu.selected_option[1] == "easy"
    assert pygame.Rect(0, 0, 1024, 700).contains(screen.classroom.join.rect)
    screen.kill()
    assert not screen.classroom.join.alive()  # type: ignore[no-untyped-call]


def test_end_shows_outcome_and_totals(
    manager: pygame_gui.UIManager, scenario: Scenario, finished: GameView
) -> None:
    """The headline is the outcome's name and each seat's label shows its total."""
    screen = EndScreen(manager, scenario, finished, (1280, 800))
    assert finished.outcome_name
    assert screen.headline.text == finished.outcome_name
    assert screen.result_line and screen.result_line in result_line(finished)
    assert {s.seat for s in finished.scores} == set(screen.totals)
    for score in finished.scores:
        assert screen.totals[score.seat].text == f"{score.total:.0f}"
    assert finished.timeline[0].event.split()[0] in screen.timeline_box.html_text
    assert "You are CFIUS" in screen.briefs_box.html_text
    assert "You are Microsoft" not in screen.briefs_box.html_text


def test_end_buttons(manager: pygame_gui.UIManager, scenario: Scenario, finished: GameView) -> None:
    """Back to lobby posts GoTo('lobby'); Quit posts GoTo('quit'); resize keeps the labels."""
    screen = EndScreen(manager, scenario, finished, (1280, 800))
    pygame.event.clear()
    _press(screen, screen.back)
    _press(screen, screen.quit)
    assert _intents() == [GoTo("lobby"), GoTo("quit")]
    screen.resize((1024, 700))
    assert screen.headline.text == finished.outcome_name
    assert pygame.Rect(0, 0, 1024, 700).contains(screen.quit.rect)


def test_join_url_accepts_the_server_shapes() -> None:
    """Host names, addresses and wss:// servers work; codes are upper-cased, slashes dropped."""
    assert join_url("ws://192.168.1.20:8765", "k7qm2", "A") == "ws://192.168.1.20:8765/K7QM2"
    assert join_url("ws://teacher-pc.local:80/", "ABCD2345", "A") == (
        "ws://teacher-pc.local:80/ABCD2345"
    )
    assert join_url("wss://class.example.org:443", "XYZW", "A") == (
        "wss://class.example.org:443/XYZW"
    )
