"""The student's own result on the end screen: their seat's score, how it compares with
the bots' games in the same seat, the table's deal map, and saving the table's report.

The server (the embedded one of a solo game too) draws the seat's copy of the debrief
once the week is over; it takes a few seconds, so the panel says it is being worked out
until the ``SeatReport`` comes, or why it will not.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pygame
import pygame_gui
from pygame_gui.elements import UIButton

from divestiture.client import draw, theme
from divestiture.client.net import ErrorNotice, Inbound, SeatReport, Status
from divestiture.client.panels import oid

PENDING = "Working out how the bots did in your seat\u2026"
NO_MAP = "Your table's deal map comes with your result."
NO_MAP_NOW = "No deal map: your table's report did not come."
MAP_ASPECT = 7.2 / 3.3  # the deal map's shape until it comes (debrief/charts.py's figure)
# Answers to the debrief that mean it will not come (said as the server words them, or
# else as here); anything else is not about it.
_REFUSALS = {
    "not_over": "Your table's report opens when its week is over",
    "not_seated": "The report is for the students in a seat",
    "debrief_failed": "Your table's report could not be drawn",
    "unknown_table": "Your table's report could not be found",
}


def default_reports_dir() -> Path:
    """Where reports are saved unless told otherwise: a Divestiture folder in the user's
    documents."""
    from platformdirs import user_documents_path

    return user_documents_path() / "Divestiture"


def safe_file_name(name: str) -> str:
    """The server's name for the report as a plain file name: no folders, only letters,
    digits, dashes, dots and underscores, ending in ``.html``."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name.replace("\\", "/")).name).lstrip(".")
    base = base.removesuffix(".html")[:100] or "debrief"
    return f"{base}.html"


def save_report(folder: Path, report: SeatReport) -> Path:
    """Write the report's page into ``folder`` (made if missing) under its file name; a
    second save writes the same file again. The path written.

    Raises:
        OSError: the folder cannot be made or the file written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_file_name(report.file_name)
    path.write_text(report.html, encoding="utf-8")
    return path


def percentile_line(report: SeatReport) -> str:
    """How the seat's score compares with the bots' games in the same seat, in words."""
    games = f"{report.games} game" + ("" if report.games == 1 else "s")
    return f"Better than {report.percentile:.0f}% of the bots' games in this seat ({games})"


def shown_path(path: Path) -> str:
    """``path`` with the home folder written as ``~``, for a line on the screen."""
    try:
        return f"~/{path.relative_to(Path.home()).as_posix()}"
    except (ValueError, RuntimeError):  # not under home, or no home at all
        return str(path)


class SeatResult:
    """The seat's result (or that it is coming), its deal map, and the Save report
    button with what the last save did. ``folder``: where reports are saved (None: the
    user's documents, ``default_reports_dir``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.report: SeatReport | None = None
        self.problem = ""  # why no report will come
        self.saved = ""  # what the last save did, in words
        self.saved_ok = True
        self.save: UIButton | None = None
        self._map: pygame.Surface | None = None
        self._scaled: pygame.Surface | None = None

    # -- widgets ---------------------------------------------------------------------------

    def build(self, manager: pygame_gui.UIManager, at: pygame.Rect) -> UIButton:
        """The Save report button at ``at``, live once the report is here."""
        self.save = UIButton(
            at,
            "Save report",
            manager,
            object_id=oid("@quiet", "#save_report"),
            tool_tip_text="Save your table's report as a web page",
        )
        self._enable()
        return self.save

    def _enable(self) -> None:
        if self.save is None:
            return
        if self.report is not None:
            self.save.enable()  # type: ignore[no-untyped-call]
        else:
            self.save.disable()  # type: ignore[no-untyped-call]

    # -- what arrives ----------------------------------------------------------------------

    def take(self, item: Inbound) -> bool:
        """The report, or why it will not come; True if the panel changed."""
        if isinstance(item, SeatReport):
            self.report, self.problem = item, ""
            self._map = self._scaled = None
            try:
                self._map = pygame.image.load(io.BytesIO(item.deal_map), "deal_map.png")
            except (pygame.error, ValueError):
                self.problem = "The deal map could not be read"
            self._enable()
            return True
        if self.report is not None:
            return False
        if isinstance(item, ErrorNotice) and item.code in _REFUSALS:
            said = item.message.strip().rstrip(".") or _REFUSALS[item.code]
            self.problem = f"{said[:1].upper()}{said[1:]}."
            return True
        if isinstance(item, Status) and item.state == "closed":
            self.problem = "The connection closed before your report came."
            return True
        return False

    def write(self) -> Path | None:
        """Save the report (if it is here); the path written, or None (and why, in
        ``saved``)."""
        if self.report is None:
            return None
        folder = self.folder if self.folder is not None else default_reports_dir()
        try:
            path = save_report(folder, self.report)
        except OSError as e:
            self.saved, self.saved_ok = f"Could not save the report: {e.strerror or e}", False
            return None
        self.saved, self.saved_ok = f"Saved as {path.name} in {shown_path(path.parent)}", True
        return path

    # -- drawing ---------------------------------------------------------------------------

    @property
    def line(self) -> str:
        """The line under the score: the comparison, that it is coming, or why not."""
        if self.report is not None:
            return percentile_line(self.report)
        return self.problem or PENDING

    def map_rect(self, area: pygame.Rect) -> pygame.Rect:
        """Where the deal map goes in ``area``: as large as fits, its shape kept, centred."""
        aspect = self._map.get_width() / self._map.get_height() if self._map else MAP_ASPECT
        w = min(area.w, int(area.h * aspect))
        h = min(area.h, int(w / aspect))
        return pygame.Rect(area.centerx - w // 2, area.y, w, h)

    def draw_map(self, surface: pygame.Surface, area: pygame.Rect) -> pygame.Rect:
        """The deal map scaled into ``area`` (a placeholder until it comes); its rect."""
        rect = self.map_rect(area)
        if self._map is None:
            draw.rounded(surface, rect, theme.BG_DEEP, theme.LINE, radius=6)
            if self.report is not None:
                words = self.problem  # the map would not load
            else:
                words = NO_MAP_NOW if self.problem else NO_MAP
            centre = (rect.centerx, rect.centery - 8)
            draw.label(surface, words, centre, 13, theme.TEXT_FAINT, italic=True, align="centre")
            return rect
        if self._scaled is None or self._scaled.get_size() != rect.size:
            self._scaled = pygame.transform.smoothscale(self._map, rect.size)
        surface.blit(self._scaled, rect)
        pygame.draw.rect(surface, theme.LINE, rect, width=1)
        return rect

    def kill(self) -> None:
        if self.save is not None:
            self.save.kill()  # type: ignore[no-untyped-call]
            self.save = None
