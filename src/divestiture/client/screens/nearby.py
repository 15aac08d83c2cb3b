"""The Classroom card's row under the Server field: servers found on this network.

It reads the lobby's ``Finder`` (client/discover.py) once a frame, never
waiting. With one server heard the lobby fills the Server field with it (unless
the student typed something) and this row says where it was found; with several,
a pygame_gui drop-down lets the student pick one; with none it says it is
looking, then that nothing was found, and the field stays as it was.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIDropDownMenu

from divestiture.client import draw, theme
from divestiture.client.discover import Finder, Heard
from divestiture.client.panels import oid
from divestiture.server.discovery import FRESH_SECONDS

PICK = "pick"  # the drop-down's first option: no server chosen yet
_NAME_SHOWN = 24  # characters of a server's name in the drop-down


def option_label(heard: Heard) -> str:
    """A server as the drop-down lists it: its address and (short) name."""
    name = heard.name if len(heard.name) <= _NAME_SHOWN else heard.name[: _NAME_SHOWN - 1] + "…"
    return f"{heard.url} ({name})" if name else heard.url


class NearbyRow:
    """What the network found, in one row of the Classroom card (``rect``); the
    drop-down, when there is one, fills the row right of ``label_w``."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        finder: Finder | None,
        rect: pygame.Rect,
        label_w: int,
    ) -> None:
        self.manager, self.finder, self.rect, self.label_w = manager, finder, rect, label_w
        self.found: tuple[Heard, ...] = ()
        self.searching = finder is not None and finder.listening
        self.menu: UIDropDownMenu | None = None
        self._shown: tuple[tuple[str, str], ...] | None = None

    def poll(self, now: float) -> bool:
        """Read the finder; whether what the row shows has changed."""
        finder = self.finder
        found = finder.servers(now) if finder is not None else ()
        # Only while nothing is found: the row changes once when the search gives up.
        searching = (
            not found
            and finder is not None
            and finder.listening
            and now - finder.started < FRESH_SECONDS
        )
        shown = tuple((h.url, h.name) for h in found)
        if shown == self._shown and searching == self.searching:
            return False
        self.found, self.searching, self._shown = found, searching, shown
        return True

    def show_menu(self, field: str) -> None:
        """Make the drop-down for several servers (none for fewer), the one in ``field``
        chosen if it is one of them."""
        self.kill()
        if len(self.found) < 2:
            return
        options = [(f"Pick your teacher's server ({len(self.found)} found)", PICK)]
        options += [(option_label(h), h.url) for h in self.found]
        start = next((o for o in options if o[1] == field), options[0])
        rect = pygame.Rect(
            self.rect.x + self.label_w, self.rect.y, self.rect.w - self.label_w, self.rect.h
        )
        self.menu = UIDropDownMenu(
            list(options), start, rect, self.manager, object_id=oid(None, "#nearby_servers")
        )

    def owns(self, event: pygame.event.Event) -> bool:
        """Whether ``event`` comes from this row's drop-down."""
        return self.menu is not None and getattr(event, "ui_element", None) is self.menu

    def picked(self, event: pygame.event.Event) -> str | None:
        """The address the student chose in the drop-down, if ``event`` is that choice."""
        if not self.owns(event) or event.type != pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            return None
        value = str(event.selected_option_id)
        return value if value != PICK else None

    def line(self) -> tuple[str, theme.Colour]:
        """The row's text and its colour."""
        if len(self.found) == 1:
            return f"Found on this network: {self.found[0].label}", theme.GOOD
        if self.found:
            return "On this network", theme.TEXT
        if self.finder is None or not self.finder.listening:
            return "Type the server's address your teacher reads out.", theme.TEXT_FAINT
        if self.searching:
            return "Looking for your teacher's server on this network\u2026", theme.TEXT_DIM
        return "No server found on this network: type the address your teacher reads out.", (
            theme.TEXT_DIM
        )

    def draw(self, surface: pygame.Surface) -> None:
        text, colour = self.line()
        if self.menu is not None:
            draw.label(surface, text, (self.rect.x, self.rect.y + 7), 14, colour)
            return
        # A dot says at a glance whether anything was found: lit, or a faint ring.
        centre = (self.rect.x + 5, self.rect.centery)
        if self.found:
            pygame.draw.circle(surface, colour, centre, 5)
        else:
            pygame.draw.circle(surface, theme.TEXT_FAINT, centre, 5, width=1)
        x, width = self.rect.x + 18, self.rect.w - 18
        size = 13
        while size > 11 and theme.font(size).size(text)[0] > width:
            size -= 1
        at = (x, self.rect.y + (self.rect.h - theme.font(size).get_linesize()) // 2)
        draw.label(surface, text, at, size, colour, max_width=width)

    def kill(self) -> None:
        if self.menu is not None:
            self.menu.kill()  # type: ignore[no-untyped-call]
            self.menu = None
