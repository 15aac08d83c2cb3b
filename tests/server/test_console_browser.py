"""The teacher's console in a real browser: Debian's Chromium, headless, driven by
Playwright (never a downloaded browser), against a real server in the same event loop.
Each button is pressed as a teacher would, and the server's tables are checked to have
changed, and the page to show it. Without Chromium (or playwright) the module is skipped,
with one line in the summary saying why (conftest.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from divestiture.game.types import FACILITATOR
from divestiture.game.views import view_for
from divestiture.server.store import Store
from tests.server.conftest import CHROMIUM, HOST_TOKEN, Running, browser_missing

_missing = browser_missing()
if _missing:
    pytest.skip(_missing, allow_module_level=True)

from playwright.async_api import (  # noqa: E402 - only once Chromium and playwright are known there
    Browser,
    ConsoleMessage,
    Page,
    Request,
    async_playwright,
    expect,
)

# As the machine's notes say: headless, root (no sandbox), and nothing to fetch from outside.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@dataclass
class Console:
    """The console open in a page, and what the page did: every URL it asked for (HTTP
    and websocket) and every error it logged (a CSP violation is one)."""

    page: Page
    server: Running
    urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def http(self) -> str:
        return "http" + self.server.url.removeprefix("ws")

    def table(self, n: int) -> Any:
        return self.page.locator("article.table").nth(n - 1)

    async def press(self, name: str) -> None:
        await self.page.get_by_role("button", name=name, exact=True).click()

    async def status(self, *words: str) -> str:
        """The status line once it holds all of ``words``."""
        status = self.page.locator("#status")
        for word in words:
            await expect(status).to_contain_text(word)
        return await status.inner_text()

    async def open_class(self, tables: int | None, timers: bool = False) -> tuple[str, list[str]]:
        """Open a class of ``tables`` tables (None: as the form says) from the page."""
        page = self.page
        await expect(page.locator("#connection")).to_contain_text("Connected")
        if tables is not None:
            await page.get_by_label("Tables").fill(str(tables))
        if not timers:
            for phase in ("Negotiate", "Government", "Resolve"):
                await page.get_by_label(phase, exact=True).fill("")
        await self.press("Open class")
        await self.status("is open with")
        await expect(page).to_have_url(re.compile(r"#host=.+&class=[A-Z0-9]{5}&token=.+"))
        code = (await page.locator("#title-class").inner_text()).split()[-1]
        rooms = [room.code for room in self.server.lobby.classes[code].rooms]
        await expect(page.locator("article.table")).to_have_count(len(rooms))
        return code, rooms


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _console(browser: Browser, server: Running, fragment: str) -> Console:
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(8000)
    console = Console(page, server)

    def asked(request: Request) -> None:
        console.urls.append(request.url)

    def logged(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.errors.append(message.text)

    page.on("request", asked)
    page.on("websocket", lambda ws: console.urls.append(ws.url))
    page.on("console", logged)
    page.on("pageerror", lambda error: console.errors.append(str(error)))
    await page.goto(f"{console.http}/{fragment}")
    return console


async def until(test: Callable[[], bool], what: str, timeout: float = 8.0) -> None:
    """Wait for the server to be in the state ``test`` checks."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not test():
        assert loop.time() < end, f"the server never got there: {what}"
        await asyncio.sleep(0.02)


class Student:
    """A student's game connection that reads everything it is sent as it comes (so the
    server never waits on it), keeping it for ``expect``."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in self.ws:
                await self.inbox.put(json.loads(frame))

    async def expect(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next message of type ``kind``, skipping others."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self.inbox.get()
                if message["type"] == kind:
                    return message

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.gather(self.reading, return_exceptions=True)


@pytest.fixture
async def students() -> AsyncIterator[list[Student]]:
    joined: list[Student] = []
    yield joined
    for student in joined:
        await student.close()


async def _student(server: Running, students: list[Student], code: str, name: str) -> Student:
    student = Student(await connect(server.url, max_size=None))
    students.append(student)
    await student.ws.send(json.dumps({"type": "hello", "protocol": 1}))
    await student.ws.send(json.dumps({"type": "join", "room": code, "name": name}))
    await student.expect("joined")
    return student


def _where(server: Running, rooms: list[str], name: str) -> tuple[int, str]:
    """The table (from 1) and seat a student holds."""
    for n, code in enumerate(rooms, start=1):
        for seat, names in server.lobby.rooms[code].holders.items():
            if name in names:
                return n, seat
    raise AssertionError(f"{name} holds no seat")


async def _interactive_controls_are_labelled(page: Page) -> None:
    unnamed = await page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, a[href]')]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => el.matches('button, a')
                ? !(el.getAttribute('aria-label') || el.textContent.trim())
                : el.labels.length === 0)
            .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == [], "every control has a name a screen reader says"


async def test_the_console_opens_a_class_and_its_buttons_change_the_servers_tables(
    server: Running,
    students: list[Student],
    browser: Browser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="divest.server")
    console = await _console(browser, server, f"#host={HOST_TOKEN}")
    page = console.page
    code, rooms = await console.open_class(tables=2)
    token = page.url.partition("&token=")[2]
    assert await server.store.run(Store.class_token, code, token), "the fragment keeps its token"
    await _interactive_controls_are_labelled(page)

    ana, bo, _ = [await _student(server, students, code, name) for name in ("Ana", "Bo", "Cy")]
    first, second = (server.lobby.rooms[r] for r in rooms)
    for name in ("Ana", "Bo", "Cy"):
        n, _ = _where(server, rooms, name)
        await expect(console.table(n)).to_contain_text(name)
    await expect(page.locator("#summary")).to_contain_text("3 students (3 here, 0 away)")

    # Start one table: bots take its empty seats, the other table still waits.
    await console.press("Start table 1")
    await console.status("Start table 1: done at table 1")
    assert first.state.started and not second.state.started
    assert set(first.bots) == set(first.state.seats) - {s for s, n in first.holders.items() if n}
    await expect(console.table(1).locator(".badge")).to_have_text("In play")
    await expect(console.table(2).locator(".badge")).to_have_text("Waiting for the start")

    # Pause one table; resume every table: the one not paused refuses, and the status
    # line says which and why.
    await console.press("Pause table 1")
    await console.status("Pause table 1: done")
    assert first.state.paused and not second.state.paused
    await expect(console.table(1).locator(".badge")).to_have_text("Paused")
    await console.press("Resume")
    text = await console.status("Resume at every table", "refused")
    assert "table 2" in text and "play is not paused" in text and "done at 1 other table" in text
    assert not first.state.paused
    await expect(console.table(1).locator(".badge")).to_have_text("In play")

    # The forms act on the table chosen in "For".
    await page.get_by_label("For").select_option(label=f"table 1 ({rooms[0]})")
    await page.get_by_label("Announcement").fill("Ten minutes to lunch")
    await console.press("Announce")
    await console.status("Announce “Ten minutes to lunch” at table 1", "done at table 1")
    lines = [item.text for item in first.state.feed if item.kind == "facilitator"]
    assert lines == ["Facilitator: Ten minutes to lunch"]
    assert not [item for item in second.state.feed if item.kind == "facilitator"]
    await expect(console.table(1)).to_contain_text("Ten minutes to lunch")

    await page.get_by_label("Timer of the phase").select_option("negotiate")
    await page.get_by_label("Minutes").fill("10")
    await console.press("Set timer")
    await console.status("The negotiate timer set to 10 min", "done at table 1")
    assert first.options.phase_seconds == {"negotiate": 600}
    clock = console.table(1).locator(".clock")
    await expect(clock).to_have_text(re.compile(r"^(10:00|9:5\d) left$"))
    await console.press("Pause table 1")
    await expect(clock).to_have_text(re.compile(r"^(10:00|9:5\d), clock stopped$"))
    await console.press("Resume table 1")
    await console.status("Resume table 1: done")

    card = first.state.deck[-1]
    await page.get_by_label("News card").select_option(card)
    await console.press("Read the news")
    await console.status(f"News: {card.replace('_', ' ')}", "done at table 1")
    assert card not in first.state.deck
    assert card in second.state.deck

    await console.press("Close the seats at table 1")
    await console.status("Close the seats at table 1: done")
    assert first.seats_locked and not second.seats_locked
    await expect(console.table(1)).to_contain_text("seats closed")
    await expect(page.get_by_role("button", name="Open the seats at table 1")).to_be_focused()

    # A student moved to the other table: the server's seats, their game and the page.
    table, seat = _where(server, rooms, "Ana")
    where = {"white_house": "White House", "cfius": "CFIUS"}[seat]
    await console.press(f"Move Ana ({where}, table {table})")
    await page.get_by_label("To table").select_option(label=f"table 2 ({rooms[1]})")
    free = next(s for s, names in second.holders.items() if not names)
    await page.get_by_label("Seat", exact=True).select_option(free)
    await page.locator("#move-dialog").get_by_role("button", name="Move", exact=True).click()
    await console.status("Move Ana to", "done at table")
    assert "Ana" in second.holders[free]
    moved = await ana.expect("joined")
    assert (moved["room"], moved["role"]) == (rooms[1], free)
    await expect(console.table(2)).to_contain_text("Ana")

    # Removed, after a confirmation: cancelling changes nothing.
    table, seat = _where(server, rooms, "Bo")
    where = {"white_house": "White House", "cfius": "CFIUS"}[seat]
    room = server.lobby.rooms[rooms[table - 1]]
    await console.press(f"Remove Bo from {where} at table {table}")
    await page.locator("#remove-dialog").get_by_role("button", name="Cancel").click()
    assert "Bo" in room.holders[seat]
    await console.press(f"Remove Bo from {where} at table {table}")
    await expect(page.locator("#remove-who")).to_have_text(
        f"Take Bo out of {where} at table {table}?"
    )
    await console.press("Remove Bo")
    await console.status("Remove Bo from", "done")
    assert "Bo" not in room.holders[seat]
    assert (await bo.expect("error"))["code"] == "removed"
    names = console.page.locator("article.table .students .name")
    await expect(names.filter(has_text=re.compile("^Bo$"))).to_have_count(0)
    await expect(names.filter(has_text=re.compile("^Ana$"))).to_have_count(1)

    # A bot takes an empty seat, then hands it back.
    empty = next(s for s, names in second.holders.items() if not names and s not in second.bots)
    name = second.seat_word(empty)
    await console.press(f"A bot plays {name} at table 2")
    await console.status(f"A bot plays {name} at table 2: done")
    assert empty in second.bots
    await console.press(f"Hand {name} at table 2 back from its bot")
    await console.status(f"{name} at table 2 handed back from its bot: done")
    assert empty not in second.bots

    await console.press("End the phase at table 1")
    await console.status("End the phase at table 1: done")
    await until(lambda: first.state.phase.value != "negotiate", "table 1's talks ended")

    await console.press("Add a table")
    await console.status("Table 3 (")
    await expect(page.locator("article.table")).to_have_count(3)
    assert len(server.lobby.classes[code].rooms) == 3

    # A reload comes back to the class from the fragment alone.
    await page.reload()
    await expect(page.locator("article.table")).to_have_count(3)
    await expect(console.table(1).locator(".badge")).to_have_text("In play")

    # The projector view: the code, the address and its QR code, with no token.
    projector = page.get_by_role("link", name="Projector view")
    assert await projector.get_attribute("href") == f"/join/{code}"
    view = await browser.new_page()
    await view.goto(f"{console.http}/join/{code}")
    await expect(view.locator("h1")).to_have_text(code)
    assert await view.locator(".qr img").evaluate("(img) => img.naturalWidth") > 100
    assert token not in await view.content()

    assert console.errors == []
    secrets = (token, HOST_TOKEN)
    assert [u for u in console.urls if any(s in u.partition("#")[0] for s in secrets)] == []
    assert [r for r in caplog.records if any(s in r.getMessage() for s in secrets)] == []


async def test_a_finished_table_shows_its_outcome_and_every_seats_score(
    server: Running, browser: Browser
) -> None:
    console = await _console(browser, server, f"#host={HOST_TOKEN}")
    _, (room,) = await console.open_class(tables=1)
    await console.press("Start table 1")  # no student: bots take every seat, and play fast
    table = server.lobby.rooms[room]
    await until(lambda: table.state.over, "the game over")
    card = console.table(1)
    await expect(card.locator(".badge")).to_have_text("Over")
    await expect(card.locator(".outcome")).to_contain_text("Outcome: ")
    view = view_for(table.state, FACILITATOR, with_legal=False)
    scores = {s.seat: s.total for s in view.scores}
    assert set(scores) == set(table.state.seats)
    shown = card.locator(".score")
    await expect(shown).to_have_count(len(table.state.seats))
    texts = await shown.all_inner_texts()
    assert texts == [f"score {round(scores[s], 1):.1f}" for s in table.state.seats]
    await expect(card.get_by_role("button", name="Pause table 1")).to_have_count(0)
    assert console.errors == []


async def test_the_debrief_button_opens_the_class_report_and_a_table_s_during_play(
    server: Running, browser: Browser
) -> None:
    """A table's Debrief button works before its week starts (the report says it is not
    over); once the class is over, the class's Debrief opens the report in a tab of its
    own, styled (its inline style is allowed), with every table's deal map, and offers it
    as a file to save."""
    console = await _console(browser, server, f"#host={HOST_TOKEN}")
    code, rooms = await console.open_class(tables=2)
    page = console.page
    await console.press("The debrief of table 1")
    await console.status("The debrief of table 1 is ready")
    async with page.context.expect_page() as opened:
        await page.get_by_role("link", name="Open the report").click()
    early = await opened.value
    await expect(early.locator("header .warn")).to_contain_text("Not over yet: Table 1")
    await early.close()

    await console.press("Start")
    tables = [server.lobby.rooms[r] for r in rooms]
    await until(lambda: all(t.state.over for t in tables), "every table over", timeout=20)
    await console.press("Debrief")
    await console.status(f"The debrief of class {code} is ready")
    save = page.get_by_role("link", name="Save it as a file")
    assert await save.get_attribute("download") == f"debrief-{code}.html"
    async with page.context.expect_page() as opened:
        await page.get_by_role("link", name="Open the report").click()
    report = await opened.value
    await expect(report.locator("h1")).to_contain_text(f"Debrief: class {code}")
    for room in rooms:
        await expect(report.locator(f'svg[aria-label="deal-map-{room}"]')).to_have_count(1)
    await expect(report.locator("#questions")).to_have_count(1)
    styled = await report.evaluate("getComputedStyle(document.body).maxWidth")
    assert styled != "none", "the report's own style applies in the tab"
    assert await report.locator("script").count() == 0
    assert console.errors == []


async def test_a_class_of_six_tables_starts_at_once_and_plays_to_the_end(
    server: Running, browser: Browser
) -> None:
    console = await _console(browser, server, f"#host={HOST_TOKEN}")
    _, rooms = await console.open_class(tables=None, timers=True)  # the form's 6 and timers
    assert len(rooms) == 6
    first = server.lobby.rooms[rooms[0]]
    assert first.options.phase_seconds == {"negotiate": 420, "government": 120, "resolve": 60}
    await console.press("Start")
    await console.status("Start at every table: done at all 6 tables")
    tables = [server.lobby.rooms[r] for r in rooms]
    await until(lambda: all(t.state.over for t in tables), "every table over", timeout=20)
    await expect(console.page.locator("#summary")).to_contain_text("6 tables (6 over)")
    await expect(console.page.locator(".badge.over")).to_have_count(6)
    assert console.errors == []


async def test_the_console_comes_back_after_its_connection_drops(
    server: Running, students: list[Student], browser: Browser
) -> None:
    console = await _console(browser, server, f"#host={HOST_TOKEN}")
    code, rooms = await console.open_class(tables=1)
    klass = server.lobby.classes[code]
    (watcher,) = klass.watchers
    await watcher.ws.close()  # type: ignore[attr-defined]  # a Connection of the app's
    await expect(console.page.locator("#connection")).to_contain_text("Connection lost")
    await expect(console.page.locator("#connection")).to_contain_text("Connected", timeout=8000)
    await until(lambda: len(klass.watchers) == 1 and watcher not in klass.watchers, "re-watched")
    await _student(server, students, code, "Dee")
    await expect(console.table(1)).to_contain_text("Dee")
    await console.press("Start table 1")
    await console.status("Start table 1: done")
    assert server.lobby.rooms[rooms[0]].state.started


async def test_a_wrong_token_in_the_address_leads_back_to_opening_a_class(
    server: Running, browser: Browser
) -> None:
    console = await _console(browser, server, "#class=ABCDE&token=wrong-token")
    await console.status("Could not open class ABCDE")
    await expect(console.page.get_by_label("Class code")).to_have_value("ABCDE")
    assert "token" not in console.page.url
    assert not server.lobby.classes
