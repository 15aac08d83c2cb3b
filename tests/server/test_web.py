"""The console's pages over HTTP on the websocket port (server/web.py), without a browser:
what is served and how, the join page and its QR code, the refusals, and that the game's
websockets still connect on the same port."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
import segno

from divestiture.server import announce
from divestiture.server.app import start_server, stop_server
from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, Peer, Running, running

WEB = files("divestiture.server").joinpath("web")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


async def http(
    url: str, path: str, *, method: str = "GET", host: str | None = None, extra: str = ""
) -> Answer:
    """One raw HTTP/1.1 request to the server at ``url`` (ws://HOST:PORT), and its answer
    (read to the end: the server closes the connection after answering)."""
    address, port = url.removeprefix("ws://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(address, int(port))
    head = f"{method} {path} HTTP/1.1\r\nHost: {host or f'{address}:{port}'}\r\n{extra}\r\n"
    writer.write(head.encode("ascii"))
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    top, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = top.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, body)


async def _class(server: Running, peers: list[Peer], tables: int = 2) -> dict[str, object]:
    console = await Peer.open(server.url)
    peers.append(console)
    await console.send(
        {"type": "create_class", "options": {"tables": tables}, "host_token": HOST_TOKEN}
    )
    return await console.expect("class_created")


def _dark_cells(svg: str) -> set[tuple[int, int]]:
    """The dark modules of a QR code drawn by segno as one path of horizontal lines, read
    back from the SVG's path (M/m moves, h lines, a line half a module below its row)."""
    (d,) = re.findall(r'class="qrline"[^>]*\bd="([^"]+)"', svg)
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(x) + i, int(y)))
            x += float(a)
    return dark


def _qr_cells(text: str, border: int) -> set[tuple[int, int]]:
    matrix = segno.make(text, error="m", micro=False).matrix
    return {
        (col + border, row + border)
        for row, line in enumerate(matrix)
        for col, value in enumerate(line)
        if value
    }


async def test_the_console_and_its_files_are_served_from_the_package_never_cached(
    server: Running,
) -> None:
    for path, name, kind in [
        ("/", "console.html", "text/html"),
        ("/console", "console.html", "text/html"),
        ("/console.js", "console.js", "text/javascript"),
        ("/console.css", "console.css", "text/css"),
        ("/join.css", "join.css", "text/css"),
        ("/favicon.svg", "favicon.svg", "image/svg+xml"),
    ]:
        answer = await http(server.url, path)
        assert answer.status == 200, path
        assert answer.body == WEB.joinpath(name).read_bytes(), path
        assert answer.headers["content-type"].startswith(kind), path
        assert answer.headers["content-length"] == str(len(answer.body))
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "default-src 'none'" in policy
        # inline style only (the debrief report opened from the console carries its own)
        assert "script-src 'self';" in policy and "http" not in policy
        assert policy.count("unsafe-inline") == 1 and "style-src 'self' 'unsafe-inline'" in policy


async def test_the_pages_have_no_inline_script_or_style_and_every_file_they_name_is_served(
    server: Running, peers: list[Peer]
) -> None:
    created = await _class(server, peers)
    for path in ("/", f"/join/{created['code']}"):
        page = (await http(server.url, path)).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), "a script is a file of its own"
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", page), "no inline style or handler"
        named = re.findall(r'(?:src|href)="([^"#]+)"', page)
        assert named, path
        for link in named:
            assert link.startswith("/"), f"{link}: only this server's own files"
            assert (await http(server.url, link)).status == 200, link


async def test_the_join_page_tells_students_the_code_and_the_address_they_reached(
    server: Running, peers: list[Peer]
) -> None:
    created = await _class(server, peers)
    code = str(created["code"])
    answer = await http(server.url, f"/join/{code.lower()}", host="192.168.1.20:8765")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    page = answer.text
    assert f">{code}</h1>" in page
    assert "<code>ws://192.168.1.20:8765</code>" in page
    assert f"divest join ws://192.168.1.20:8765/{code}" in page
    assert f'src="/join/{code}/qr.svg"' in page
    assert "The class finds you a table" in page
    assert "listens on this machine only" not in page


async def test_on_the_servers_own_machine_the_join_page_names_its_network_addresses(
    tmp_path: Path, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The teacher's browser on the server itself reaches it as 127.0.0.1: students need
    the machine's network address instead, or to be told they cannot reach it at all."""
    monkeypatch.setattr(announce, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    srv, lobby, store = await start_server(
        "0.0.0.0", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    port = srv.sockets[0].getsockname()[1]
    try:
        url = f"ws://127.0.0.1:{port}"
        created = await _class(Running(url, lobby, tmp_path, store), peers)
        code = created["code"]
        page = (await http(url, f"/join/{code}", host=f"localhost:{port}")).text
        assert f"<code>ws://192.168.1.20:{port}</code> (or <code>ws://10.0.0.5:{port}</code>)" in (
            page
        )
        assert f"http://192.168.1.20:{port}/join/{code}" in page
        svg = (await http(url, f"/join/{code}/qr.svg")).text
        assert f"<title>http://192.168.1.20:{port}/join/{code}</title>" in svg
    finally:
        await stop_server(srv, lobby, store)
    async with running(tmp_path) as server:  # on 127.0.0.1 only: no student reaches it
        page = (await http(server.url, f"/join/{code}")).text
        assert "listens on this machine only, so no student can reach it" in page
        assert "divest serve --host 0.0.0.0" in page


async def test_the_qr_code_is_the_join_pages_address(server: Running, peers: list[Peer]) -> None:
    created = await _class(server, peers)
    code = str(created["code"])
    answer = await http(server.url, f"/join/{code}/qr.svg", host="192.168.1.20:8765")
    assert answer.status == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    svg = answer.text
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    address = f"http://192.168.1.20:8765/join/{code}"
    assert f"<title>{address}</title>" in svg
    assert _dark_cells(svg) == _qr_cells(address, border=4)
    assert _dark_cells(svg) != _qr_cells(address.replace(code, "AAAAA"), border=4)


async def test_a_single_rooms_code_has_a_join_page_too(server: Running, peers: list[Peer]) -> None:
    facilitator = await Peer.open(server.url)
    peers.append(facilitator)
    room = (await facilitator.create())["room"]
    page = (await http(server.url, f"/join/{room}")).text
    assert "Join room" in page and "choose a seat" in page


async def test_a_class_has_its_join_page_after_a_restart(tmp_path: Path, peers: list[Peer]) -> None:
    async with running(tmp_path) as server:
        created = await _class(server, peers)
    async with running(tmp_path) as server:
        assert (await http(server.url, f"/join/{created['code']}")).status == 200


async def test_bad_requests_get_a_short_clear_refusal_and_change_nothing(
    server: Running, peers: list[Peer]
) -> None:
    created = await _class(server, peers)
    code = str(created["code"])
    classes = await server.store.run(Store.class_codes)
    rooms = set(server.lobby.rooms)
    cases = [
        ("/nothing/here", 404, "nothing at /nothing/here"),
        ("/console.js.map", 404, "nothing at /console.js.map"),
        ("/join/", 400, "is not a class code"),
        ("/join/ab", 400, "'ab' is not a class code"),
        ("/join/OOOOO", 400, "is not a class code"),  # O is not in the codes' alphabet
        ("/join/ABCDE", 404, "there is no class or room ABCDE on this server"),
        (f"/join/{code}/qr.png", 404, "nothing at"),
        (f"/join/{code}/qr.svg/more", 404, "nothing at"),
        ("/%0d%0aSet-Cookie:x", 404, "nothing at /%0d%0aSet-Cookie:x"),
    ]
    for path, status, words in cases:
        answer = await http(server.url, path)
        assert answer.status == status, path
        assert answer.headers["content-type"] == "text/plain; charset=utf-8", path
        assert words in answer.text, path
        assert "set-cookie" not in answer.headers
        assert len(answer.body) < 200
    posted = await http(server.url, "/", method="POST", extra="Content-Length: 0\r\n")
    assert (posted.status, posted.headers["allow"]) == (405, "GET")
    bad_host = await http(server.url, f"/join/{code}", host="evil host<script>")
    assert bad_host.status == 400
    assert "is not a host and port" in bad_host.text
    assert await server.store.run(Store.class_codes) == classes
    assert set(server.lobby.rooms) == rooms


async def test_the_games_websockets_still_connect_on_the_same_port_at_any_path(
    server: Running, peers: list[Peer]
) -> None:
    assert (await http(server.url, "/")).status == 200
    for url in (server.url, f"{server.url}/console", f"{server.url}/join/ABCDE"):
        peer = await Peer.open(url)  # hello answered by welcome
        peers.append(peer)
        room = (await peer.create())["room"]
        joined = await peer.join(room, "microsoft")
        assert joined["role"] == "microsoft"


async def test_no_token_is_in_anything_served(server: Running, peers: list[Peer]) -> None:
    created = await _class(server, peers)
    code = str(created["code"])
    student = await Peer.open(server.url)
    peers.append(student)
    await student.send({"type": "join", "room": code, "name": "Ana"})
    seat_token = (await student.expect("joined"))["token"]
    facilitator = await Peer.open(server.url)
    peers.append(facilitator)
    room = await facilitator.create()
    tokens = [created["facilitator_token"], seat_token, room["facilitator_token"]]
    paths = ["/", "/console", "/console.js", f"/join/{code}", f"/join/{code}/qr.svg"]
    paths += [f"/join/{room['room']}", f"/join/{room['room']}/qr.svg"]
    for path in paths:
        answer = await http(server.url, path)
        assert answer.status == 200
        for token in tokens:
            assert str(token) not in answer.text, path
