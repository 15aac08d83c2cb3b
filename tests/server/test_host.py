"""The host token: only it opens rooms; one per data directory, kept across restarts."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from divestiture.server.app import start_server, stop_server
from divestiture.server.host import HOST_TOKEN_FILE, host_token
from tests.server.conftest import HOST_TOKEN, Peer, Running, running

DB = "divestiture.sqlite3"
POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")


def _rooms(data: Path) -> int:
    with sqlite3.connect(data / DB) as db:
        (n,) = db.execute("SELECT COUNT(*) FROM rooms").fetchone()
        return int(n)


@pytest.mark.parametrize(
    ("token", "said"),
    [
        (None, "send the host token"),
        ("", "send the host token"),
        ("not-the-token", "not this server's host token"),
        (HOST_TOKEN[:-1] + "x", "not this server's host token"),
    ],
)
async def test_creating_a_room_needs_the_host_token(
    server: Running, peers: list[Peer], token: str | None, said: str
) -> None:
    """Without the host token, or with another, create_room is refused with not_host,
    saying which, and nothing is created; the connection stays open."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    message: dict[str, object] = {"type": "create_room", "options": {"seed": 3}}
    if token is not None:
        message["host_token"] = token
    await peer.send(message)
    error = await peer.expect("error")
    assert error["code"] == "not_host" and said in error["message"], error
    assert not server.lobby.rooms and _rooms(server.data) == 0
    assert (await peer.create(seed=3))["room"] in server.lobby.rooms  # the token opens one


def test_a_data_directory_keeps_one_host_token(tmp_path: Path) -> None:
    """The first call makes a token of 192 random bits (32 URL-safe characters) and keeps
    it in the data directory; every later call gives the same one."""
    first = host_token(tmp_path / "data")
    assert len(first) == 32 and first.replace("-", "").replace("_", "").isalnum()
    assert host_token(tmp_path / "data") == first
    assert host_token(tmp_path / "other") != first


@POSIX
def test_the_host_token_file_is_its_owners_alone(tmp_path: Path) -> None:
    """The file is made 0600, and one found readable by others is made 0600 again."""
    host_token(tmp_path)
    path = tmp_path / HOST_TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    host_token(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_file_that_holds_no_token_is_replaced(tmp_path: Path) -> None:
    """Whatever else is in the file (an edit, half a token), a new token replaces it."""
    (tmp_path / HOST_TOKEN_FILE).write_text("hello\n")
    token = host_token(tmp_path)
    assert len(token) == 32
    assert (tmp_path / HOST_TOKEN_FILE).read_text().strip() == token


async def test_the_store_keeps_only_the_host_tokens_digest(tmp_path: Path) -> None:
    """The store holds the token's SHA-256 digest, and no file but the token's own holds
    the token. The token a server starts with is the one that counts: started again on
    the same store with another, the first no longer opens a room."""
    token = host_token(tmp_path)
    server, lobby, store = await start_server("127.0.0.1", 0, tmp_path, host_token=token)
    await stop_server(server, lobby, store)
    with sqlite3.connect(tmp_path / DB) as db:
        (digest,) = db.execute("SELECT digest FROM host_token").fetchone()
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    for path in tmp_path.iterdir():
        if path.name != HOST_TOKEN_FILE:
            assert token.encode() not in path.read_bytes(), path
    async with running(tmp_path) as again:  # started with HOST_TOKEN
        peer = await Peer.open(again.url)
        await peer.send({"type": "create_room", "host_token": token})
        assert (await peer.expect("error"))["code"] == "not_host"
        await peer.create(seed=1)
        await peer.close()
