"""``divest serve`` announcing itself and ``divest join CODE`` finding it, on 127.0.0.1 only.

Every announcement here goes to 127.0.0.1 (``--announce-to``) on a free port, never
to a real broadcast address.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from divestiture.cli.main import main
from divestiture.server.announce import lan_addresses
from divestiture.server.discovery import Announcement
from tests.cli.serving import free_port, serving


def _free_port(kind: int = socket.SOCK_DGRAM) -> int:
    return free_port(kind)


@contextmanager
def _receiver(port: int) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    try:
        yield sock
    finally:
        sock.close()


@contextmanager
def _serve(tmp_path: Path, *args: str) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`divest serve --host 0.0.0.0 ARGS` on a free port; yields the port and the process."""
    with serving(tmp_path, *args, host="0.0.0.0") as served:
        yield served.port, served.process


@pytest.mark.skipif(not lan_addresses(), reason="this machine has no LAN address to announce")
def test_serve_announces_its_addresses(tmp_path: Path) -> None:
    """On 0.0.0.0, `divest serve` sends the announcement (here to 127.0.0.1 via the
    override) naming ws://ADDRESS:PORT for each LAN address, and no room or token."""
    udp = _free_port()
    args = ["--announce-to", "127.0.0.1", "--announce-port", str(udp), "--announce-name", "Room 12"]
    with _receiver(udp) as sock, _serve(tmp_path, *args) as (port, _):
        sock.settimeout(5)
        data, _ = sock.recvfrom(2048)
    heard = Announcement.parse(data)
    assert heard is not None
    assert heard.urls == tuple(f"ws://{a}:{port}" for a in lan_addresses())
    assert heard.name == "Room 12"
    assert set(json.loads(data)) == {"product", "protocol", "urls", "name"}


def test_no_announce_sends_nothing(tmp_path: Path) -> None:
    """With --no-announce, nothing arrives in well over one announcement interval, and the
    server says so and serves."""
    udp = _free_port()
    args = ["--no-announce", "--announce-to", "127.0.0.1", "--announce-port", str(udp)]
    with _receiver(udp) as sock, _serve(tmp_path, *args) as (port, server):
        sock.settimeout(3)
        with pytest.raises(TimeoutError):
            sock.recvfrom(2048)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) == 0
        server.terminate()
        _, log = server.communicate(timeout=10)
    assert "not announcing on the network (--no-announce)" in log


def test_loopback_serving_announces_nothing(tmp_path: Path) -> None:
    """`divest serve` on 127.0.0.1 stays quiet, even with an announce address given."""
    udp, port = _free_port(), _free_port(socket.SOCK_STREAM)
    exe = Path(sys.executable).parent / "divest"
    cmd = [str(exe), "serve", "--port", str(port), "--data", str(tmp_path)]
    cmd += ["--announce-to", "127.0.0.1", "--announce-port", str(udp)]
    with _receiver(udp) as sock:
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            sock.settimeout(3)
            with pytest.raises(TimeoutError):
                sock.recvfrom(2048)
        finally:
            server.terminate()
            _, log = server.communicate(timeout=10)
    assert "only this machine can connect" in log


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--announce-to", "teacher.local"], {}, "is not an IPv4 address"),
        (["--announce-name", "bad\x07name"], {}, "no control characters"),
        (["--announce-name", "x" * 41], {}, "1-40 characters"),
        (["--announce-port", "0"], {}, "0 is not in the range"),
        ([], {"DIVEST_DISCOVERY_PORT": "nope"}, "DIVEST_DISCOVERY_PORT='nope' is not a port"),
    ],
)
def test_serve_refuses_bad_announce_options(
    tmp_path: Path, args: list[str], env: dict[str, str], says: str
) -> None:
    """A bad announce option is a usage error (exit 2) before anything starts."""
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), *args], env=env)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert not (tmp_path / "divestiture.sqlite3").exists()


def test_join_a_code_with_no_server_found(tmp_path: Path) -> None:
    """`divest join CODE` with nothing announcing: exit 1 and what to type instead."""
    env = {"DIVEST_DISCOVERY_PORT": str(_free_port())}
    result = CliRunner().invoke(main, ["join", "K7QM2"], env=env)
    assert result.exit_code == 1, result.output
    assert "Looking for your teacher's server" in result.output
    assert "error: no server found on this network; use ws://HOST:PORT/K7QM2" in result.output


def test_join_a_code_with_several_servers_found() -> None:
    """`divest join CODE` hearing two servers: exit 1, both named, and what to type instead."""
    udp = _free_port()
    stop = threading.Event()
    datagrams = [
        Announcement(("ws://10.0.0.5:8765",), "teacher-laptop").encode(),
        Announcement(("ws://10.0.0.6:8765",), "room-12-desk").encode(),
    ]

    def announce() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            while not stop.wait(0.1):
                for data in datagrams:
                    sock.sendto(data, ("127.0.0.1", udp))

    sender = threading.Thread(target=announce, daemon=True)
    sender.start()
    try:
        result = CliRunner().invoke(
            main, ["join", "k7qm2"], env={"DIVEST_DISCOVERY_PORT": str(udp)}
        )
    finally:
        stop.set()
        sender.join()
    assert result.exit_code == 1, result.output
    assert "error: several servers found: ws://10.0.0.5:8765 (teacher-laptop), " in result.output
    assert "ws://10.0.0.6:8765 (room-12-desk); use ws://HOST:PORT/K7QM2" in result.output


def test_join_refuses_what_is_not_a_code_or_address() -> None:
    """Neither a room code nor ws://HOST:PORT/ROOM: exit 2 at once, nothing listened for."""
    result = CliRunner().invoke(main, ["join", "K1O0"])
    assert result.exit_code == 2
    assert "is not a room code" in result.output
    assert "Looking for" not in result.output
