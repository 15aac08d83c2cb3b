"""The end screen's seat result: no ranking of seats, the seat's percentile against the
bots once its report comes, its table's deal map, and Save report (the widgets and the
drawing; tests/client/test_end_report.py plays whole games to it)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pygame
import pygame_gui
import pytest

from divestiture.client import draw
from divestiture.client.net import ErrorNotice, SeatReport, Status
from divestiture.client.screens import end as end_module
from divestiture.client.screens.end import HISTORY, EndScreen
from divestiture.client.screens.end_result import (
    PENDING,
    percentile_line,
    safe_file_name,
    save_report,
    shown_path,
)
from divestiture.client.theme import make_manager
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.scenario import Scenario
from divestiture.game.simulation import play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import SPECTATOR, SeatId

MAP_INK = (255, 0, 255)  # the fake deal map's colour: nothing else on the screen is this
RANK = re.compile(r"^\d+(st|nd|rd|th)$")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="module")
def final(scenario: Scenario) -> GameState:
    """A game played to the end by bots."""
    return play_game(scenario, 3, player_factory(scenario)).state


@pytest.fixture
def manager(display: pygame.Surface) -> Iterator[pygame_gui.UIManager]:
    yield make_manager(display.get_size())


@pytest.fixture
def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every piece of text the screens draw themselves, as they draw it."""
    texts: list[str] = []
    real = draw.text_image

    def recording(
        text: str, size: int, colour: tuple[int, int, int], **kw: object
    ) -> pygame.Surface:
        texts.append(text)
        return real(text, size, colour, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(draw, "text_image", recording)
    return texts


def _png(size: tuple[int, int] = (720, 330)) -> bytes:
    surface = pygame.Surface(size)
    surface.fill(MAP_INK)
    out = io.BytesIO()
    pygame.image.save(surface, out, "map.png")
    return out.getvalue()


def _report(seat: str = "microsoft", html: str = "<html><p>the table</p></html>") -> SeatReport:
    return SeatReport(
        seat=seat,
        score=43.0,
        percentile=62.4,
        games=200,
        outcome="stalemate",
        deal_map=_png(),
        file_name=f"debrief-K7QM2-{seat}.html",
        html=html,
    )


def _screen(
    manager: pygame_gui.UIManager,
    scenario: Scenario,
    final: GameState,
    viewer: str = "microsoft",
    reports_dir: Path | None = None,
) -> EndScreen:
    return EndScreen(
        manager, scenario, view_for(final, SeatId(viewer)), (1280, 800), reports_dir=reports_dir
    )


def _render(screen: EndScreen, manager: pygame_gui.UIManager) -> pygame.Surface:
    surface = pygame.Surface((1280, 800))
    screen.draw(surface)
    manager.update(0.01)
    manager.draw_ui(surface)
    return surface


def _press(screen: EndScreen, button: pygame_gui.elements.UIButton | None) -> None:
    assert button is not None
    screen.handle(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=button))


def _map_points(surface: pygame.Surface) -> list[tuple[int, int]]:
    """Where the fake deal map's colour is on ``surface`` (scaling blurs it a little)."""
    w, h = surface.get_size()
    return [
        (x, y)
        for x in range(0, w, 4)
        for y in range(0, h, 4)
        if all(abs(a - b) < 8 for a, b in zip(surface.get_at((x, y))[:3], MAP_INK, strict=True))
    ]


def _map_pixels(surface: pygame.Surface) -> int:
    return len(_map_points(surface))


@pytest.mark.parametrize("viewer", ["microsoft", SPECTATOR])
def test_no_seat_is_ranked(
    manager: pygame_gui.UIManager,
    scenario: Scenario,
    final: GameState,
    drawn_texts: list[str],
    viewer: str,
) -> None:
    """No '1st'..'5th' anywhere, drawn or in a widget; every seat's score still shows."""
    screen = _screen(manager, scenario, final, viewer)
    screen.receive(_report())
    _render(screen, manager)
    assert drawn_texts
    assert not [t for t in drawn_texts if RANK.match(t.strip())]
    labels = [w.text for w in screen.totals.values()]
    assert not [t for t in labels if RANK.match(t)]
    assert not hasattr(end_module, "ordinal")
    assert len(screen.totals) == len(scenario.seat_ids)


def test_the_percentile_shows_once_the_report_comes(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState, drawn_texts: list[str]
) -> None:
    """Until the report comes the panel says it is being worked out; then the seat's
    score against the bots' games in the same seat."""
    screen = _screen(manager, scenario, final)
    assert screen.result is not None
    _render(screen, manager)
    assert PENDING in drawn_texts
    drawn_texts.clear()
    screen.receive(_report())
    assert screen.dirty
    _render(screen, manager)
    line = "Better than 62% of the bots' games in this seat (200 games)"
    assert percentile_line(_report()) == line
    assert line in drawn_texts
    assert PENDING not in drawn_texts
    mine = next(s for s in view_for(final, SeatId("microsoft")).scores if s.seat == "microsoft")
    assert f"{mine.total:.0f}" in drawn_texts


def test_the_deal_map_is_drawn(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState
) -> None:
    """The report's PNG is drawn on the screen, scaled into its panel, and nothing of it
    before the report comes."""
    screen = _screen(manager, scenario, final)
    assert _map_pixels(_render(screen, manager)) == 0
    screen.receive(_report())
    surface = _render(screen, manager)
    assert _map_pixels(surface) > 1000
    _header, scores, left, right = screen._regions()
    hits = _map_points(surface)
    assert all(left.collidepoint(p) for p in hits)
    assert not any(right.collidepoint(p) or scores.collidepoint(p) for p in hits)


def test_save_writes_the_reports_page(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState, tmp_path: Path
) -> None:
    """Save report writes the page under the report's name and says where; saving again
    writes it again."""
    folder = tmp_path / "reports"
    screen = _screen(manager, scenario, final, reports_dir=folder)
    assert screen.save is not None and not screen.save.is_enabled
    _press(screen, screen.save)  # nothing to save yet: nothing happens
    assert not folder.exists()
    html = "<!doctype html><title>K7QM2</title><p>Microsoft\u2019s week</p>"
    screen.receive(_report(html=html))
    assert screen.save.is_enabled
    for _ in range(2):
        _press(screen, screen.save)
        path = folder / "debrief-K7QM2-microsoft.html"
        assert path.read_text(encoding="utf-8") == html
        assert screen.result is not None and screen.result.saved_ok
        assert "debrief-K7QM2-microsoft.html" in screen.result.saved
        assert shown_path(folder) in screen.result.saved
    assert [p.name for p in folder.iterdir()] == ["debrief-K7QM2-microsoft.html"]
    _render(screen, manager)


def test_a_failed_save_says_why(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState, tmp_path: Path
) -> None:
    """A folder that cannot be made (a file is in the way): the screen says so."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    screen = _screen(manager, scenario, final, reports_dir=blocked / "reports")
    screen.receive(_report())
    _press(screen, screen.save)
    assert screen.result is not None and not screen.result.saved_ok
    assert screen.result.saved.startswith("Could not save the report: ")
    _render(screen, manager)


def test_a_report_that_will_not_come_is_said_in_words(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState, drawn_texts: list[str]
) -> None:
    """A refused or failed debrief is a line of words, not a crash; other errors are not
    about it."""
    screen = _screen(manager, scenario, final)
    assert screen.result is not None
    screen.receive(ErrorNotice("stale_version", "the game moved on"))
    assert screen.result.line == PENDING
    screen.receive(ErrorNotice("debrief_failed", "the debrief could not be drawn: no store"))
    assert screen.result.line == "The debrief could not be drawn: no store."
    _render(screen, manager)
    assert screen.result.line in drawn_texts
    closed = _screen(manager, scenario, final, "cfius")
    closed.receive(Status("closed", "left the room"))
    assert closed.result is not None and "connection closed" in closed.result.line


def test_a_spectator_sees_no_result(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState
) -> None:
    """A spectator has no seat: no result, no map, no Save report, no tabs; the briefs
    and the history side by side as before."""
    screen = _screen(manager, scenario, final, SPECTATOR)
    assert screen.result is None and screen.save is None and not screen.tabs
    screen.receive(_report())
    assert _map_pixels(_render(screen, manager)) == 0
    assert screen.briefs_box.visible and screen.timeline_box.visible
    assert not screen.briefs_box.rect.colliderect(screen.timeline_box.rect)


def test_the_tabs_show_briefs_or_history(
    manager: pygame_gui.UIManager, scenario: Scenario, final: GameState
) -> None:
    """A seated student's briefs and history share a panel: one tab each; the choice
    stays through a resize."""
    screen = _screen(manager, scenario, final)
    assert screen.briefs_box.visible and not screen.timeline_box.visible
    _press(screen, screen.tabs[HISTORY])
    assert screen.timeline_box.visible and not screen.briefs_box.visible
    screen.resize((1024, 700))
    assert screen.tab == HISTORY
    assert screen.timeline_box.visible and not screen.briefs_box.visible
    for widget in (screen.save, screen.back, screen.quit, *screen.tabs.values()):
        assert widget is not None
        assert pygame.Rect(0, 0, 1024, 700).contains(widget.rect)
    assert screen.save is not None
    assert not screen.save.rect.colliderect(screen.back.rect)


@pytest.mark.parametrize(
    ("given", "saved_as"),
    [
        ("debrief-K7QM2-cfius.html", "debrief-K7QM2-cfius.html"),
        ("../../etc/passwd", "passwd.html"),
        ("..\\evil name.html", "evil_name.html"),
        ("", "debrief.html"),
        (".hidden", "hidden.html"),
    ],
)
def test_report_file_names_stay_in_their_folder(tmp_path: Path, given: str, saved_as: str) -> None:
    """The server's name for the page is a plain file name in the folder, ending .html."""
    assert safe_file_name(given) == saved_as
    report = SeatReport("cfius", 1.0, 2.0, 3, "ban", b"", given, "<p>x</p>")
    assert save_report(tmp_path, report) == tmp_path / saved_as
