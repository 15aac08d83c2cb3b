"""Whole games over real sockets: secrecy per connection, teams, reconnects, resends, timers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from divestiture.game import load_scenario
from divestiture.game.events import Reason
from divestiture.game.scenario import DEFAULT_SCENARIO
from divestiture.game.simulation import make_players, player_factory
from divestiture.server.client import SeatClient, create_room
from divestiture.server.protocol import RoomOptions
from tests.server.conftest import HOST_TOKEN, Peer, Running

SC = load_scenario(DEFAULT_SCENARIO)


async def _play_room(server: Running, seed: int, random_players: bool) -> list[SeatClient]:
    created = await create_room(server.url, RoomOptions(seed=seed), host_token=HOST_TOKEN)
    factory = player_factory(SC, "random" if random_players else "scripted")
    players = make_players(seed, created.seats, factory)
    clients = [
        SeatClient(server.url, created.room, s, players[s], record=True) for s in created.seats
    ]
    await asyncio.wait_for(asyncio.gather(*(c.play() for c in clients)), 120)
    return clients


async def test_whole_game_with_five_clients(server: Running) -> None:
    """Five clients, one per seat, play a scripted game to its end; all see the same outcome."""
    clients = await _play_room(server, seed=11, random_players=False)
    outcomes = {c.view.outcome for c in clients if c.view}
    assert len(outcomes) == 1 and None not in outcomes
    room = next(iter(server.lobby.rooms.values()))
    assert room.state.over and room.state.outcome in outcomes
    assert all(len(c.view.scores) == 5 for c in clients if c.view)
    # The bots' reasons are for the facilitator and their own seat only.
    reasons = [
        (e.data.seat, e.data.action.rationale) for _, e in room.events if isinstance(e.data, Reason)
    ]
    assert reasons
    for client in clients:
        text = "".join(client.frames)
        assert not any(why in text for seat, why in reasons if seat != client.seat)


async def test_no_socket_receives_another_seats_secrets(server: Running) -> None:
    """Before the debrief, no frame to a seat holds another seat's brief or a private
    message, sheet or reason it is not party to."""
    clients = await _play_room(server, seed=5, random_players=True)
    room = next(iter(server.lobby.rooms.values()))
    state = room.state
    for client in clients:
        me = client.seat
        others_briefs = [json.dumps(dict(state.seats[s].brief)) for s in state.seats if s != me]
        secret_texts = [m.text for m in state.messages if me != m.sender and me not in m.to]
        for frame in client.frames:
            message = json.loads(frame)
            if message["type"] != "view":
                continue
            view = message["view"]
            assert all(text not in frame for text in secret_texts), me
            if view["outcome"] is None:  # briefs are revealed for the debrief only
                assert view["briefs"] == []
                assert view["brief"]["seat"] == me
                assert all(b not in frame for b in others_briefs)
            for sheet in view["sheets"]:
                public = sheet["status"] in ("signed", "cleared", "blocked", "closed")
                assert public or me in sheet["parties"]
    assert any(m.text for m in state.messages), "the game had private messages to keep"


async def test_team_of_two_on_one_seat(server: Running, peers: list[Peer]) -> None:
    """Two clients share a seat: both see its view, its actions and its team channel."""
    admin = await Peer.open(server.url)
    room = (await admin.create(seed=2))["room"]
    ann, bob, carol = [await Peer.open(server.url) for _ in range(3)]
    peers += [admin, ann, bob, carol]
    token_a = (await ann.join(room, "microsoft", "Ann"))["token"]
    token_b = (await bob.join(room, "microsoft", "Bob"))["token"]
    await carol.join(room, "bytedance", "Carol")
    assert token_a != token_b
    presence = await bob.expect("presence")
    assert set(presence["seats"]["microsoft"]) == {"Ann", "Bob"}
    await ann.send({"type": "team", "text": "let us open at 25"})
    line = await bob.expect("team")
    assert (line["sender"], line["text"]) == ("Ann", "let us open at 25")
    msg = {"type": "message", "to": ["bytedance"], "text": "Shall we talk price?"}
    await ann.send({"type": "act", "id": "m1", "action": msg})
    await ann.expect("ack", id="m1")
    seen = await bob.until_view(lambda v: any(m["text"] == msg["text"] for m in v["messages"]))
    assert seen["view"]["viewer"] == "microsoft"
    await carol.until_view(lambda v: any(m["text"] == msg["text"] for m in v["messages"]))
    assert not any(m["type"] == "team" for m in carol.received)


async def test_reconnect_with_token_gets_the_whole_story(
    server: Running, peers: list[Peer]
) -> None:
    """A client that drops and comes back with its token gets its view, chat and history."""
    admin = await Peer.open(server.url)
    room = (await admin.create(seed=4))["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    token = (await ann.join(room, "investors", "Ann"))["token"]
    act = {"type": "message", "to": ["bytedance"], "text": "We are long-term holders."}
    await ann.send({"type": "act", "id": "hello-bd", "action": act})
    await ann.expect("ack", id="hello-bd")
    await ann.send({"type": "team", "text": "note to self"})
    await ann.close()

    back = await Peer.open(server.url)
    peers.append(back)
    await back.send({"type": "resume", "room": room, "token": token})
    joined = await back.expect("joined")
    assert (joined["role"], joined["name"], joined["token"]) == ("investors", "Ann", None)
    story = await back.expect("view")
    assert story["history"] is True
    assert story["view"]["brief"]["seat"] == "investors"
    assert any(m["text"] == act["text"] for m in story["view"]["messages"])
    assert any("We are long-term holders." in line for line in _lines(story))
    assert (await back.expect("team"))["text"] == "note to self"


async def test_resent_action_is_applied_once(server: Running, peers: list[Peer]) -> None:
    """An action sent twice with the same id (a resend after a drop) is applied once."""
    admin = await Peer.open(server.url)
    room = (await admin.create(seed=6))["room"]
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(room, "white_house", "Ann")
    act = {"type": "act", "id": "s-1", "action": {"type": "statement", "text": "All options."}}
    await ann.send(act)
    first = await ann.expect("ack", id="s-1")
    live = server.lobby.rooms[room]
    state = live.state
    await ann.send(act)
    again = await ann.expect("ack", id="s-1")
    assert again["duplicate"] is True and again["version"] == first["version"]
    assert live.state is state
    assert sum(1 for f in state.feed if f.text.endswith('"All options."')) == 1


async def test_phase_timer_passes_the_absent(server: Running, peers: list[Peer]) -> None:
    """When the negotiate timer runs out, seats that did not act pass and the phase ends."""
    admin = await Peer.open(server.url)
    bots: dict[str, dict[str, str]] = {s: {} for s in SC.seat_ids if s != "cfius"}
    created = await admin.create(seed=8, bots=bots, phase_seconds={"negotiate": 0.5})
    ann = await Peer.open(server.url)
    peers += [admin, ann]
    await ann.join(created["room"], "cfius", "Ann")  # and never acts
    timer = await ann.expect("timer", phase="negotiate")
    assert 0 < timer["seconds_left"] <= 0.5
    after = await ann.until_view(lambda v: v["phase"] != "negotiate", timeout=10)
    assert after["view"]["round"] == 1
    assert any("time" in line.lower() for line in _lines(after))


async def test_resolve_timer_rules_for_an_absent_cfius(server: Running, peers: list[Peer]) -> None:
    """A signed deal waits for CFIUS in the resolve phase; when its timer runs out, an
    absent CFIUS rules as the rules say it does (absent: rule_on_deal): the deal meets
    the requirements it published (none), so it is cleared and closes, the same day."""
    admin = await Peer.open(server.url)
    timers = {"negotiate": 0.5, "government": 0.3, "resolve": 0.3}
    bots: dict[str, dict[str, str]] = {"white_house": {}, "investors": {}}
    created = await admin.create(seed=8, bots=bots, phase_seconds=timers)
    room = created["room"]
    ann, bea, max_ = [await Peer.open(server.url) for _ in range(3)]
    peers += [admin, ann, bea, max_]
    await ann.join(room, "cfius", "Ann")  # and never acts
    await bea.join(room, "bytedance", "Bea")
    await max_.join(room, "microsoft", "Max")
    terms = {
        "buyers": [{"seat": "microsoft", "percent": 100}],
        "seller_stake": 0,
        "scope": "us",
        "price": 30,
        "algorithm": "license",
        "rounds_to_close": 2,
    }
    await max_.send({"type": "act", "id": "p1", "action": {"type": "propose", "terms": terms}})
    await max_.expect("ack", id="p1")
    sheet = (await bea.until_view(lambda v: v["sheets"]))["view"]["sheets"][-1]["id"]
    await bea.send({"type": "act", "id": "s1", "action": {"type": "sign", "sheet": sheet}})
    await bea.expect("ack", id="s1")
    timer = await ann.expect("timer", timeout=10, phase="resolve")
    assert 0 < timer["seconds_left"] <= 0.3
    after = await ann.until_view(lambda v: v["outcome"] is not None, timeout=10)
    assert after["view"]["outcome"] == "deal_microsoft" and after["view"]["round"] == 1
    assert any("Time is up for the resolve phase" in line for line in _lines(after))
    assert any("CFIUS: Clear the deal" in line for line in _lines(after))


async def test_facilitator_ends_a_phase_and_adds_bots(server: Running, peers: list[Peer]) -> None:
    """The facilitator's token ends the phase on demand and fills empty seats with bots."""
    admin = await Peer.open(server.url)
    created = await admin.create(seed=9)
    room = created["room"]
    await admin.send({"type": "resume", "room": room, "token": created["facilitator_token"]})
    assert (await admin.expect("joined"))["role"] == "facilitator"
    facilitated = await admin.expect("view")
    assert len(facilitated["view"]["briefs"]) == 5  # the facilitator sees everything
    peers.append(admin)
    await admin.send({"type": "end_phase"})
    await admin.until_view(lambda v: v["phase"] == "government")
    await admin.send({"type": "add_bots"})
    presence = await admin.expect("presence", timeout=5)
    while len(presence["bots"]) < 5:
        presence = await admin.expect("presence")
    await admin.until_view(lambda v: v["outcome"] is not None, timeout=60)


def _lines(view_message: dict[str, Any]) -> list[str]:
    """The event lines of a view message, in words."""
    return [event["text"] for event in view_message["events"]]
