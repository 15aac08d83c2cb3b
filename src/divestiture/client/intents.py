"""Intents: what a widget asks for, posted as pygame events so there is one event queue.

A widget never talks to the connection. It posts an intent (an action to send,
a line for the team channel, a screen to open) and the app, which owns the
connection, turns intents into sends. Tests and autoplay read the same events.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pygame

from divestiture.game.actions import Action

INTENT = pygame.event.custom_type()
NET_WAKE = pygame.event.custom_type()


@dataclass(frozen=True, slots=True)
class SendAction:
    """Send ``action`` for this seat.

    Sent without a state version: sheets are never edited in place (a counter is a
    new sheet), so what a player signs is what it saw, and a busy table would
    otherwise refuse every offer that took longer to write than a bot's move.
    """

    action: Action


@dataclass(frozen=True, slots=True)
class SendTeam:
    """Say ``text`` on the team channel."""

    text: str


@dataclass(frozen=True, slots=True)
class StartSolo:
    """Start a solo game from the lobby."""

    seat: str
    difficulty: str
    personalities: tuple[tuple[str, str | None], ...]
    seed: int | None


@dataclass(frozen=True, slots=True)
class ResumeSolo:
    """Go back to a saved solo game (its room in the solo data directory)."""

    room: str


@dataclass(frozen=True, slots=True)
class JoinRoom:
    """Join a classroom room or class (``ws://HOST:PORT/CODE``) from the lobby, in
    ``seat``, or (None) wherever the server seats the student."""

    url: str
    seat: str | None
    name: str


@dataclass(frozen=True, slots=True)
class GoTo:
    """Switch screens: 'lobby' or 'quit'."""

    screen: str


Intent = SendAction | SendTeam | StartSolo | ResumeSolo | JoinRoom | GoTo


def post(intent: Intent) -> None:
    """Put ``intent`` on pygame's event queue."""
    pygame.event.post(pygame.event.Event(INTENT, intent=intent))
    _woken.set()


def wake() -> None:
    """Wake a loop sleeping in ``sleep`` (called from network threads)."""
    if pygame.display.get_init():
        pygame.event.post(pygame.event.Event(NET_WAKE))
    _woken.set()


def sleep(seconds: float) -> bool:
    """Sleep up to ``seconds``, less if ``wake`` or ``post`` is called meanwhile; True if
    that is what ended it. The thread sleeps in the OS, using no CPU.

    (pygame's own ``event.wait`` with a timeout looks at the event queue every
    millisecond, a thousand wake-ups a second, which is what an idle client must not do.)
    """
    woken = _woken.wait(max(0.0, seconds))
    _woken.clear()
    return woken


_woken = threading.Event()
