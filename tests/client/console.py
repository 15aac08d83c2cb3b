"""A teacher's console on a raw websocket, for the client's class tests: it opens a class
on a server and uses the facilitator's controls (``control`` messages) on it.

Opening a class takes the server's host token: the tests start their server with
``HOST_TOKEN`` (``EmbeddedServer(..., host_token=HOST_TOKEN)``), and ``create_class``
sends it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from websockets.sync.client import ClientConnection, connect

from divestiture.server.protocol import PROTOCOL_VERSION

HOST_TOKEN = "host-token-of-the-client-tests"  # the test server's, which opens classes
WAIT = 10.0  # seconds a console waits for an answer


def create_class(options: dict[str, Any]) -> dict[str, Any]:
    """The ``create_class`` message for ``options``, with the host token."""
    return {"type": "create_class", "options": options, "host_token": HOST_TOKEN}


@contextmanager
def open_class(url: str, **options: Any) -> Iterator[Console]:
    """A class opened on the server at ``url`` (ws://HOST:PORT) with ``options`` (as
    ``ClassOptions``: ``tables``, ``room``), and its console, closed after."""
    with connect(url) as ws:
        yield Console(ws, options)


class Console:
    """The console of a class it opens with ``options`` on the connection ``ws``."""

    def __init__(self, ws: ClientConnection, options: dict[str, Any]) -> None:
        self.ws = ws
        self._n = 0
        self.send({"type": "hello", "protocol": PROTOCOL_VERSION})
        self.expect("welcome")
        self.send(create_class(options))
        created = self.expect("class_created")
        self.code: str = created["code"]
        self.tables: list[str] = list(created["tables"])

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def expect(
        self, kind: str, test: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """The next message of type ``kind`` (for which ``test`` holds), passing over the
        rest (class views); an error fails the test."""
        end = time.monotonic() + WAIT
        while True:
            left = end - time.monotonic()
            assert left > 0, f"no {kind} from the server"
            message: dict[str, Any] = json.loads(self.ws.recv(left))
            if message["type"] == "error":
                raise AssertionError(f"the server refused: {message}")
            if message["type"] == kind and (test is None or test(message)):
                return message

    def control(self, control: dict[str, Any], *tables: str) -> dict[str, str]:
        """Use one control (``{"do": "start"}``...) on ``tables`` (all: none named); the
        answer for each table ("ok", or why not)."""
        self._n += 1
        cid = f"c{self._n}"
        self.send({"type": "control", "id": cid, "control": control, "tables": tables})
        done = self.expect("control_done", lambda m: m["id"] == cid)
        results: dict[str, str] = done["results"]
        return results
