"""Running a client app's frames until it gets somewhere, for the tests that drive a whole
``ClientApp`` against a real server."""

from __future__ import annotations

import time
from collections.abc import Callable

from divestiture.client.app import ClientApp
from divestiture.client.screens.table import TableScreen

WAIT = 15.0  # seconds a test waits for the app to get there


def until(app: ClientApp, test: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Run the app's frames until ``test`` holds (``what`` names it if it never does)."""
    end = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < end, f"{what}: still on {type(app.screen).__name__}"
        app.frame()


def shown_table(
    app: ClientApp, test: Callable[[TableScreen], bool] = lambda _: True
) -> TableScreen:
    """Run the app's frames until it shows a table for which ``test`` holds."""
    until(app, lambda: isinstance(app.screen, TableScreen) and test(app.screen), "no table")
    assert isinstance(app.screen, TableScreen)
    return app.screen
