"""A class: tables opened together, students seated as they arrive, the console's view,
and the facilitator's controls, each kept in the tables' logs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from divestiture.server.store import Store
from tests.server.conftest import HOST_TOKEN, MS_TERMS, Peer, Running, running

SEATS = ("white_house", "cfius", "bytedance", "microsoft", "investors")


async def _open_class(url: str, peers: list[Peer], **options: Any) -> tuple[Peer, dict[str, Any]]:
    console = await Peer.open(url)
    peers.append(console)
    await console.send({"type": "create_class", "options": options, "host_token": HOST_TOKEN})
    created = await console.expect("class_created")
    return console, created


async def _student(url: str, peers: list[Peer], code: str, name: str, **where: Any) -> Peer:
    peer = await Peer.open(url)
    peers.append(peer)
    await peer.send({"type": "join", "room": code, "name": name, **where})
    joined = await peer.expect("joined")
    peer.received.append({"type": "seated", "room": joined["room"], "role": joined["role"]})
    return peer


def _seated(peer: Peer) -> tuple[str, str]:
    where = next(m for m in reversed(peer.received) if m["type"] in ("seated", "joined"))
    return where["room"], where["role"]


async def _control(console: Peer, control: dict[str, Any], *tables: str) -> dict[str, str]:
    await console.send(
        {"type": "control", "id": f"c{len(console.received)}", "control": control, "tables": tables}
    )
    done = await console.expect("control_done")
    results: dict[str, str] = done["results"]
    return results


async def _status(console: Peer, test: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The first class view for which ``test(view)`` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        view = await console.expect("class_view", max(0.01, end - loop.time()))
        if test(view):
            return view


async def test_students_typing_the_class_code_fill_every_seat_then_form_teams(
    server: Running, peers: list[Peer]
) -> None:
    console, created = await _open_class(server.url, peers, tables=2)
    assert len(created["tables"]) == 2
    code = created["code"]
    students = [await _student(server.url, peers, code, f"S{i}") for i in range(11)]
    places = [_seated(s) for s in students]
    assert len(set(places[:10])) == 10, "the first ten students sit in ten different seats"
    assert {room for room, _ in places} == set(created["tables"])
    assert places[10] in places[:10], "the eleventh joins a team"
    view = await _status(
        console, lambda v: sum(len(s["students"]) for t in v["tables"] for s in t["seats"]) == 11
    )
    for table in view["tables"]:
        assert not table["started"]
        assert all(st["connected"] for seat in table["seats"] for st in seat["students"])


async def test_a_student_can_be_sent_to_a_named_table_and_seat(
    server: Running, peers: list[Peer]
) -> None:
    _, created = await _open_class(server.url, peers, tables=3)
    student = await _student(server.url, peers, created["code"], "Ana", table=3, seat="cfius")
    assert _seated(student) == (created["tables"][2], "cfius")
    await student.send({"type": "join", "room": created["code"], "name": "Bo", "table": 4})
    error = await student.expect("error")
    assert error["code"] == "unknown_table"


async def test_the_week_and_its_timers_wait_for_the_teacher(
    server: Running, peers: list[Peer]
) -> None:
    room = {"phase_seconds": {"negotiate": 0.3}, "start": "teacher"}
    console, created = await _open_class(server.url, peers, tables=2, room=room)
    first, second = created["tables"]
    student = await _student(server.url, peers, first, "Ana", seat="bytedance")
    await asyncio.sleep(0.8)
    for table in server.lobby.rooms.values():
        assert (table.state.round, table.state.started) == (1, False), "no clock before the start"
    await student.send({"type": "act", "id": "a1", "action": {"type": "pass"}})
    assert (await student.expect("error"))["code"] == "not_started"

    results = await _control(console, {"do": "start"}, first)
    assert results == {first: "ok"}
    view = await _status(console, lambda v: v["tables"][0]["started"])
    assert not view["tables"][1]["started"], "only the table named starts"
    started = server.lobby.rooms[first]
    assert set(started.bots) == set(SEATS) - {"bytedance"}, "bots take the empty seats"
    assert not server.lobby.rooms[second].state.started


async def test_pause_freezes_the_clock_and_refuses_every_action(
    server: Running, peers: list[Peer]
) -> None:
    room = {"phase_seconds": {"negotiate": 1.5}}
    console, created = await _open_class(server.url, peers, tables=1, room=room)
    (code,) = created["tables"]
    student = await _student(server.url, peers, code, "Ana", seat="bytedance")
    assert await _control(console, {"do": "start", "bots_for_empty_seats": False}) == {code: "ok"}
    assert await _control(console, {"do": "pause"}) == {code: "ok"}
    timer = await student.expect("timer", running=False)
    assert 0 < timer["seconds_left"] <= 1.5
    await student.send(
        {"type": "act", "id": "p1", "action": {"type": "propose", "terms": MS_TERMS}}
    )
    error = await student.expect("error")
    assert error["code"] == "paused"
    await asyncio.sleep(2.0)
    table = server.lobby.rooms[code]
    assert (table.state.round, table.state.phase.value) == (1, "negotiate"), "the clock waited"
    assert await _control(console, {"do": "resume"}) == {code: "ok"}
    await student.expect("timer", running=True)
    await student.until_view(lambda v: v["phase"] != "negotiate", timeout=5)
    assert await _control(console, {"do": "resume"}) == {
        code: "illegal_action: Resume refused: play is not paused"
    }


async def test_every_control_is_an_action_in_the_tables_log(
    server: Running, peers: list[Peer]
) -> None:
    console, created = await _open_class(server.url, peers, tables=2)
    codes = created["tables"]
    await _student(server.url, peers, codes[0], "Ana", seat="bytedance")
    for control in (
        {"do": "start", "bots_for_empty_seats": False},
        {"do": "pause"},
        {"do": "announce", "text": "Ten minutes left before lunch"},
        {"do": "news"},
        {"do": "timer", "phase": "negotiate", "seconds": 600},
        {"do": "lock_seats", "locked": True},
        {"do": "resume"},
    ):
        assert await _control(console, control) == dict.fromkeys(codes, "ok"), control
    record = await server.store.run(Store.load, codes[1])
    assert record is not None
    kinds = [a.action.type for a in record.actions]
    assert kinds == ["start", "pause", "announce", "news", "note", "note", "pause"]
    table = server.lobby.rooms[codes[1]]
    feed = [item for item in table.state.feed if item.kind == "facilitator"]
    assert [item.text for item in feed] == ["Facilitator: Ten minutes left before lunch"]
    assert table.options.phase_seconds == {"negotiate": 600}
    assert table.seats_locked


async def test_a_student_moved_to_another_table_plays_there_and_comes_back_there(
    tmp_path: Path, peers: list[Peer]
) -> None:
    async with running(tmp_path) as server:
        console, created = await _open_class(server.url, peers, tables=2)
        first, second = created["tables"]
        student = await _student(server.url, peers, first, "Ana", seat="cfius")
        token = next(m["token"] for m in student.received if m["type"] == "joined")
        move = {"do": "move", "seat": "cfius", "name": "Ana", "to_seat": "microsoft"}
        results = await _control(console, {**move, "to_room": second}, first)
        assert results == {first: "ok"}
        moved = await student.expect("joined")
        assert (moved["room"], moved["role"]) == (second, "microsoft")
        await student.until_view(lambda v: v["viewer"] == "microsoft")
        view = await _status(console, lambda v: any(s["students"] for s in v["tables"][1]["seats"]))
        assert not any(s["students"] for s in view["tables"][0]["seats"])
    async with running(tmp_path) as server:
        back = await Peer.open(server.url)
        peers.append(back)
        await back.send({"type": "resume", "room": second, "token": token})
        joined = await back.expect("joined")
        assert (joined["room"], joined["role"]) == (second, "microsoft")
        first_log = await server.store.run(Store.load, first)
        assert first_log is not None
        assert [a.action.type for a in first_log.actions] == ["note"]


async def test_a_removed_student_is_closed_out_and_their_token_no_longer_works(
    server: Running, peers: list[Peer]
) -> None:
    console, created = await _open_class(server.url, peers, tables=1)
    (code,) = created["tables"]
    student = await _student(server.url, peers, code, "Ana", seat="cfius")
    token = next(m["token"] for m in student.received if m["type"] == "joined")
    results = await _control(console, {"do": "remove", "seat": "cfius", "name": "Ana"})
    assert results == {code: "ok"}
    error = await student.expect("error")
    assert error["code"] == "removed"
    again = await Peer.open(server.url)
    peers.append(again)
    await again.send({"type": "resume", "room": code, "token": token})
    assert (await again.expect("error"))["code"] == "bad_token"
    unknown = await _control(console, {"do": "remove", "seat": "cfius", "name": "Ana"})
    assert unknown[code].startswith("unknown_student")


async def test_a_bots_seat_goes_to_a_late_student_and_back_to_a_bot(
    server: Running, peers: list[Peer]
) -> None:
    console, created = await _open_class(server.url, peers, tables=1)
    (code,) = created["tables"]
    await _student(server.url, peers, code, "Ana", seat="bytedance")
    await _control(console, {"do": "start"})  # bots take the four empty seats
    table = server.lobby.rooms[code]
    assert set(table.bots) == set(SEATS) - {"bytedance"}
    late = await _student(server.url, peers, created["code"], "Bo")
    _, seat = _seated(late)
    assert seat != "bytedance" and seat not in table.bots, "the late student takes a bot's seat"
    assert await _control(console, {"do": "bot", "seat": seat}) == {code: "ok"}
    watching = await late.expect("joined")
    assert watching["role"] == "spectator"
    assert seat in table.bots
    assert await _control(console, {"do": "release", "seat": seat}) == {code: "ok"}
    assert seat not in table.bots


async def test_only_the_class_token_watches_a_class_and_a_class_comes_back_after_a_restart(
    tmp_path: Path, peers: list[Peer]
) -> None:
    async with running(tmp_path) as server:
        _, created = await _open_class(server.url, peers, tables=3)
    async with running(tmp_path) as server:
        console = await Peer.open(server.url)
        peers.append(console)
        await console.send({"type": "watch_class", "code": created["code"], "token": "nope"})
        assert (await console.expect("error"))["code"] == "bad_token"
        await console.send({"type": "create_class", "options": {"tables": 1}})
        assert (await console.expect("error"))["code"] == "not_host"
        await console.send({"type": "watch_class", "code": created["code"], "token": HOST_TOKEN})
        assert len((await console.expect("class_view"))["tables"]) == 3, "the host's token too"
        token = created["facilitator_token"]
        await console.send({"type": "watch_class", "code": created["code"], "token": token})
        view = await console.expect("class_view")
        assert [t["room"] for t in view["tables"]] == created["tables"]
        await console.send({"type": "add_table"})
        view = await console.expect("class_view")
        assert len(view["tables"]) == 4


async def test_a_class_where_no_one_takes_cfius_ends_every_table_by_its_deadline(
    server: Running, peers: list[Peer]
) -> None:
    """Bots play every seat but CFIUS, which no one ever takes; with phase timers each
    table's game still ends by its deadline, and no signed deal is left waiting for the
    regulator when a day's resolve phase is over."""
    room = {
        "bots": {s: {"difficulty": "hard"} for s in SEATS if s != "cfius"},
        "phase_seconds": {"negotiate": 0.4, "government": 0.2, "resolve": 0.2},
        "rounds": 3,
    }
    console, _ = await _open_class(server.url, peers, tables=3, room=room)
    results = await _control(console, {"do": "start", "bots_for_empty_seats": False})
    assert set(results.values()) == {"ok"}
    view = await _status(console, lambda v: all(t["over"] for t in v["tables"]), timeout=30)
    for table in view["tables"]:
        assert table["round"] <= table["deadline"]
        assert table["outcome"] is not None
        assert not any(d["status"] == "signed" for d in table["deals"])
        cfius = next(s for s in table["seats"] if s["seat"] == "cfius")
        assert cfius["students"] == []
        assert cfius["bot"] is None and cfius["score"] is not None


async def test_the_class_token_is_the_facilitators_at_each_of_its_tables(
    server: Running, peers: list[Peer]
) -> None:
    """So ``divest facilitate ws://HOST/ROOM --token CLASS_TOKEN --log`` reads a table's
    week for the debrief; another class's token does not open it."""
    _, created = await _open_class(server.url, peers, tables=2)
    _, other = await _open_class(server.url, peers, tables=1)
    for room in created["tables"]:
        peer = await Peer.open(server.url)
        peers.append(peer)
        await peer.send({"type": "resume", "room": room, "token": created["facilitator_token"]})
        joined = await peer.expect("joined")
        assert (joined["room"], joined["role"]) == (room, "facilitator")
        view = await peer.expect("view")
        assert view["view"]["viewer"] == "facilitator"
        await peer.send({"type": "resume", "room": room, "token": other["facilitator_token"]})
        assert (await peer.expect("error"))["code"] == "bad_token"


async def test_bots_wait_while_play_is_paused_and_play_on_when_it_resumes(
    server: Running, peers: list[Peer], caplog: pytest.LogCaptureFixture
) -> None:
    console, created = await _open_class(server.url, peers, tables=1)
    (code,) = created["tables"]
    table = server.lobby.rooms[code]
    assert await _control(console, {"do": "start", "bots_for_empty_seats": False}) == {code: "ok"}
    assert await _control(console, {"do": "pause"}) == {code: "ok"}
    for seat in SEATS:
        assert await _control(console, {"do": "bot", "seat": seat}) == {code: "ok"}
    version = table.state.version
    await asyncio.sleep(0.5)
    assert table.state.version == version, "no bot moved while play was paused"
    assert not [r for r in caplog.records if code in r.getMessage() and "refused" in r.getMessage()]
    assert await _control(console, {"do": "resume"}) == {code: "ok"}
    for _ in range(100):
        if table.state.over:
            break
        await asyncio.sleep(0.05)
    assert table.state.over, "the bots played the week to its end once play resumed"
