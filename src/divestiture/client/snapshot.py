"""Pictures of the client without a screen: a seeded bot game drawn to a PNG.

``divest screenshot`` uses this to show any seat's table in mid-play, the
composer, the brief, the lobby or the end screen (with the seat's result, drawn as the
server would for it), under SDL's dummy driver.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from divestiture.game.actions import Pause
from divestiture.game.engine import apply, start
from divestiture.game.events import Event
from divestiture.game.narration import event_text
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, Phase, SeatId
from divestiture.game.views import GameView, view_for

if TYPE_CHECKING:
    from divestiture.client.net import SeatReport

SCREENS = ("table", "composer", "brief", "help", "lobby", "end", "waiting", "paused", "moved")
# A class's table: before the teacher starts the week, paused, and just after a move
# (seconds on the stopped clock, and the move's tables).
WAITING_SECONDS, PAUSED_SECONDS, MOVED = 600.0, 134.0, ("K7QM2", "H4RT8")
# Servers the lobby's picture shows as heard on the network (``discovered`` of them).
SAMPLE_SERVERS = (
    ("ws://192.168.1.37:8765", "teacher-laptop"),
    ("ws://192.168.1.52:8765", "room-12-desk"),
    ("ws://192.168.1.80:8765", "library-pc"),
)
# Saved solo games the lobby's picture lists: (room, seat, hours ago, where it stands).
SAMPLE_GAMES = (
    ("K7QM2", "microsoft", 2, "Wednesday, day 3 of 5"),
    ("H4RT8", "cfius", 26, "Sale to Microsoft"),
)


def moment(
    scenario: Scenario, seed: int, round_no: int, *, opening: bool = False
) -> tuple[GameState, list[Event], GameState]:
    """A seeded bot game at the end of round ``round_no``'s negotiation (or as late as it
    went; at its start if ``opening``), the events up to then, and the final state."""
    record = play_game(scenario, seed, player_factory(scenario))
    step = start(scenario, seed)
    state, events = step.state, list(step.events)
    chosen, chosen_events = state, list(events)
    for seat, action in record.log:
        step = apply(state, seat, action)
        state = step.state
        events.extend(step.events)
        if state.over:
            break
        if state.round <= round_no and state.phase == Phase.NEGOTIATE:
            if opening and state.round == round_no and chosen.round == round_no:
                continue  # keep the round's first state, when every seat may still move
            chosen, chosen_events = state, list(events)
    return chosen, chosen_events, record.state


def seat_report(scenario: Scenario, seed: int, seat: SeatId) -> SeatReport:
    """``seat``'s copy of the debrief of the seeded bot game, as the server sends it to
    the student at the end (a room of its own, code ``SOLO``)."""
    from divestiture.client.net import SeatReport
    from divestiture.debrief.records import ClassInput, TableInput
    from divestiture.debrief.seat_copy import seat_copy

    record = play_game(scenario, seed, player_factory(scenario))
    table = TableInput(n=0, room="SOLO", seed=seed, log=record.log)
    copy = seat_copy(ClassInput("SOLO", scenario, (table,), is_class=False), seat)
    return SeatReport(
        seat=copy.seat,
        score=copy.score,
        percentile=copy.percentile,
        games=copy.games,
        outcome=copy.outcome,
        deal_map=copy.deal_map,
        file_name=f"debrief-SOLO-{seat}.html",
        html=copy.html,
    )


def render(
    scenario: Scenario,
    seat: SeatId,
    out: Path,
    *,
    seed: int = 1,
    round_no: int = 2,
    screen: str = "table",
    size: tuple[int, int] = (1280, 800),
    discovered: int = 1,
) -> GameView:
    """Draw one screen to ``out`` (a PNG) and return the view it showed. The lobby shows
    ``discovered`` servers as heard on the network (0 to 3). ``waiting``, ``paused``
    and ``moved`` are a class's table: before the teacher starts the week, paused by
    the teacher, and just after the teacher moved the student to the seat."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from divestiture.client import theme
    from divestiture.client.describe import moved_text
    from divestiture.client.discover import Simulated
    from divestiture.client.net import EventLines, Notice, PhaseTimer, TeamChat, ViewUpdate
    from divestiture.client.saved import SavedSeat
    from divestiture.client.screens import Screen
    from divestiture.client.screens.end import EndScreen
    from divestiture.client.screens.lobby import LobbyDefaults, LobbyScreen
    from divestiture.client.screens.table import TableScreen

    state, events, final = moment(scenario, seed, round_no, opening=screen == "composer")
    if screen == "waiting":
        step = start(scenario, seed, wait_for_start=True)
        state, events = step.state, list(step.events)
    elif screen == "paused":
        step = apply(state, FACILITATOR, Pause(paused=True))
        state, events = step.state, [*events, *step.events]
    view = view_for(state, seat)
    pygame.init()
    try:
        surface = pygame.display.set_mode(size)
        manager = theme.make_manager(size)
        shown: Screen
        if screen == "lobby":
            heard = Simulated(SAMPLE_SERVERS[: max(0, discovered)])
            defaults = LobbyDefaults(seat=seat)
            now = time.time()
            games = [
                (room, SavedSeat(s, "-", "You", now - h * 3600, now - h * 3600, at, h > 24))
                for room, s, h, at in SAMPLE_GAMES
            ]
            shown = LobbyScreen(
                manager, scenario, size, defaults=defaults, finder=heard, games=games
            )
        elif screen == "end":
            view = view_for(final, seat)
            end = EndScreen(manager, scenario, view, size)
            if end.result is not None:
                end.receive(seat_report(scenario, seed, seat))
            shown = end
        else:
            table = TableScreen(manager, scenario, view, size)
            lines = tuple(
                event_text(scenario, e.data)
                for e in events
                if e.visible(seat) and e.kind != "rationale"
            )
            table.receive(EventLines(lines[-12:]))
            table.receive(ViewUpdate(view))
            table.receive(TeamChat("Sam", "I'll watch the tracks; you take the chat."))
            table.settle()  # the text a live table lays out over its next frames
            if screen in ("waiting", "paused"):
                stopped = WAITING_SECONDS if screen == "waiting" else PAUSED_SECONDS
                table.receive(PhaseTimer(None, stopped=stopped))
            elif screen == "moved":
                table.receive(Notice(moved_text(scenario, MOVED[0], seat, MOVED[1])))
            if screen == "composer":
                from divestiture.client import compose

                table._open_draft(compose.fresh(view, scenario))
            elif screen in ("brief", "help"):
                table.toggle(screen)
            shown = table
        for _ in range(3):  # let pygame_gui settle its layout and text
            manager.update(0.05)
        shown.draw(surface)
        manager.draw_ui(surface)
        out.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surface, str(out))
        shown.kill()
    finally:
        pygame.quit()
    return view
