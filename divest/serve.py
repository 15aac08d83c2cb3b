"""``divest serve``: run the classroom server until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

import ifaddr
from platformdirs import user_data_path

from server.app import start_server, stop_server

log = logging.getLogger("divest.server")


def default_data_dir() -> Path:
    """Where games are kept unless ``--data`` says otherwise (the platform's user data dir)."""
    return user_data_path("divestiture", appauthor=False)


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback and link-local, for students
    to type in (read from the network interfaces; nothing is sent anywhere)."""
    found = {
        ip.ip
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if ip.is_IPv4 and isinstance(ip.ip, str)
    }
    return sorted(a for a in found if not a.startswith(("127.", "169.254.")))


def run(host: str, port: int, data_dir: Path, bot_delay: float | None) -> None:
    """Serve until interrupted; every game is stored in ``data_dir`` as it is played."""
    asyncio.run(_serve(host, port, data_dir, bot_delay))


async def _serve(host: str, port: int, data_dir: Path, bot_delay: float | None) -> None:
    server, lobby, store = await start_server(host, port, data_dir, bot_delay=bot_delay)
    bound = server.sockets[0].getsockname()[1]
    where = [host] if host not in ("0.0.0.0", "::", "") else lan_addresses() or ["127.0.0.1"]
    for address in where:
        log.info("Divestiture server on ws://%s:%d", address, bound)
    log.info("games are kept in %s", data_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("stopping; every accepted action is already stored")
    await stop_server(server, lobby, store)
