"""``divest debrief --server``: the facilitator fetches the tables' logs over the protocol
(``export`` -> ``room_log``), and the debrief is the one the data directory gives once the
server has stopped."""

from __future__ import annotations

import asyncio
from pathlib import Path

from divestiture.cli.debrief_remote import fetch
from divestiture.debrief import build
from divestiture.debrief.grades import grade_rows, plain_csv
from divestiture.game.types import SeatId
from divestiture.server.debrief_source import SourceError, read_class, read_room
from tests.debrief.conftest import run
from tests.server.conftest import HOST_TOKEN, Peer, Running, running

SEATS = ("white_house", "cfius", "bytedance", "microsoft", "investors")
BOTS = {seat: {"difficulty": "normal"} for seat in SEATS}


async def _all_over(server: Running, codes: list[str], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not all(server.lobby.rooms[c].state.over for c in codes):
        assert loop.time() < end, "the bots' games did not end"
        await asyncio.sleep(0.05)


def _grades(record: object) -> str:
    from divestiture.debrief import ClassInput

    assert isinstance(record, ClassInput)
    return plain_csv(grade_rows(build(record, bot_games=0)))


async def test_the_facilitator_fetches_the_class_and_it_matches_the_data(tmp_path: Path) -> None:
    async with running(tmp_path) as server:
        console = await Peer.open(server.url)
        options = {"tables": 2, "room": {"bots": BOTS, "start": "now"}}
        await console.send({"type": "create_class", "options": options, "host_token": HOST_TOKEN})
        created = await console.expect("class_created")
        code, token, tables = created["code"], created["facilitator_token"], created["tables"]
        room = await console.create(bots=BOTS)
        await _all_over(server, [*tables, room["room"]])

        stranger = await Peer.open(server.url)
        await stranger.send({"type": "export"})
        assert (await stranger.expect("error"))["code"] == "not_joined"
        await stranger.send({"type": "watch", "room": tables[0]})
        await stranger.expect("joined")
        await stranger.send({"type": "export"})
        assert (await stranger.expect("error"))["code"] == "not_facilitator"
        await console.close()
        await stranger.close()

        remote = await asyncio.to_thread(fetch, server.url, token, code, None)
        assert [t.room for t in remote.tables] == tables and [t.n for t in remote.tables] == [1, 2]
        alone = await asyncio.to_thread(
            fetch, server.url, room["facilitator_token"], None, room["room"]
        )
        assert [t.n for t in alone.tables] == [0]
        one_table = await asyncio.to_thread(fetch, server.url, token, None, tables[1])
        assert [(t.room, t.n) for t in one_table.tables] == [(tables[1], 2)], "keeps its number"
        try:
            await asyncio.to_thread(fetch, server.url, "not-the-token", code, None)
        except SourceError as e:
            assert "not the facilitator's" in str(e)
        else:
            raise AssertionError("a wrong token fetched a class")
        out = tmp_path / "remote.csv"
        result = await asyncio.to_thread(
            run, "--server", server.url, "--class", code, "--token", token, "--csv", str(out)
        )
        assert result.exit_code == 0, result.output
    stored = read_class(tmp_path, code)
    assert _grades(remote) == _grades(stored)
    assert out.read_bytes().decode() == _grades(stored), "as written, CRLF and all"
    assert _grades(alone) == _grades(read_room(tmp_path, room["room"]))
    assert all(r.bot for r in grade_rows(build(stored, bot_games=0)))
    cfius = SeatId("cfius")
    drawn = {t.bots[cfius].personality for t in stored.tables}
    assert drawn <= set(stored.scenario.bots.personalities[cfius]), "named by what it drew"


def test_no_server_is_a_clear_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("--server", f"ws://127.0.0.1:{port}", "--class", "ABCDE", "--token", "t",
                 "--csv", "never.csv")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no answer from ws://127.0.0.1:")
    assert not Path("never.csv").exists()
