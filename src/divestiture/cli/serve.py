"""``divest serve``: run the classroom server until Ctrl-C (or SIGTERM).

At start it prints, with its address, the data directory's host token: only that
token opens rooms (server/host.py keeps it across restarts). On a network address
(``--host 0.0.0.0``) it also announces itself on the local network
(server/announce.py), so the lobby finds it and students type only the room code;
on loopback, or with ``--no-announce``, it says nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

from divestiture import __version__
from divestiture.server.announce import (
    Announcer,
    announced_urls,
    broadcast_addresses,
    lan_addresses,
)
from divestiture.server.app import start_server, stop_server
from divestiture.server.discovery import ANNOUNCE_SECONDS, DISCOVERY_PORT, Announcement, clean_name
from divestiture.server.host import host_token
from divestiture.server.limits import Limits

log = logging.getLogger("divest.server")

__all__ = [
    "Announce",
    "announcer_for",
    "default_data_dir",
    "lan_addresses",
    "run",
    "show_address",
]


@dataclass(frozen=True)
class Announce:
    """Whether and where ``divest serve`` announces itself on the local network."""

    enabled: bool = True
    port: int = DISCOVERY_PORT
    to: tuple[str, ...] = ()  # IPv4 addresses to send to instead of the broadcast addresses
    name: str = ""  # the display name; the machine's host name if empty
    interval: float = ANNOUNCE_SECONDS


def default_data_dir() -> Path:
    """Where games are kept unless ``--data`` says otherwise (the platform's user data dir)."""
    return user_data_path("divestiture", appauthor=False)


def host_name() -> str:
    """This machine's name without its domain (``teacher-laptop``), for the lobby to show."""
    return clean_name(socket.gethostname().split(".")[0])


def announcer_for(bound: Sequence[str], port: int, announce: Announce) -> Announcer | None:
    """The announcer for a server listening on the ``bound`` addresses and ``port``, or
    None (logging why) when it should stay quiet: turned off, loopback only, no address."""
    urls = announced_urls(bound, port)
    if not announce.enabled:
        log.info("not announcing on the network (--no-announce): students type the address")
        return None
    if not urls:
        if all(_loopback(a) for a in bound):
            log.info("only this machine can connect; --host 0.0.0.0 lets students in")
        else:
            log.info("no network address found, so nothing is announced")
        return None
    if announce.to:
        addresses = list(announce.to)
    else:
        wildcard = any(_unspecified(a) for a in bound)
        addresses = broadcast_addresses(None if wildcard else [_host(u) for u in urls])
    announcement = Announcement(tuple(urls), announce.name or host_name())
    announcer = Announcer(
        announcement, [(a, announce.port) for a in addresses], interval=announce.interval
    )
    log.info(
        "students on this network will see this server in the lobby and only type the "
        "room code (announced every %.0f s on UDP port %d to %s; --no-announce turns it off)",
        announce.interval,
        announce.port,
        ", ".join(addresses),
    )
    return announcer


def show_address(url: str, token: str) -> None:
    """Say where the server listens, and print the teacher's console address and the
    host token that opens rooms on it: the address in the log, the token on standard
    output only (no log holds a token; in the console's address it is in the fragment,
    which a browser never sends to the server)."""
    log.info("Divestiture %s server on %s", __version__, url)
    page = url.replace("ws://", "http://", 1)
    print(f"The teacher's console: {page}/#host={token}")
    print(f"Host token for {url} (only it opens rooms; keep it to yourself): {token}")
    print(f"  open a room: divest room --server {url} --host-token {token}", flush=True)


def run(  # noqa: PLR0917 - one parameter per option of divest serve
    host: str,
    port: int,
    data_dir: Path,
    bot_delay: float | None,
    announce: Announce | None = None,
    limits: Limits | None = None,
) -> None:
    """Serve until interrupted; every game is stored in ``data_dir`` as it is played."""
    asyncio.run(_serve(host, port, data_dir, bot_delay, announce or Announce(), limits=limits))


async def _serve(
    host: str,
    port: int,
    data_dir: Path,
    bot_delay: float | None,
    announce: Announce,
    *,
    limits: Limits | None,
) -> None:
    token = await asyncio.to_thread(host_token, data_dir)
    server, lobby, store = await start_server(
        host, port, data_dir, host_token=token, bot_delay=bot_delay, limits=limits
    )
    bound = server.sockets[0].getsockname()[1]
    where = [host] if host not in ("0.0.0.0", "::", "") else lan_addresses() or ["127.0.0.1"]
    for address in where:
        show_address(f"ws://{address}:{bound}", token)
    log.info("games are kept in %s", data_dir)
    announcer = announcer_for([str(s.getsockname()[0]) for s in server.sockets], bound, announce)
    announcing = asyncio.create_task(announcer.run()) if announcer is not None else None
    stop = asyncio.Event()
    stop_on_signals(stop)
    try:
        await stop.wait()
    finally:
        if announcing is not None:
            announcing.cancel()
            await asyncio.gather(announcing, return_exceptions=True)
    log.info("stopping; every accepted action is already stored")
    await stop_server(server, lobby, store)


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on Ctrl-C or SIGTERM, so the server closes its rooms and store in order.

    Where the event loop takes no signal handlers (Windows), a plain signal handler hands
    the signal to the loop instead.
    """
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:
            signal.signal(sig, lambda _signum, _frame: loop.call_soon_threadsafe(stop.set))


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return None


def _loopback(address: str) -> bool:
    ip = _ip(address)
    return ip is not None and ip.is_loopback


def _unspecified(address: str) -> bool:
    ip = _ip(address)
    return ip is not None and ip.is_unspecified


def _host(url: str) -> str:
    return url.split("://", 1)[1].rsplit(":", 1)[0]
