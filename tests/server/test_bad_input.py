"""Bad input: each case gets a typed error on an open connection and changes nothing."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.server.conftest import Peer, Running


async def _table(
    server: Running, peers: list[Peer], bots: tuple[str, ...] = ()
) -> tuple[Peer, str, int]:
    """A room with a peer in Microsoft's seat (and bots in ``bots``)."""
    admin = await Peer.open(server.url)
    room = (await admin.create(seed=3, bots={s: {} for s in bots}))["room"]
    me = await Peer.open(server.url)
    peers += [admin, me]
    await me.join(room, "microsoft")
    view = (await me.expect("view"))["view"]
    return me, room, view["version"]


async def _still_open(peer: Peer) -> None:
    """The connection still answers: a second hello gets a welcome."""
    await peer.send({"type": "hello", "protocol": 1})
    await peer.expect("welcome")


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "bad_json"),
        ("[1, 2, 3]", "bad_message"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"type": "join", "room": 42, "seat": "cfius", "name": "A"}), "bad_message"),
        (json.dumps({"type": "join", "room": "ABCDE", "seat": "cfius"}), "bad_message"),
        (b"\x00\x01binary", "bad_message"),
        (
            json.dumps({"type": "join", "room": "ZZZZZ", "seat": "cfius", "name": "A"}),
            "unknown_room",
        ),
        (json.dumps({"type": "resume", "room": "ZZZZZ", "token": "x"}), "unknown_room"),
        (json.dumps({"type": "act", "id": "a", "action": {"type": "pass"}}), "not_joined"),
        (json.dumps({"type": "hello", "protocol": 99}), "protocol_mismatch"),
    ],
)
async def test_bad_frames_get_typed_errors(
    server: Running, peers: list[Peer], frame: str | bytes, code: str
) -> None:
    """Garbage, unknown types, wrong field types, unknown rooms: an error, and the line stays up."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.send(frame)
    error = await peer.expect("error")
    assert error["code"] == code, error
    assert error["message"]
    await _still_open(peer)


async def test_hello_comes_first(server: Running, peers: list[Peer]) -> None:
    """A client that does not say hello is told to, and nothing else happens."""
    peer = await Peer.open(server.url, hello=False)
    peers.append(peer)
    await peer.send({"type": "create_room"})
    assert (await peer.expect("error"))["code"] == "hello_first"
    assert not server.lobby.rooms


async def test_bad_token_and_unknown_seat(server: Running, peers: list[Peer]) -> None:
    """A wrong token or a seat that does not exist is refused by name."""
    _, room, _ = await _table(server, peers, bots=("cfius",))
    other = await Peer.open(server.url)
    peers.append(other)
    await other.send({"type": "resume", "room": room, "token": "not-a-token"})
    assert (await other.expect("error"))["code"] == "bad_token"
    await other.send({"type": "join", "room": room, "seat": "congress", "name": "B"})
    error = await other.expect("error")
    assert error["code"] == "unknown_seat" and "congress" in error["message"]
    await other.send({"type": "join", "room": room, "seat": "cfius", "name": "B"})
    assert (await other.expect("error"))["code"] == "seat_taken"
    await _still_open(other)


async def test_refused_actions_change_nothing(server: Running, peers: list[Peer]) -> None:
    """A stale version, another seat's action, a lever in the wrong phase: refused, no change."""
    me, room, version = await _table(server, peers)
    live = server.lobby.rooms[room]
    before = live.state
    cases = [
        ({"type": "pass", "version": version - 1}, None, "stale_version"),
        ({"type": "pass"}, "cfius", "not_your_seat"),
        ({"type": "lever", "lever": "open_review"}, None, "not_your_turn"),
        ({"type": "lever", "lever": "sign_executive_order"}, None, "not_your_turn"),
        ({"type": "sign", "sheet": "ts-99"}, None, "invalid_action"),
        ({"type": "fly"}, None, "bad_message"),
    ]
    for n, (action, seat, code) in enumerate(cases):
        message = {"type": "act", "id": f"bad-{n}", "action": action}
        if seat:
            message["seat"] = seat
        await me.send(message)
        error = await me.expect("error")
        assert error["code"] == code, (action, error)
        assert error["id"] == f"bad-{n}"
        assert live.state is before
    await _still_open(me)


async def test_spectator_and_facilitator_limits(server: Running, peers: list[Peer]) -> None:
    """A spectator cannot act; only the facilitator's token may end a phase."""
    me, room, _ = await _table(server, peers)
    watcher = await Peer.open(server.url)
    peers.append(watcher)
    await watcher.send({"type": "watch", "room": room})
    await watcher.expect("joined", role="spectator")
    await watcher.send({"type": "act", "id": "x", "action": {"type": "pass"}})
    assert (await watcher.expect("error"))["code"] == "not_a_seat"
    await me.send({"type": "end_phase"})
    assert (await me.expect("error"))["code"] == "not_facilitator"


async def test_oversized_frame_closes_with_1009(server: Running, peers: list[Peer]) -> None:
    """A frame over 64 KiB closes the connection with code 1009 (message too big)."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.send("x" * (1024 * 1024))
    with pytest.raises(ConnectionClosed):
        await peer.next()
    assert peer.ws.close_code == 1009


async def test_flood_closes_with_1008(server: Running, peers: list[Peer]) -> None:
    """A client that keeps sending far past the rate limit is closed (policy violation)."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    with pytest.raises(ConnectionClosed):
        for _ in range(400):
            await peer.send({"type": "hello", "protocol": 1})
        while True:
            await peer.next()
    assert peer.ws.close_code == 1008
    codes = {m.get("code") for m in peer.received if m["type"] == "error"}
    assert "rate_limited" in codes
