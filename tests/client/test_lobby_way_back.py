"""A join that fails brings the lobby back as the student left it, the reason in words."""

from __future__ import annotations

import time

import pygame
import pygame_gui

from divestiture.client.app import ClientApp
from divestiture.client.describe import in_words
from divestiture.client.embedded import EmbeddedServer
from divestiture.client.screens.lobby import LobbyScreen
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.types import SeatId
from divestiture.server.protocol import BotSpec, RoomOptions

SC = load_scenario(DEFAULT_SCENARIO)


def _lobby_again(app: ClientApp, old: LobbyScreen) -> LobbyScreen:
    """Run the app's frames until a new lobby is shown (the join came back refused)."""
    deadline = time.monotonic() + 15
    while app.screen is old or not isinstance(app.screen, LobbyScreen):
        assert time.monotonic() < deadline, "the lobby never came back"
        app.frame()
    return app.screen


def test_a_refused_join_keeps_the_fields_and_names_the_seat(
    display: pygame.Surface, embedded: EmbeddedServer
) -> None:
    """Joining a seat a bot plays comes back to a lobby with the server, room, name and
    seat still there, and an error naming the seat as the rules do ("A bot plays CFIUS")."""
    code, _ = embedded.create_room(RoomOptions(seed=1, bots={SeatId("cfius"): BotSpec()}))
    app = ClientApp(SC)
    try:
        app.show_lobby()
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        lobby.classroom.url_entry.set_text(embedded.url)
        lobby.classroom.room_entry.set_text(code.lower())
        lobby.classroom.name_entry.set_text("Ada")
        changed = pygame_gui.UI_DROP_DOWN_MENU_CHANGED
        menu = lobby.classroom.seat_menu
        lobby.handle(pygame.event.Event(changed, ui_element=menu, selected_option_id="cfius"))
        lobby.handle(
            pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=lobby.classroom.join)
        )
        for event in pygame.event.get():
            app.dispatch(event)
        back = _lobby_again(app, lobby)
        assert back.classroom.url_entry.get_text() == embedded.url
        assert back.classroom.room_entry.get_text() == code.lower()
        assert back.classroom.name_entry.get_text() == "Ada"
        assert back.classroom.seat_menu.selected_option[1] == "cfius"
        assert back.classroom.error_text.startswith("A bot plays CFIUS")
        assert "cfius" not in back.classroom.error_text
        assert (
            back.classroom.error.visible and "A bot plays CFIUS" in back.classroom.error.html_text
        )
    finally:
        app.close()


def test_server_messages_name_seats_in_words() -> None:
    """Seat ids in a server's message become the rules' names; other words are left."""
    assert in_words(SC, "a bot plays cfius in room K7QM2") == "A bot plays CFIUS in room K7QM2"
    assert in_words(SC, "'x' is not a seat (choose from white_house, cfius)") == (
        "'x' is not a seat (choose from White House, CFIUS)"
    )
    assert in_words(SC, "'bytedance' is taken") == "ByteDance is taken"
    assert in_words(SC, "the white_house_desk is open") == "The white_house_desk is open"
