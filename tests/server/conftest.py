"""A real server on 127.0.0.1 (port 0, a fresh data directory) and a raw test client."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from divestiture.server.app import start_server, stop_server
from divestiture.server.limits import Limits
from divestiture.server.lobby import Lobby
from divestiture.server.store import AsyncStore

# The host token of every test server (a real one is 192 random bits, server/host.py).
HOST_TOKEN = "tests-host-token-tests-host-toke"


@dataclass
class Running:
    url: str
    lobby: Lobby
    data: Path
    store: AsyncStore


@asynccontextmanager
async def running(data: Path, limits: Limits | None = None) -> AsyncIterator[Running]:
    """A server in this process with instant bots on the data directory ``data`` (with
    the host token HOST_TOKEN), stopped on the way out (a test may start several on the
    same data, one by one)."""
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, data, host_token=HOST_TOKEN, bot_delay=0, limits=limits
    )
    port = srv.sockets[0].getsockname()[1]
    try:
        yield Running(f"ws://127.0.0.1:{port}", lobby, data, store)
    finally:
        await stop_server(srv, lobby, store)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Running]:
    """A server with instant bots, stopped after the test."""
    async with running(tmp_path) as started:
        yield started


class Peer:
    """A raw websocket client: sends dicts or raw frames, reads typed replies."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []
        self.frames: list[str] = []

    @classmethod
    async def open(cls, url: str, hello: bool = True) -> Peer:
        peer = cls(await connect(url, max_size=None))
        if hello:
            await peer.send({"type": "hello", "protocol": 1})
            await peer.expect("welcome")
        return peer

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        frame = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(frame, str)
        self.frames.append(frame)
        message: dict[str, Any] = json.loads(frame)
        self.received.append(message)
        return message

    async def expect(self, kind: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
        """The next message of type ``kind`` (with these field values), skipping others."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            message = await self.next(max(0.01, end - loop.time()))
            if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
                return message

    async def expect_any(self, kinds: tuple[str, ...], timeout: float = 5.0) -> dict[str, Any]:
        """The next message of one of these types, skipping others."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            message = await self.next(max(0.01, end - loop.time()))
            if message["type"] in kinds:
                return message

    async def until_view(self, test: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first view message for which ``test(view)`` holds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            message = await self.expect("view", max(0.01, end - loop.time()))
            if test(message["view"]):
                return message

    async def create(self, **options: Any) -> dict[str, Any]:
        """A room with these options, created with the test servers' host token."""
        await self.send({"type": "create_room", "options": options, "host_token": HOST_TOKEN})
        return await self.expect("room_created")

    async def join(self, room: str, seat: str, name: str = "Ann") -> dict[str, Any]:
        await self.send({"type": "join", "room": room, "seat": seat, "name": name})
        return await self.expect("joined")

    async def close(self) -> None:
        await self.ws.close()


@pytest.fixture
async def peers() -> AsyncIterator[list[Peer]]:
    """Peers opened in a test are closed after it."""
    opened: list[Peer] = []
    yield opened
    for p in opened:
        await p.close()


# A Microsoft-only offer for the US business, as a client sends it.
MS_TERMS: dict[str, object] = {
    "buyers": [{"seat": "microsoft", "percent": 100}],
    "seller_stake": 0,
    "scope": "us",
    "price": 45,
    "algorithm": "license",
    "us_storage": True,
    "rounds_to_close": 2,
}


# --- the console's browser tests (test_console_browser.py) --------------------------------

CHROMIUM = "/usr/bin/chromium"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, in one line, or None if they can."""
    if not Path(CHROMIUM).is_file():
        return f"browser tests skipped: no Chromium at {CHROMIUM} (apt install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests skipped: playwright is not installed (make test installs it)"
    return None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, in the summary, that the browser tests were skipped and why (a skipped
    module is otherwise one 's' in the dots)."""
    reason = browser_missing()
    skipped = terminalreporter.stats.get("skipped", [])
    if reason and any("test_console_browser" in str(r.nodeid) for r in skipped):
        terminalreporter.write_line(reason)
