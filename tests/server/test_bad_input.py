"""Bad input: each case gets a typed error on an open connection and changes nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from divestiture.game.types import SeatId
from divestiture.server.lobby import Lobby
from divestiture.server.rooms import Room
from tests.server.conftest import HOST_TOKEN, Peer, Running


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
        ("[" * 30000 + "]" * 30000, "bad_json"),  # deeper than the parser recurses
        ('{"type": "hello", "protocol": ' + "1" * 5000 + "}", "bad_json"),  # too many digits
        (json.dumps({"type": "create_room", "options": {"seed": 2**70}}), "invalid_options"),
        (json.dumps({"type": "create_room", "options": {"seed": -1}}), "invalid_options"),
        (json.dumps({"type": "create_room", "options": {"rounds": 99}}), "invalid_options"),
        (json.dumps({"type": "team", "text": "x" * 501}), "bad_message"),
        (
            json.dumps({"type": "join", "room": "A", "seat": "cfius", "name": "n" * 41}),
            "bad_message",
        ),
        (json.dumps({"type": "end_phase", "version": -1}), "bad_message"),
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
    """A client that keeps sending far past the rate limit is closed (policy violation)
    when it is three bursts (120 messages) in debt: all at once, its first 40 messages
    are answered, the next 120 refused with rate_limited, and the one after closes it."""
    peer = await Peer.open(server.url, hello=False)
    peers.append(peer)
    with pytest.raises(ConnectionClosed):
        for _ in range(400):
            await peer.send({"type": "hello", "protocol": 1})
        while True:
            await peer.next()
    assert peer.ws.close_code == 1008
    welcomed = sum(m["type"] == "welcome" for m in peer.received)
    limited = sum(m.get("code") == "rate_limited" for m in peer.received)
    assert 40 <= welcomed <= 45 and 115 <= limited <= 121, (welcomed, limited)


async def test_a_failure_of_the_server_is_an_internal_error_on_an_open_line(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """If handling a message raises something unforeseen, the client gets internal_error
    (with the action's id) and the connection stays open; the traceback is logged."""
    me, room, _ = await _table(server, peers)

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Room, "submit", broken)
    monkeypatch.setattr(Lobby, "get", broken)
    await me.send({"type": "act", "id": "b-1", "action": {"type": "pass"}})
    error = await me.expect("error")
    assert error["code"] == "internal_error" and error["id"] == "b-1"
    await me.send({"type": "watch", "room": room})
    assert (await me.expect("error"))["code"] == "internal_error"
    await _still_open(me)


@pytest.mark.parametrize("name", ["Ann\nroom ZZZZZ: Bob joined cfius", "\x1b[31mred", "   "])
async def test_a_name_must_be_one_line_of_text(
    server: Running, peers: list[Peer], name: str
) -> None:
    """A display name with control characters (a newline would forge a log line) or
    nothing but blanks is refused with invalid_name, and nobody joins."""
    _, room, _ = await _table(server, peers)
    other = await Peer.open(server.url)
    peers.append(other)
    await other.send({"type": "join", "room": room, "seat": "cfius", "name": name})
    assert (await other.expect("error"))["code"] == "invalid_name"
    assert server.lobby.rooms[room].seat_names()[SeatId("cfius")] == ()
    await _still_open(other)


async def test_what_clients_send_is_logged_one_line_each(
    server: Running, peers: list[Peer], caplog: pytest.LogCaptureFixture
) -> None:
    """Text from a client (here an unknown type and a room code) never puts a line
    break or an escape into the server's log."""
    caplog.set_level(logging.INFO, logger="divest.server")
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.send({"type": "dance\nroom ZZZZZ: forged"})
    await peer.expect("error")
    await peer.send({"type": "watch", "room": "AB\n\x1bC"})
    await peer.expect("error")
    lines = [r.getMessage() for r in caplog.records if r.name == "divest.server"]
    assert any("dance\\nroom" in line for line in lines)
    assert not any("\n" in line or "\x1b" in line for line in lines)


async def test_refused_frames_are_logged_as_counts(
    server: Running, peers: list[Peer], caplog: pytest.LogCaptureFixture
) -> None:
    """Thirty refused frames write two log lines, not thirty: the first at once, then
    the count of each code when the connection closes."""
    caplog.set_level(logging.INFO, logger="divest.server")
    peer = await Peer.open(server.url)
    peers.append(peer)
    for n in range(30):
        await peer.send("not json" if n % 3 else '{"type": "dance"}')
        await peer.expect("error")
    await peer.close()
    await asyncio.sleep(0.1)
    lines = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(lines) == 2, lines
    assert lines[0].startswith("refused 1 frame from 127.0.0.1:")
    last = re.match(r"refused 29 frames from [0-9.:]+: bad_json 20, unknown_type 9 ", lines[1])
    assert last is not None, lines[1]


async def test_an_id_used_again_for_another_action_is_refused(
    server: Running, peers: list[Peer]
) -> None:
    """Two clients of a team happen to choose the same id: the second, a different
    action, is refused with id_reused (not acknowledged as a duplicate); the same action
    again is still a duplicate."""
    me, room, _ = await _table(server, peers)
    mate = await Peer.open(server.url)
    peers.append(mate)
    await mate.join(room, "microsoft", "Bob")
    first = {"type": "act", "id": "same", "action": {"type": "statement", "text": "Ann's"}}
    await me.send(first)
    await me.expect("ack", id="same")
    live = server.lobby.rooms[room]
    before = live.state
    other = {"type": "act", "id": "same", "action": {"type": "statement", "text": "Bob's"}}
    await mate.send(other)
    error = await mate.expect("error")
    assert error["code"] == "id_reused" and error["id"] == "same"
    assert live.state is before
    await me.send(first)
    again = await me.expect("ack", id="same")
    assert again["duplicate"] is True
    await me.expect("view")  # the current view follows a duplicate ack too


async def test_a_rate_limited_action_carries_its_id(server: Running, peers: list[Peer]) -> None:
    """An action dropped for the rate limit is named by its id in the error."""
    me, _, _ = await _table(server, peers)
    for n in range(60):
        said = {"type": "statement", "text": f"line {n}"}
        await me.send({"type": "act", "id": f"r-{n}", "action": said})
    limited: list[str | None] = []
    while len(limited) < 5:
        message = await me.next()
        if message["type"] == "error" and message["code"] == "rate_limited":
            limited.append(message["id"])
    assert all(i is not None and i.startswith("r-") for i in limited)


async def test_invalid_utf8_closes_with_1007(server: Running, peers: list[Peer]) -> None:
    """A text frame that is not UTF-8 closes the connection with 1007 (the websockets
    library's answer, before the server reads it)."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.ws.send(b'{"type": "hello", "protocol": 1, "client": "\xff"}', text=True)
    with pytest.raises(ConnectionClosed):
        await peer.next()
    assert peer.ws.close_code == 1007


@pytest.mark.parametrize("bad_id", [12, "", "x" * 65, None])
async def test_an_error_names_no_id_when_the_id_is_what_is_wrong(
    server: Running, peers: list[Peer], bad_id: object
) -> None:
    """An act whose id is not a string of 1-64 characters gets bad_message with id null."""
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.send({"type": "act", "id": bad_id, "action": {"type": "pass"}})
    error = await peer.expect("error")
    assert error["code"] == "bad_message" and error["id"] is None, error


async def test_a_seat_cannot_send_the_clocks_timeout(server: Running, peers: list[Peer]) -> None:
    """The schema has the timeout action (the phase timer's), but from a seat it is
    refused with not_your_turn and changes nothing."""
    me, room, version = await _table(server, peers)
    before = server.lobby.rooms[room].state
    await me.send({"type": "act", "id": "t-1", "action": {"type": "timeout", "version": version}})
    error = await me.expect("error")
    assert error["code"] == "not_your_turn" and error["id"] == "t-1"
    assert server.lobby.rooms[room].state is before


async def test_room_codes_are_read_in_any_case(server: Running, peers: list[Peer]) -> None:
    """A room code typed in lower case, or with blanks around it, finds the room."""
    _, room, _ = await _table(server, peers)
    other = await Peer.open(server.url)
    peers.append(other)
    await other.send({"type": "watch", "room": f" {room.lower()} "})
    assert (await other.expect("joined"))["room"] == room


async def test_a_scenario_that_does_not_load_is_bad_scenario(
    server: Running, peers: list[Peer], tmp_path: Path
) -> None:
    """A scenario file that is there but does not load refuses the room with bad_scenario."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text("id: broken\nseats: 3\n")
    server.lobby.rules_dir = rules
    peer = await Peer.open(server.url)
    peers.append(peer)
    await peer.send({"type": "create_room", "scenario": "broken", "host_token": HOST_TOKEN})
    error = await peer.expect("error")
    assert error["code"] == "bad_scenario" and error["message"].startswith("broken: ")
    assert not server.lobby.rooms
