"""Saved solo games: the lobby lists them and goes back to one, on the same seat."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pygame
import pygame_gui

from divestiture.client import intents
from divestiture.client.app import ClientApp
from divestiture.client.saved import GAMES_FILE, SavedSeat
from divestiture.client.screens.lobby import LobbyScreen
from divestiture.client.screens.saved_games import game_label
from divestiture.client.theme import make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from tests.client.frames import shown_table

SC = load_scenario(DEFAULT_SCENARIO)


def test_a_solo_game_is_listed_in_the_lobby_and_resumed(
    display: pygame.Surface, tmp_path: Path
) -> None:
    """A solo game played and left is kept with its seat's token; the next lobby lists it
    (when, the seat, the day) and Resume opens the same game on the same seat again."""
    first = ClientApp(SC, data_dir=tmp_path, bot_delay=30)
    try:
        first.on_intent(intents.StartSolo("bytedance", "normal", (), 8))
        assert shown_table(first).view.round_name == "Monday"
        assert first.session is not None
        room, token = first.session.connection.room, first.session.connection.token
    finally:
        first.close()
    kept = json.loads((tmp_path / GAMES_FILE).read_text())["seats"]
    assert kept[room]["seat"] == "bytedance" and kept[room]["token"] == token
    assert kept[room]["stands"] == "Monday, day 1 of 5"

    again = ClientApp(SC, data_dir=tmp_path, bot_delay=30)
    try:
        again.show_lobby()
        lobby = again.screen
        assert isinstance(lobby, LobbyScreen)
        row = lobby.saved_games
        assert row is not None
        shown = row.menu.selected_option
        assert shown[1] == room
        assert shown[0].endswith(" \u00b7 ByteDance \u00b7 Monday, day 1 of 5")
        assert time.strftime("%d %b", time.localtime()) in shown[0]
        again.render()
        assert again.surface.get_rect().contains(row.resume.rect)
        press = pygame_gui.UI_BUTTON_PRESSED
        lobby.handle(pygame.event.Event(press, ui_element=row.resume))
        for event in pygame.event.get():
            again.dispatch(event)
        table = shown_table(again)
        assert table.view.viewer == "bytedance"
        assert again.session is not None
        assert again.session.connection.room == room
        assert again.session.connection.token == token  # resumed, not joined anew
    finally:
        again.close()


def test_the_lobby_lists_a_finished_game_by_its_outcome(display: pygame.Surface) -> None:
    """A finished game shows its outcome instead of a day; the newest game is first."""
    manager = make_manager((1024, 700))
    now = time.time()
    games = [
        ("ABCDE", SavedSeat("microsoft", "t1", "You", now - 90, now - 60, "Tuesday, day 2 of 5")),
        ("FGHJK", SavedSeat("cfius", "t2", "You", now - 9000, now - 8000, "Ban", True)),
    ]
    screen = LobbyScreen(manager, SC, (1024, 700), games=games)
    assert screen.saved_games is not None
    menu = screen.saved_games.menu
    labels = [o[0] for o in menu.options_list]
    assert labels == [game_label(SC, g) for _, g in games]
    assert labels[1].endswith(" \u00b7 CFIUS \u00b7 Ban")
    assert pygame.Rect(0, 0, 1024, 700).contains(menu.rect)
