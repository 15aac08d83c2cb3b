"""Finding a classroom server on the local network: the announcement datagram.

While ``divest serve`` listens on a network address it sends, every
``ANNOUNCE_SECONDS``, one small UDP datagram to the broadcast address of each
network interface on ``DISCOVERY_PORT`` (server/announce.py). A client that
listens on that port (client/discover.py) learns the ws:// address to
connect to, so a student types only the room code. The datagram names no room
and holds no token: the room code is still what the teacher reads out.

A datagram is one UTF-8 JSON object of at most ``MAX_DATAGRAM`` bytes::

    {"product": "divestiture", "protocol": 1,
     "urls": ["ws://192.168.1.20:8765"], "name": "teacher-laptop"}

docs/PROTOCOL.md ("Finding the server on the network") describes it for other clients.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from divestiture.server.protocol import PROTOCOL_VERSION

PRODUCT = "divestiture"
DISCOVERY_PORT = 8766  # the server's default port + 1; the same whatever --port is
PORT_VARIABLE = "DIVEST_DISCOVERY_PORT"  # overrides DISCOVERY_PORT for servers and clients
ANNOUNCE_SECONDS = 2.0
FRESH_SECONDS = 6.0  # a server not heard for this long (three announcements) is gone
MAX_DATAGRAM = 1024
MAX_URLS = 8
MAX_NAME = 40
_URL = re.compile(r"wss?://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_server_url(text: object) -> bool:
    """Whether ``text`` is ``ws://HOST:PORT`` (or wss://) with a port from 1 to 65535."""
    if not isinstance(text, str):
        return False
    match = _URL.fullmatch(text)
    return match is not None and 1 <= int(match.group(3)) <= 65535


def clean_name(text: str) -> str:
    """A display name as announced: no control characters, at most ``MAX_NAME`` long."""
    return _CONTROL.sub("", text).strip()[:MAX_NAME].strip()


def discovery_port(environ: Mapping[str, str] = os.environ) -> int:
    """The UDP port announcements go to: ``DIVEST_DISCOVERY_PORT`` if set, else 8766.

    Raises:
        ValueError: the variable is set but is not a port number (1-65535).
    """
    raw = environ.get(PORT_VARIABLE, "").strip()
    if not raw:
        return DISCOVERY_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError(f"{PORT_VARIABLE}={raw[:20]!r} is not a port number (1-65535)")
    return int(raw)


@dataclass(frozen=True, slots=True)
class Announcement:
    """What a server says about itself: where students connect, and its display name."""

    urls: tuple[str, ...]
    name: str = ""
    protocol: int = PROTOCOL_VERSION

    def encode(self) -> bytes:
        """The datagram.

        Raises:
            ValueError: no URL, a URL that is not ws://HOST:PORT, or too much to fit.
        """
        bad = [u for u in self.urls if not is_server_url(u)]
        if not self.urls or bad:
            raise ValueError(f"an announcement needs ws://HOST:PORT addresses, not {bad or '[]'}")
        body = {
            "product": PRODUCT,
            "protocol": self.protocol,
            "urls": list(self.urls[:MAX_URLS]),
            "name": clean_name(self.name),
        }
        data = json.dumps(body, separators=(",", ":")).encode()
        if len(data) > MAX_DATAGRAM:
            raise ValueError(f"the announcement is {len(data)} bytes, over {MAX_DATAGRAM}")
        return data

    @classmethod
    def parse(cls, data: bytes) -> Announcement | None:
        """The announcement in ``data``; None for anything else (garbage, another
        product, another protocol version, no usable address)."""
        if len(data) > MAX_DATAGRAM:
            return None
        try:
            body = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
            return None
        if not isinstance(body, dict) or body.get("product") != PRODUCT:
            return None
        protocol, urls, name = body.get("protocol"), body.get("urls"), body.get("name", "")
        if type(protocol) is not int or protocol != PROTOCOL_VERSION:
            return None  # a client of this version could not play there
        if not isinstance(urls, list) or not isinstance(name, str):
            return None
        # Addresses of a shape this client does not know are left out, not fatal.
        usable = tuple(u for u in urls[:MAX_URLS] if is_server_url(u))
        if not usable:
            return None
        return cls(usable, clean_name(name), protocol)

    def url_for(self, source: str) -> str:
        """The address to use when the datagram came from ``source`` (an IP address): the
        URL on that address if there is one (the one that is reachable from here),
        else the first."""
        return next((u for u in self.urls if urlsplit(u).hostname == source), self.urls[0])
