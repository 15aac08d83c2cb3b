"""Closing the seats: once the facilitator closes them, no one can take a seat (or join a
team) and read its brief; players already seated come back with their tokens."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from divestiture.cli.facilitate import facilitate
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.narration import event_text
from divestiture.game.types import SeatId
from divestiture.server.app import start_server, stop_server
from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, Peer, Running
from tests.server.processes import free_port, kill_9, served, until_listening

SC = load_scenario(DEFAULT_SCENARIO)

DB = "divestiture.sqlite3"


def _count(data: Path, sql: str, *args: object) -> int:
    with sqlite3.connect(data / DB) as db:
        (n,) = db.execute(sql, args).fetchone()
        return int(n)


async def _room(url: str, **options: Any) -> tuple[Peer, str, str]:
    """A new room and its facilitator, resumed: (facilitator, room code, token)."""
    admin = await Peer.open(url)
    created = await admin.create(seed=5, **options)
    code, token = created["room"], created["facilitator_token"]
    await admin.send({"type": "resume", "room": code, "token": token})
    await admin.expect("joined", role="facilitator")
    await admin.expect("presence")
    return admin, code, token


async def _lock(admin: Peer, locked: bool = True) -> dict[str, Any]:
    await admin.send({"type": "lock_seats", "locked": locked})
    return await admin.expect("presence", seats_locked=locked)


async def _refused_join(url: str, code: str, seat: str, name: str) -> dict[str, Any]:
    peer = await Peer.open(url)
    try:
        await peer.send({"type": "join", "room": code, "seat": seat, "name": name})
        error = await peer.expect("error")
        await peer.send({"type": "hello", "protocol": 1})  # the connection stays open
        await peer.expect("welcome")
        return error
    finally:
        await peer.close()


async def test_a_join_to_a_closed_seat_is_refused_and_stores_nothing(
    server: Running, peers: list[Peer]
) -> None:
    """With the seats closed, a join (even to the seat's team) gets seats_locked, telling
    the student to ask the teacher; no token is stored and the room does not change."""
    admin, code, _ = await _room(server.url)
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(code, "microsoft", "Ann")
    presence = await _lock(admin)
    assert presence["seats"]["microsoft"] == ["Ann"]
    assert (await ann.expect("presence", seats_locked=True))["connections"] is None
    tokens = _count(server.data, "SELECT count(*) FROM tokens")
    room = server.lobby.rooms[code]
    members, state = set(room.members), room.state
    for seat in ("microsoft", "bytedance"):  # a team, or an empty seat
        error = await _refused_join(server.url, code, seat, "Bob")
        assert error["code"] == "seats_locked"
        assert code in error["message"] and "teacher" in error["message"]
    assert _count(server.data, "SELECT count(*) FROM tokens") == tokens
    assert room.members == members and room.state is state
    assert room.seat_names()[SeatId("bytedance")] == ()


async def test_a_team_forms_while_the_seats_are_open(server: Running, peers: list[Peer]) -> None:
    """Seats are open until closed: two students join one seat as a team; after the seats
    are closed and opened again, a third joins them."""
    admin, code, _ = await _room(server.url)
    ann, bob, carol = [await Peer.open(server.url) for _ in range(3)]
    peers += [admin, ann, bob, carol]
    await ann.join(code, "microsoft", "Ann")
    await bob.join(code, "microsoft", "Bob")
    await _lock(admin)
    assert (await _refused_join(server.url, code, "microsoft", "Carol"))["code"] == "seats_locked"
    await _lock(admin, locked=False)
    await carol.join(code, "microsoft", "Carol")
    presence = await carol.expect("presence")
    assert presence["seats"]["microsoft"] == ["Ann", "Bob", "Carol"]
    assert presence["seats_locked"] is False


async def test_seated_players_resume_and_spectators_watch_when_closed(
    server: Running, peers: list[Peer]
) -> None:
    """Closing the seats stops new joins only: a seat's token resumes (and acts), the
    facilitator's token resumes, and a spectator watches with public information only."""
    admin, code, token = await _room(server.url)
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    seat_token = (await ann.join(code, "investors", "Ann"))["token"]
    await ann.close()
    await _lock(admin)
    back, again, watcher = [await Peer.open(server.url) for _ in range(3)]
    peers += [back, again, watcher]
    await back.send({"type": "resume", "room": code, "token": seat_token})
    assert (await back.expect("joined"))["role"] == "investors"
    say = {"type": "statement", "text": "We are long-term holders."}
    await back.send({"type": "act", "id": "s1", "action": say})
    await back.expect("ack", id="s1")
    await again.send({"type": "resume", "room": code, "token": token})
    await again.expect("joined", role="facilitator")
    await watcher.send({"type": "watch", "room": code})
    await watcher.expect("joined", role="spectator")
    view = (await watcher.expect("view"))["view"]
    assert view["brief"] is None and view["briefs"] == []
    presence = await watcher.expect("presence")
    assert presence["seats_locked"] is True and presence["connections"] is None


async def test_only_the_facilitator_closes_the_seats(server: Running, peers: list[Peer]) -> None:
    """A seat's player, a spectator and a connection in no room cannot close (or open)
    the seats: not_facilitator / not_joined, and nothing is stored."""
    admin, code, _ = await _room(server.url)
    ann, watcher, stranger = [await Peer.open(server.url) for _ in range(3)]
    peers += [admin, ann, watcher, stranger]
    await ann.join(code, "microsoft", "Ann")
    await watcher.send({"type": "watch", "room": code})
    await watcher.expect("joined")
    for peer, code_expected in ((ann, "not_facilitator"), (watcher, "not_facilitator")):
        await peer.send({"type": "lock_seats", "locked": True})
        assert (await peer.expect("error"))["code"] == code_expected
    await stranger.send({"type": "lock_seats"})
    assert (await stranger.expect("error"))["code"] == "not_joined"
    assert _count(server.data, "SELECT count(*) FROM seat_locks") == 0
    assert not server.lobby.rooms[code].seats_locked
    bob = await Peer.open(server.url)
    peers.append(bob)
    await bob.join(code, "bytedance", "Bob")


async def test_the_facilitator_sees_who_is_in_each_seat_and_from_where(
    server: Running, peers: list[Peer]
) -> None:
    """The facilitator's presence (and `divest facilitate`) lists each seat's connections
    with their addresses, and names an address that is in two seats."""
    admin, code, token = await _room(server.url)
    ann, bob = [await Peer.open(server.url) for _ in range(2)]
    peers += [admin, ann, bob]
    await ann.join(code, "microsoft", "Ann")
    await bob.join(code, "bytedance", "Bob")
    presence = await admin.expect(
        "presence", seats={**_empty(), "microsoft": ["Ann"], "bytedance": ["Bob"]}
    )
    assert presence["connections"]["microsoft"] == [{"name": "Ann", "address": "127.0.0.1"}]
    assert presence["connections"]["cfius"] == []
    assert (await bob.expect("presence"))["connections"] is None  # for the facilitator only
    said = await facilitate(server.url, code, token, lock_seats=True)
    assert "Seats: closed" in said and "closed the seats" in said
    assert "Ann (127.0.0.1)" in said and "Bob (127.0.0.1)" in said
    assert "127.0.0.1 is in 2 seats: ByteDance, Microsoft" in said
    said = await facilitate(server.url, code, token, lock_seats=False)
    assert "Seats: open" in said and "opened the seats" in said
    said = await facilitate(server.url, code, token)
    assert "Seats: open" in said and "Done" not in said


async def test_the_facilitators_log_is_the_whole_game_with_the_bots_reasons(
    server: Running, peers: list[Peer]
) -> None:
    """`divest facilitate --log` prints every line of the game from its start, as the
    facilitator sees them: each bot's reasons and every private word included, in order."""
    seats = ("white_house", "cfius", "bytedance", "microsoft", "investors")
    bots: dict[str, dict[str, str]] = {seat: {} for seat in seats}
    admin, code, token = await _room(server.url, bots=bots)
    peers.append(admin)
    await admin.until_view(lambda v: v["outcome"] is not None, timeout=60)
    said = await facilitate(server.url, code, token, log=True)
    status, story = said.split("\n\nThe game so far:\n")
    assert status.startswith(f"Room {code}: over")
    events = [e for _, e in server.lobby.rooms[code].events]
    assert story.splitlines() == [f"  {event_text(SC, e.data)}" for e in events]
    reasons = [e for e in events if e.kind == "rationale"]
    private = [e for e in events if e.visible_to is not None and e.kind != "rationale"]
    assert reasons and private
    assert "Team channels" not in said  # no seat had a team
    assert "The game so far" not in await facilitate(server.url, code, token)


async def test_the_facilitators_log_ends_with_the_team_channels(
    server: Running, peers: list[Peer]
) -> None:
    """Students sharing a seat talk on its team channel; the facilitator's log gives it."""
    admin, code, token = await _room(server.url)
    ann, bob = [await Peer.open(server.url) for _ in range(2)]
    peers += [admin, ann, bob]
    await ann.join(code, "microsoft", "Ann")
    await bob.join(code, "microsoft", "Bob")
    await ann.send({"type": "team", "text": "Offer 30 first?"})
    await bob.expect("team", text="Offer 30 first?")
    said = await facilitate(server.url, code, token, log=True)
    assert said.endswith("\n\nTeam channels:\n  Microsoft team, Ann: Offer 30 first?")


def _empty() -> dict[str, list[str]]:
    return {s: [] for s in ("white_house", "cfius", "bytedance", "microsoft", "investors")}


async def test_closed_seats_stay_closed_after_kill_9(tmp_path: Path) -> None:
    """The closed seats are stored: after kill -9 and a restart on the same data a join
    is still refused, and the facilitator is told the seats are closed."""
    port = free_port()
    url = f"ws://127.0.0.1:{port}"
    with served(port, tmp_path) as first:
        await until_listening(port)
        admin, code, token = await _room(url)
        await _lock(admin)
        await admin.close()
        kill_9(first)
    with served(port, tmp_path):
        await until_listening(port)
        assert (await _refused_join(url, code, "cfius", "Dan"))["code"] == "seats_locked"
        said = await facilitate(url, code, token)
        assert "Seats: closed" in said


async def test_a_data_directory_from_before_closed_seats_loads(tmp_path: Path) -> None:
    """A store made before seats could be closed (no seat_locks table) loads: its rooms
    are open, and their seats can be closed."""
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
    admin, code, token = await _room(url)
    await admin.close()
    await stop_server(srv, lobby, store)
    with sqlite3.connect(tmp_path / DB) as db:
        db.execute("DROP TABLE seat_locks")
    srv, lobby, store = await start_server(
        "127.0.0.1", 0, tmp_path, host_token=HOST_TOKEN, bot_delay=0
    )
    try:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}"
        ann = await Peer.open(url)
        await ann.join(code, "cfius", "Ann")
        await ann.close()
        said = await facilitate(url, code, token, lock_seats=True)
        assert "Seats: closed" in said
        assert (await _refused_join(url, code, "cfius", "Bob"))["code"] == "seats_locked"
    finally:
        await stop_server(srv, lobby, store)


def test_a_join_cannot_slip_in_after_the_seats_close(tmp_path: Path) -> None:
    """The store checks the lock in the transaction that would store the seat's token."""
    store = Store(tmp_path / DB)
    try:
        store.db.execute(
            "INSERT INTO rooms (code, scenario, seed, options, created)"
            " VALUES ('R', 'tiktok_2020', 1, '{}', 0)"
        )
        assert store.add_seat_token("t1", "R", "cfius", "Ann")  # type: ignore[arg-type]
        store.set_seats_locked("R", True)
        assert not store.add_seat_token("t2", "R", "cfius", "Bob")  # type: ignore[arg-type]
        assert store.token("R", "t2") is None and store.token("R", "t1") == ("cfius", "Ann")
        store.set_seats_locked("R", False)
        assert store.add_seat_token("t2", "R", "cfius", "Bob")  # type: ignore[arg-type]
    finally:
        store.close()


async def test_seats_can_close_by_themselves_after_the_first_negotiation(
    server: Running, peers: list[Peer]
) -> None:
    """A room made with lock_seats_after_first_round is open until the first negotiate
    phase ends, then closed (stored, as if the facilitator had closed them); the
    facilitator can open them again."""
    admin, code, _ = await _room(server.url, lock_seats_after_first_round=True)
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(code, "microsoft", "Ann")
    await admin.send({"type": "end_phase"})
    await admin.expect("ack")
    presence = await admin.expect("presence", seats_locked=True)
    assert presence["seats"]["microsoft"] == ["Ann"]
    assert _count(server.data, "SELECT locked FROM seat_locks WHERE room = ?", code) == 1
    assert (await _refused_join(server.url, code, "cfius", "Bob"))["code"] == "seats_locked"
    await _lock(admin, locked=False)
    await admin.send({"type": "end_phase"})  # the next phases leave them open
    await admin.expect("ack")
    bob = await Peer.open(server.url)
    peers.append(bob)
    await bob.join(code, "cfius", "Bob")
