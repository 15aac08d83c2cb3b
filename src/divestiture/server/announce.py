"""The announcer: ``divest serve`` telling the local network where it is.

A task in the server's event loop sends the announcement (server/discovery.py)
to each target every ``ANNOUNCE_SECONDS`` on a non-blocking UDP socket: a send
never waits, and a send that fails (no broadcast permission, no route) is logged
once per target and tried again next time. Nothing here can stop the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Callable, Sequence

import ifaddr

from divestiture.server.discovery import ANNOUNCE_SECONDS, Announcement

log = logging.getLogger("divest.server")

EVERYWHERE = "255.255.255.255"  # when no interface's own broadcast address is known


def _ipv4_interfaces() -> list[ipaddress.IPv4Interface]:
    """This machine's IPv4 addresses with their networks, other than loopback and
    link-local (read from the network interfaces; nothing is sent anywhere)."""
    try:
        adapters = ifaddr.get_adapters()
    except Exception:  # ifaddr on an odd platform: no addresses, rather than no server
        log.debug("could not read the network interfaces", exc_info=True)
        return []
    found = set()
    for adapter in adapters:
        for ip in adapter.ips:
            if ip.is_IPv4 and isinstance(ip.ip, str):
                with contextlib.suppress(ValueError):  # a prefix ifaddr got wrong
                    found.add(ipaddress.IPv4Interface(f"{ip.ip}/{ip.network_prefix}"))
    return sorted(i for i in found if not (i.ip.is_loopback or i.ip.is_link_local))


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback and link-local, for students
    to type in."""
    return sorted({str(i.ip) for i in _ipv4_interfaces()})


def broadcast_addresses(only: Sequence[str] | None = None) -> list[str]:
    """The broadcast address of each LAN interface (of those holding an address in
    ``only``, if given), or 255.255.255.255 if none is known. Point-to-point links
    (a /31 or /32, as VPNs have) have no broadcast address and are left out."""
    chosen = [i for i in _ipv4_interfaces() if only is None or str(i.ip) in only]
    found = {str(i.network.broadcast_address) for i in chosen if i.network.prefixlen < 31}
    return sorted(found) or [EVERYWHERE]


def announced_urls(
    bound: Sequence[str], port: int, lan: Callable[[], list[str]] = lan_addresses
) -> list[str]:
    """The ws:// addresses students should use for a server listening on the ``bound``
    addresses: one per LAN address when it listens on every interface, the bound
    IPv4 addresses otherwise, and none when it listens on loopback only."""
    hosts: list[str] = []
    for address in bound:
        try:
            ip = ipaddress.ip_address(address.partition("%")[0])
        except ValueError:
            continue
        if ip.is_unspecified:
            hosts += lan()
        elif ip.version == 4 and not (ip.is_loopback or ip.is_link_local):
            hosts.append(str(ip))
    return [f"ws://{h}:{port}" for h in dict.fromkeys(hosts)]


class Announcer:
    """Sends ``announcement`` to each ``(address, port)`` of ``targets`` every ``interval``."""

    def __init__(
        self,
        announcement: Announcement,
        targets: Sequence[tuple[str, int]],
        *,
        interval: float = ANNOUNCE_SECONDS,
    ) -> None:
        self.data = announcement.encode()  # a bad announcement fails here, in the caller
        self.targets = tuple(targets)
        self.interval = interval
        self.sent = 0  # datagrams that left
        self.failed = 0  # sends that did not
        self._warned: set[tuple[str, int]] = set()

    def open(self) -> socket.socket:
        """A non-blocking UDP socket allowed to broadcast."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        except OSError:
            sock.close()
            raise
        return sock

    def send_once(self, sock: socket.socket) -> int:
        """One announcement to every target, never waiting; how many left."""
        sent = 0
        for target in self.targets:
            try:
                sock.sendto(self.data, target)
            except BlockingIOError:  # the send buffer is full: the next round will do
                self.failed += 1
            except OSError as e:
                self.failed += 1
                self._warn(target, e)
            else:
                sent += 1
        self.sent += sent
        return sent

    def _warn(self, target: tuple[str, int], e: OSError) -> None:
        if target in self._warned:
            return
        self._warned.add(target)
        log.warning(
            "could not announce the server to %s:%d (%s); students there type its address",
            *target,
            e.strerror or e,
        )

    async def run(self) -> None:
        """Announce until cancelled. A failure is logged, never raised: the server goes on."""
        try:
            sock = self.open()
        except OSError as e:
            log.warning("cannot announce the server on the network (%s)", e.strerror or e)
            return
        try:
            while True:
                self.send_once(sock)
                await asyncio.sleep(self.interval)
        except Exception:  # a bug here must not take the server with it
            log.warning("stopped announcing the server on the network", exc_info=True)
        finally:
            sock.close()
