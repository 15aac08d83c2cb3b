"""The debrief report over the wire: a console's, of its class (during play too), and a
student's, of their own table once it is over, as their seat saw it."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from tests.server.conftest import HOST_TOKEN, Peer, Running

SEATS = ("white_house", "cfius", "bytedance", "microsoft", "investors")
PNG = b"\x89PNG\r\n\x1a\n"
SECRET = "Only ByteDance may read this line."
REASON = re.compile(r"<td class=why>([^<]+)</td>")  # a seat's reason, in a transcript
QUICK = {"negotiate": 0.5, "government": 0.2, "resolve": 0.2}  # seconds a phase


async def _report(peer: Peer, report_id: str, timeout: float = 60) -> dict[str, Any]:
    """The debrief_report answering ``report_id`` (an error for it fails the test)."""
    while True:
        message = await peer.expect_any(("debrief_report", "error"), timeout)
        assert message["type"] == "debrief_report", message
        if message["id"] == report_id:
            return message


async def test_a_console_gets_its_class_report_during_play_and_is_served_meanwhile(
    server: Running, peers: list[Peer]
) -> None:
    """The report of a class whose week has not started says so, holds every table and
    no script; the console's controls are answered while it is being drawn."""
    console = await Peer.open(server.url)
    peers.append(console)
    await console.send({"type": "create_class", "options": {"tables": 2}, "host_token": HOST_TOKEN})
    created = await console.expect("class_created")
    await console.send({"type": "debrief", "id": "r1"})
    control = {"do": "announce", "text": "Five days: Monday to Friday."}
    await console.send({"type": "control", "id": "c1", "control": control})
    done = await console.expect("control_done", timeout=30)
    assert set(done["results"].values()) == {"ok"}
    assert not any(m["type"] == "debrief_report" for m in console.received), (
        "the control waited for the report"
    )
    report = await _report(console, "r1")
    html = report["html"]
    assert report["file_name"] == f"debrief-{created['code']}.html"
    assert report["seat"] is None
    assert "<script" not in html.lower()
    assert "Not over yet" in html
    for n in (1, 2):
        assert f"Table {n}" in html


async def test_a_student_gets_their_tables_report_once_it_is_over_as_their_seat_saw_it(
    server: Running, peers: list[Peer]
) -> None:
    """Before the end: not_over. After: the report, without another seat's private
    message (the facilitator's holds it), with the seat's score, its percentile against
    the bots in that seat and the deal map as a PNG. A spectator gets none."""
    admin = await Peer.open(server.url)
    peers.append(admin)
    bots = {s: {"difficulty": "normal"} for s in ("white_house", "cfius", "bytedance")}
    created = await admin.create(seed=5, bots=bots, phase_seconds=QUICK, rounds=2)
    room = created["room"]
    ann, ivy, watcher = [await Peer.open(server.url) for _ in range(3)]
    peers += [ann, ivy, watcher]
    await ann.join(room, "microsoft", "Ann")
    await ivy.join(room, "investors", "Ivy")
    say = {"type": "message", "to": ["bytedance"], "text": SECRET}
    await ivy.send({"type": "act", "id": "i1", "action": say})
    await ivy.expect("ack", id="i1")
    await ann.send({"type": "debrief", "id": "early"})
    refused = await ann.expect("error")
    assert (refused["code"], refused["id"]) == ("not_over", "early")
    await ann.until_view(lambda v: v["phase"] == "over", timeout=60)

    await ann.send({"type": "debrief", "id": "r"})
    await ann.send({"type": "debrief", "id": "again"})  # while the first is being drawn
    busy = await ann.expect("error")
    assert (busy["code"], busy["id"]) == ("busy", "again")
    report = await _report(ann, "r")
    assert report["file_name"] == f"debrief-{room}-microsoft.html"
    assert SECRET not in report["html"] and "<script" not in report["html"].lower()
    assert "as Microsoft saw it" in report["html"]
    seat = report["seat"]
    assert seat["seat"] == "microsoft" and seat["games"] == 200
    assert 0 <= seat["percentile"] <= 100 and 0 <= seat["score"] <= 100
    assert base64.b64decode(seat["deal_map"]).startswith(PNG)

    bob = await Peer.open(server.url)  # Ann's team mate: the copy drawn for Ann, at once
    peers.append(bob)
    await bob.join(room, "microsoft", "Bob")
    await bob.send({"type": "debrief", "id": "b"})
    assert (await _report(bob, "b", timeout=5))["html"] == report["html"]

    await ivy.send({"type": "debrief", "id": "own"})
    assert SECRET in (await _report(ivy, "own"))["html"], "the sender's copy has its line"
    await admin.send({"type": "resume", "room": room, "token": created["facilitator_token"]})
    await admin.expect("joined")
    await admin.send({"type": "debrief", "id": "all"})
    everything = (await _report(admin, "all"))["html"]
    assert SECRET in everything
    assert REASON.findall(everything), "the bots' reasons are in the facilitator's report"
    assert REASON.findall(report["html"]) == [], "and in no student's copy (Ann gave none)"

    await watcher.send({"type": "watch", "room": room})
    await watcher.expect("joined")
    await watcher.send({"type": "debrief", "id": "w"})
    assert (await watcher.expect("error"))["code"] == "not_seated"
    await ann.send({"type": "debrief", "id": "x", "tables": ["ZZZZZ"]})
    assert (await ann.expect("error"))["code"] == "unknown_table"


async def test_a_report_that_fails_to_draw_is_said_and_the_next_one_comes(
    server: Running, peers: list[Peer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault while drawing (a bug of ours) gets debrief_failed for that request, with
    its id; the console can ask again and gets the report."""
    from divestiture.debrief import report_html as drawn
    from divestiture.server import reports

    def broken(*args: Any, **kwargs: Any) -> str:
        monkeypatch.setattr(reports, "report_html", drawn)  # only the first time
        raise RuntimeError("a chart would not draw")

    monkeypatch.setattr(reports, "report_html", broken)
    console = await Peer.open(server.url)
    peers.append(console)
    await console.send({"type": "create_class", "options": {"tables": 1}, "host_token": HOST_TOKEN})
    await console.expect("class_created")
    await console.send({"type": "debrief", "id": "first"})
    failed = await console.expect("error", timeout=30)
    assert (failed["code"], failed["id"]) == ("debrief_failed", "first")
    await console.send({"type": "debrief", "id": "second"})
    assert "<html" in (await _report(console, "second"))["html"]
