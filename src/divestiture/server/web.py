"""The teacher's console and the students' join page, over HTTP on the websocket port.

``Web.process_request`` is websockets' ``process_request`` hook: a websocket upgrade
passes through untouched (None); any other request is answered here, and the
connection closes after the answer. What is served:

- ``/`` (and ``/console``): the console, a page that speaks the JSON protocol over a
  websocket to the same host and port. Its secrets (the server's host token, a class's
  facilitator token) live only in the page address's fragment (``#host=...``), which a
  browser never sends: no token reaches this module, a log, or a served page.
- ``/console.css``, ``/console.js``, ``/join.css``, ``/favicon.svg``: its files.
- ``/join/CODE``: how students join class (or room) CODE, the address to type and a QR
  code; on the projector, this page is the class's "projector view".
- ``/join/CODE/qr.svg``: that QR code: the join page's own address, to open on a phone.

Anything else is a short plain-text 404 (unknown path or code), 400 (a code or Host
header that cannot be one) or 405 (not GET). The files are read once, at import, from
the package (``importlib.resources``); answering reads nothing from disk.
"""

from __future__ import annotations

import email.utils
import functools
import html
import io
import ipaddress
import re
import string
from dataclasses import dataclass
from http import HTTPStatus
from importlib.resources import files
from pathlib import Path

import segno
from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from divestiture.server import announce
from divestiture.server.lobby import CODE_ALPHABET, CODE_LENGTH, Lobby
from divestiture.server.logs import log, printable
from divestiture.server.store import Store

# Only this server's own files: no inline script or style, no other origin, no frames.
# Inline styles are allowed for one page: the debrief report, which the console opens from
# a blob: address, inherits this policy, and it carries its style inline to be one file.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
CODE_RE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
# A Host header: a name or IPv4 address, or an IPv6 address in brackets; then a port.
HOST_RE = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::(?P<port>\d{1,5}))?")

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
SVG = "image/svg+xml"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": SVG}


def _read(name: str) -> bytes:
    return files("divestiture.server").joinpath("web", name).read_bytes()


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    content_type: str


def _static() -> dict[str, Page]:
    """Every fixed page and file, by path, read once."""
    console = Page(_read("console.html"), HTML)
    pages = {"/": console, "/console": console}
    for name in ("console.css", "console.js", "join.css", "favicon.svg"):
        pages[f"/{name}"] = Page(_read(name), TYPES[Path(name).suffix])
    return pages


STATIC = _static()
JOIN_PAGE = string.Template(_read("join.html").decode("utf-8"))


@dataclass(frozen=True, slots=True)
class Where:
    """How students reach this server: ``hosts`` (HOST:PORT, the first the one the QR code
    names), and a warning when no student can (it listens on this machine only)."""

    hosts: tuple[str, ...]
    warning: str | None = None


class BadRequest(Exception):
    """A request answered with ``status`` and a one-line reason; nothing changed."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Web:
    """The pages of one server; ``process_request`` is the hook ``serve`` calls."""

    def __init__(self, lobby: Lobby) -> None:
        self.lobby = lobby

    async def process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        if _is_upgrade(request):
            return None  # the game's websocket: websockets carries on with the handshake
        try:
            response = await self._answer(connection, request)
        except BadRequest as e:
            response = text_response(e.status, e.reason)
        log.debug(
            "http %s %s: %d",
            _peer(connection),
            printable(request.path[:80]),
            response.status_code,
        )
        return response

    async def _answer(self, connection: ServerConnection, request: Request) -> Response:
        if request.method != "GET":
            response = text_response(
                HTTPStatus.METHOD_NOT_ALLOWED, f"{request.method[:20]} is not served here: GET only"
            )
            response.headers["Allow"] = "GET"
            return response
        path = request.path.partition("?")[0]
        page = STATIC.get(path)
        if page is not None:
            return response_for(HTTPStatus.OK, page.body, page.content_type)
        parts = path.split("/")
        if len(parts) in (3, 4) and parts[1] == "join":
            code = _code(parts[2])
            qr = len(parts) == 4
            if qr and parts[3] != "qr.svg":
                raise BadRequest(HTTPStatus.NOT_FOUND, f"nothing at {_shown(path)}")
            kind = await self._kind(code)
            where = where_to_join(connection, request)
            if qr:
                svg = qr_svg(join_page_url(where.hosts[0], code))
                return response_for(HTTPStatus.OK, svg, SVG)
            return response_for(HTTPStatus.OK, join_page(code, kind, where), HTML)
        raise BadRequest(HTTPStatus.NOT_FOUND, f"nothing at {_shown(path)}: the console is at /")

    async def _kind(self, code: str) -> str:
        """``class`` or ``room``: what ``code`` is on this server.

        Raises:
            BadRequest: (404) neither.
        """
        if await self.lobby.find_class(code) is not None:
            return "class"
        if code in self.lobby.rooms or await self.lobby.store.run(Store.room_exists, code):
            return "room"
        raise BadRequest(HTTPStatus.NOT_FOUND, f"there is no class or room {code} on this server")


def _code(text: str) -> str:
    """A class or room code from a path, as it is typed (any case).

    Raises:
        BadRequest: (400) it cannot be a code.
    """
    code = text.upper()
    if not CODE_RE.fullmatch(code):
        raise BadRequest(
            HTTPStatus.BAD_REQUEST,
            f"'{_shown(text)}' is not a class code: {CODE_LENGTH} letters and digits"
            " (no 0, O, 1, I or L)",
        )
    return code


def _is_upgrade(request: Request) -> bool:
    """A request to switch protocols: websockets answers it (or refuses it) itself."""
    return "Upgrade" in request.headers


def where_to_join(connection: ServerConnection, request: Request) -> Where:
    """Where students reach this server: the host the request was sent to, unless that
    is this machine's loopback (the teacher's browser on the server itself), in which
    case the server's own network addresses.

    Raises:
        BadRequest: (400) no Host header, or one that is no host and port.
    """
    values = request.headers.get_all("Host")
    if len(values) != 1:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "a request names its server in one Host header")
    match = HOST_RE.fullmatch(values[0].strip())
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"'{_shown(values[0])}' is not a host and port")
    host = match["host"]
    port = int(match["port"]) if match["port"] else _local_port(connection)
    if not _is_loopback(host.strip("[]")):
        return Where((f"{host}:{port}",))
    bound = [str(s.getsockname()[0]) for s in connection.server.sockets]
    urls = announce.announced_urls(bound, _local_port(connection), announce.lan_addresses)
    if urls:
        return Where(tuple(url.removeprefix("ws://") for url in urls))
    return Where(
        (f"{host}:{port}",),
        "This server listens on this machine only, so no student can reach it: stop it and"
        " start it again with divest serve --host 0.0.0.0",
    )


def _local_port(connection: ServerConnection) -> int:
    address = connection.local_address
    return int(address[1]) if address else 80


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def join_page_url(host: str, code: str) -> str:
    return f"http://{host}/join/{code}"


def join_page(code: str, kind: str, where: Where) -> bytes:
    """The page that tells students how to join ``code`` (a class's or a room's)."""
    e = html.escape
    first, others = where.hosts[0], where.hosts[1:]
    server = f"<code>ws://{e(first)}</code>"
    if others:
        server += " (or " + ", ".join(f"<code>ws://{e(h)}</code>" for h in others) + ")"
    warning = f'<p class="warning" role="alert">{e(where.warning)}</p>' if where.warning else ""
    seat = (
        "Type your name. The class finds you a table, and a seat unless you choose one."
        if kind == "class"
        else "Type your name and choose a seat (or the seat your teacher gives you)."
    )
    text = JOIN_PAGE.substitute(
        code=e(code),
        kind=e(kind),
        server=server,
        command=e(f"divest join ws://{first}/{code}"),
        page=e(join_page_url(first, code)),
        seat=e(seat),
        warning=warning,
    )
    return text.encode("utf-8")


@functools.lru_cache(maxsize=64)
def qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as a standalone SVG, black on white, titled with the url."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, title=url, xmldecl=False, dark="#000", light="#fff"
    )
    return out.getvalue()


def response_for(status: HTTPStatus, body: bytes, content_type: str) -> Response:
    """A complete answer: never cached (a class changes; tokens never appear, but a page
    a student saw must not outlive its class), only this server's files allowed."""
    headers = Headers(
        [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Connection", "close"),
            ("Content-Length", str(len(body))),
            ("Content-Type", content_type),
            ("Cache-Control", "no-store"),
            ("Content-Security-Policy", CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
    )
    return Response(status.value, status.phrase, headers, body)


def text_response(status: HTTPStatus, text: str) -> Response:
    return response_for(status, f"{status.value} {status.phrase}: {text}\n".encode(), TEXT)


def _shown(text: str) -> str:
    """A piece of a request, cut short and printable, to quote back."""
    return printable(text[:60])


def _peer(connection: ServerConnection) -> str:
    address = connection.remote_address
    return f"{address[0]}:{address[1]}" if address else "?"
