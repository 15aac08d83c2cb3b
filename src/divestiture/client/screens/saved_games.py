"""The lobby's way back into games: saved solo games, and a seat held in a room.

Under the Solo card, a row lists the solo games kept in the solo data directory
(client/saved.py), newest first, each as when it was last played, the seat and
where the game stands, with a button that goes back to the one chosen. On the
Classroom card, ``held_notice`` says so when the room (or class) typed is one where
this user holds a seat.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu

from divestiture.client.panels import oid
from divestiture.client.saved import SavedSeat, room_of
from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

MAX_GAMES = 8  # saved solo games the lobby lists (the newest)
_BUTTON_W, _GAP = 120, 8


def game_label(scenario: Scenario, saved: SavedSeat) -> str:
    """A saved solo game in one line: when it was last played, the seat, and where the
    game stands ("14 Jan 15:02 · Microsoft · Wednesday, day 3 of 5", or its outcome)."""
    when = time.strftime("%d %b %H:%M", time.localtime(saved.played or saved.joined))
    return " \u00b7 ".join(part for part in (when, _seat(scenario, saved), saved.stands) if part)


def held_notice(scenario: Scenario, held: SavedSeat, key: str, typed: str) -> str:
    """What the Classroom card says when the code typed is a room (or a class) where
    this user holds a seat (kept under ``key``): which, at which table of a class, under
    what name, and that Join goes back to it."""
    who = f" (as {held.name})" if held.name else ""
    room = room_of(key)
    if room == typed.strip().upper():
        where = f"this room: {_seat(scenario, held)}"
    else:
        where = f"this class: {_seat(scenario, held)} at table {room}"
    return f"You have a seat in {where}{who}. Join takes you back to it."


def _seat(scenario: Scenario, saved: SavedSeat) -> str:
    known = saved.seat in scenario.seat_ids
    return scenario.seat_name(SeatId(saved.seat)) if known else saved.seat


class SavedGamesRow:
    """The saved solo games in one row (``rect``): a menu, and Resume at its right."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        games: Sequence[tuple[str, SavedSeat]],
        chosen: str,
        rect: pygame.Rect,
    ) -> None:
        options: list[str | tuple[str, str]] = [
            (game_label(scenario, saved), room) for room, saved in games
        ]
        rooms = [room for room, _ in games]
        start = rooms.index(chosen) if chosen in rooms else 0
        self.chosen = rooms[start]
        button = pygame.Rect(rect.right - _BUTTON_W, rect.y, _BUTTON_W, rect.h)
        # Its list opens upwards (assets/theme.json): below the row is the window's edge.
        self.menu = UIDropDownMenu(
            options,
            options[start],
            pygame.Rect(rect.x, rect.y, rect.w - _BUTTON_W - _GAP, rect.h),
            manager,
            object_id=oid(None, "#saved_games"),
        )
        self.resume = UIButton(
            button,
            "Resume game",
            manager,
            tool_tip_text="Go back to the saved solo game chosen on the left",
            object_id=oid(None, "#resume_solo"),
        )

    def handle(self, event: pygame.event.Event) -> str | None:
        """Follow a choice in the menu; the room to go back to if Resume was pressed."""
        element = getattr(event, "ui_element", None)
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED and element is self.menu:
            self.chosen = str(event.selected_option_id)
        elif event.type == pygame_gui.UI_BUTTON_PRESSED and element is self.resume:
            return self.chosen
        return None

    def kill(self) -> None:
        self.menu.kill()  # type: ignore[no-untyped-call]
        self.resume.kill()  # type: ignore[no-untyped-call]
