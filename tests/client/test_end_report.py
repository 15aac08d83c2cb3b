"""The seat's report at the end of a whole game, through the real client against a real
server: a solo game (its embedded server) and a student at a classroom room both end on
a screen with their score against the bots' games in their seat, their table's deal map,
and a report that saves; asked before the week is over, the server says so."""

from __future__ import annotations

import queue
import random
import time
from collections.abc import Callable
from pathlib import Path

import pygame
import pytest

from divestiture.client.app import ClientApp
from divestiture.client.embedded import EmbeddedServer
from divestiture.client.intents import JoinRoom, SendAction, StartSolo
from divestiture.client.net import ErrorNotice, Inbound, SeatReport, ViewUpdate
from divestiture.client.screens.end import EndScreen
from divestiture.client.screens.end_result import percentile_line
from divestiture.client.screens.table import TableScreen
from divestiture.client.ws import RemoteConnection
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.bots import make_bot
from divestiture.game.types import SeatId
from divestiture.server.protocol import BotSpec, RoomOptions
from tests.client.frames import until

SC = load_scenario(DEFAULT_SCENARIO)
PNG = b"\x89PNG\r\n\x1a\n"
PATIENCE = 120.0  # seconds a whole game and its report may take on a slow, busy machine


class PlayingApp(ClientApp):
    """The client as a student has it (it stays on the end screen), with a bot deciding
    for its seat through the same intents a click sends."""

    def __init__(self, seat: str, **kwargs: object) -> None:
        super().__init__(SC, **kwargs)  # type: ignore[arg-type]
        self.bot = make_bot(SC, SeatId(seat), random.Random(7), None, "normal")
        self.memory = self.bot.first_memory
        self.acted: int | None = None

    def deliver(self, item: Inbound) -> None:
        super().deliver(item)
        if not isinstance(item, ViewUpdate | ErrorNotice):
            return
        if not isinstance(self.screen, TableScreen):
            return
        view = self.screen.view
        waiting = any(s.id == view.viewer and s.waiting for s in view.seats)
        fresh = isinstance(item, ErrorNotice) or self.acted != view.version
        if waiting and fresh and view.legal:
            self.acted = view.version
            action, self.memory = self.bot.decide(view, self.memory)
            self.on_intent(SendAction(action))


def _reported(app: ClientApp) -> EndScreen:
    """Run the app's frames until its end screen has the seat's report."""

    def done() -> bool:
        screen = app.screen
        return isinstance(screen, EndScreen) and (
            screen.result is None or screen.result.report is not None or bool(screen.result.problem)
        )

    until(app, done, "no report on the end screen", PATIENCE)
    assert isinstance(app.screen, EndScreen)
    return app.screen


def _check_end(screen: EndScreen, seat: str, reports: Path) -> SeatReport:
    """The end screen shows ``seat``'s report: its score, percentile and deal map; Save
    report writes its page."""
    result = screen.result
    assert result is not None and not result.problem, result and result.problem
    report = result.report
    assert report is not None
    assert report.seat == seat and report.games == 200
    assert 0 <= report.percentile <= 100
    assert report.deal_map.startswith(PNG)
    mine = next(s for s in screen.view.scores if s.seat == seat)
    assert report.score == pytest.approx(mine.total)
    assert report.outcome == screen.view.outcome
    assert result.line == percentile_line(report)
    surface = pygame.Surface(screen.size)
    screen.draw(surface)
    where = result.map_rect(screen.map_area())
    assert where.w > 300 and where.h > 120
    corner = surface.get_at((where.x + 3, where.y + 3))
    assert min(corner[:3]) > 240  # the deal map's white paper, not the dark screen
    assert screen.save is not None and screen.save.is_enabled
    path = result.write()
    assert path is not None and path.parent == reports
    assert path.read_text(encoding="utf-8") == report.html
    assert "<html" in report.html.lower()
    return report


def test_a_solo_game_ends_with_the_seats_report(display: pygame.Surface, tmp_path: Path) -> None:
    """A solo game played to the end (bots at full speed, the player's seat by a bot
    through the client) asks its embedded server for the seat's copy of the debrief;
    the end screen shows it."""
    app = PlayingApp("bytedance", data_dir=tmp_path / "solo", bot_delay=0, reports_dir=tmp_path)
    try:
        app.on_intent(StartSolo("bytedance", "normal", (), 4))
        screen = _reported(app)
        assert screen.view.viewer == "bytedance"
        report = _check_end(screen, "bytedance", tmp_path)
        assert report.file_name.startswith("debrief-") and report.file_name.endswith(
            "-bytedance.html"
        )
    finally:
        app.close()


def test_a_student_at_a_finished_table_gets_the_seats_report(
    display: pygame.Surface, embedded: EmbeddedServer, tmp_path: Path
) -> None:
    """A student in a seat of a classroom room, the other seats bots: when the week ends
    the client asks for the debrief, and the server's ``debrief_report`` comes with the
    seat filled in."""
    bots = {SeatId(s): BotSpec() for s in SC.seat_ids if s != "microsoft"}
    room, _ = embedded.create_room(RoomOptions(seed=11, bots=bots, bot_delay=0, rounds=2))
    app = PlayingApp("microsoft", reports_dir=tmp_path / "reports")
    try:
        app.on_intent(JoinRoom(f"{embedded.url}/{room}", "microsoft", "Ada"))
        screen = _reported(app)
        report = _check_end(screen, "microsoft", tmp_path / "reports")
        assert report.file_name == f"debrief-{room}-microsoft.html"
    finally:
        app.close()


def test_a_report_asked_for_during_the_week_is_refused(embedded: EmbeddedServer) -> None:
    """Asked before the week is over, the server says it opens at the end; the connection
    hands that on as an error notice, and keeps going."""
    bots = {SeatId(s): BotSpec() for s in SC.seat_ids if s != "cfius"}
    room, _ = embedded.create_room(RoomOptions(seed=2, bots=bots, bot_delay=30))
    connection = RemoteConnection(embedded.url, room, SeatId("cfius"), "Bo")
    connection.start()
    try:
        _take(connection, lambda item: isinstance(item, ViewUpdate))
        connection.ask_debrief()
        refused = _take(
            connection, lambda item: isinstance(item, ErrorNotice) and item.code == "not_over"
        )
        assert isinstance(refused, ErrorNotice) and "over" in refused.message
    finally:
        connection.close()


def _take(connection: RemoteConnection, test: Callable[[Inbound], bool]) -> Inbound:
    """The first item in the connection's inbox for which ``test`` holds."""
    end = time.monotonic() + 30
    while True:
        left = end - time.monotonic()
        assert left > 0, "nothing like it came"
        try:
            item = connection.inbox.get(timeout=left)
        except queue.Empty:
            continue
        assert not (isinstance(item, ErrorNotice) and item.code == "connection_crashed"), item
        if test(item):
            return item
