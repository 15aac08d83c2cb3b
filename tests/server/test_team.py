"""The team channel on its own, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.server import team
from divestiture.server.protocol import TeamLine
from divestiture.server.store import Store
from divestiture.server.team import TeamChannel, hears
from tests.server.parts import CODE, rows, stored_room

MS, CFIUS = SeatId("microsoft"), SeatId("cfius")


def _numbered(lines: list[TeamLine]) -> list[tuple[str, str, int | None]]:
    return [(line.seat, line.text, line.n) for line in lines]


async def test_a_line_is_stored_and_numbered_in_its_seats_channel(tmp_path: Path) -> None:
    """Each line is stored, numbered from 1 in its own seat's channel, and sent with the
    game's version as it is when the line is stored."""
    async with stored_room(tmp_path) as store:
        channel = TeamChannel(CODE, store, 5, lambda: 7)
        said = [
            await channel.say(MS, "Ann", "one"),
            await channel.say(CFIUS, "Cy", "first"),
            await channel.say(MS, "Bob", "two"),
        ]
    assert _numbered(said) == [(MS, "one", 1), (CFIUS, "first", 1), (MS, "two", 2)]
    assert all(line.version == 7 and not line.history for line in said)
    stored = rows(tmp_path, "SELECT seat, sender, text FROM team_lines WHERE room = ?", CODE)
    assert stored == [(MS, "Ann", "one"), (CFIUS, "Cy", "first"), (MS, "Bob", "two")]


def test_a_channel_hears_its_seat_and_the_facilitator_hears_all() -> None:
    """A seat's players and the facilitator read its channel; other seats and
    spectators do not."""
    assert hears(MS, MS) and hears(FACILITATOR, MS)
    assert not hears(CFIUS, MS) and not hears(SPECTATOR, MS)


async def test_the_channel_keeps_each_seats_last_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made from the stored lines, the channel keeps each seat's last TEAM_REPLAY, in
    order; as lines are said it trims again, never holding more than twice that for
    every seat, while the store keeps them all."""
    monkeypatch.setattr(team, "TEAM_REPLAY", 3)
    stored = [(MS, "Ann", f"m{n}") for n in range(5)] + [(CFIUS, "Cy", "c0")]
    async with stored_room(tmp_path) as store:
        channel = TeamChannel(CODE, store, 2, lambda: 0, list(stored))
        assert [text for _, _, text in channel.lines] == ["m2", "m3", "m4", "c0"]
        for n in range(5, 40):
            await channel.say(MS, "Ann", f"m{n}")
            assert len(channel.lines) <= 2 * 3 * 2
        assert [text for _, _, text in channel.lines][-3:] == ["m37", "m38", "m39"]
        assert channel.count == {MS: 40, CFIUS: 1}
    assert rows(tmp_path, "SELECT count(*) FROM team_lines") == [(35,)]


async def test_a_member_entering_gets_the_last_lines_numbered_as_when_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On entering, a seat is sent its channel's last TEAM_REPLAY lines and the
    facilitator every channel's, each numbered as it was when said (so a client coming
    back skips what it has), also after a restart."""
    monkeypatch.setattr(team, "TEAM_REPLAY", 3)
    async with stored_room(tmp_path) as store:
        channel = TeamChannel(CODE, store, 5, lambda: 9)
        for n in range(1, 8):
            await channel.say(MS, "Ann", f"m{n}")
            if n in (3, 6):
                await channel.say(CFIUS, "Cy", f"c{n}")
        record = await store.run(Store.load, CODE)
    assert record is not None
    restarted = TeamChannel(CODE, store, 5, lambda: 9, list(record.team_lines))
    for made in (channel, restarted):
        mine = made.replay(MS)
        assert _numbered(mine) == [(MS, "m5", 5), (MS, "m6", 6), (MS, "m7", 7)]
        assert all(line.history and line.version == 9 for line in mine)
        assert _numbered(made.replay(FACILITATOR)) == [
            (CFIUS, "c3", 1),
            (MS, "m5", 5),
            (MS, "m6", 6),
            (CFIUS, "c6", 2),
            (MS, "m7", 7),
        ]
        assert made.replay(SeatId("bytedance")) == [] and made.replay(SPECTATOR) == []
