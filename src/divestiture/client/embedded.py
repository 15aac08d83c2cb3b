"""A classroom server inside the client: one background thread with its own asyncio loop.

A solo game (and the client's tests) can then run over the same protocol and
``RemoteConnection`` as a classroom, with the server's store, bots and timers,
instead of a second code path. The server listens on 127.0.0.1 only, with a host
token of its own that never leaves this process (it is neither printed nor kept).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from websockets.asyncio.server import Server

from divestiture.server.app import start_server, stop_server
from divestiture.server.client import create_room
from divestiture.server.lobby import Lobby, new_token
from divestiture.server.protocol import RoomOptions
from divestiture.server.store import AsyncStore

_T = TypeVar("_T")
HOST = "127.0.0.1"
WAIT = 30.0  # seconds the main thread waits on the server's loop before giving up


class EmbeddedServer:
    """The classroom server (``divestiture.server.app``) on ``127.0.0.1:port`` (0: a free
    port), keeping games in ``data_dir``; ``host_token`` opens rooms and classes on it
    (None: a new one that only this object has)."""

    def __init__(self, data_dir: Path, port: int = 0, *, host_token: str | None = None) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = ""
        self.lobby: Lobby | None = None  # read it on the server's loop (``run``), not here
        self._host_token = host_token or new_token()  # what creates rooms on it
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._store: AsyncStore | None = None

    def start(self) -> None:
        """Start the loop's thread and return once the server listens.

        Raises:
            OSError: the port is taken (the thread is stopped again).
        """
        if self._thread is not None:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="server", daemon=True)
        self._thread.start()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            started = start_server(
                HOST, self.port, self.data_dir, host_token=self._host_token, bot_delay=None
            )
            self._server, self.lobby, self._store = self.run(started)
        except BaseException:
            self._halt()
            raise
        self.port = self._server.sockets[0].getsockname()[1]  # the one picked for port 0
        self.url = f"ws://{HOST}:{self.port}"

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coro`` on the server's loop and wait for its result (from another thread)."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("the embedded server is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(WAIT)

    def create_room(self, options: RoomOptions) -> tuple[str, str]:
        """Create a room over the protocol; return its code and the facilitator token."""
        created = self.run(create_room(self.url, options, host_token=self._host_token))
        return created.room, created.facilitator_token

    def stop(self) -> None:
        """Close every connection, stop the rooms and the store, and end the thread."""
        if self._server is not None and self.lobby is not None and self._store is not None:
            server, lobby, store = self._server, self.lobby, self._store
            self._server = self._store = None
            self.run(stop_server(server, lobby, store))
        self._halt()

    def _halt(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        # Whatever is left (a client's keepalive, say) is cancelled, as asyncio.run would.
        rest = asyncio.all_tasks(loop)
        for task in rest:
            task.cancel()
        if rest:
            loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
        loop.close()
