"""Screenshots of the teacher's console in a real browser, for docs/FACILITATOR.md.

    .venv/bin/python tools/console_screenshots.py [--out docs/screenshots]

(``make console-screenshots``.) A server runs in this process on a fresh data folder,
a class of six seeded tables opens, twenty students join from websockets (two of them
leave again), and the console, in Debian's Chromium driven by Playwright, starts the
week, pauses a table, reads out news, posts an announcement, ends phases and closes the
seats, as a teacher would. Then it draws:

- ``console.png``: the console with the class in play, and table 6's debrief ready to open;
- ``console_finished.png``: a table that has played to the end, with every seat's score;
- ``console_projector.png``: the projector view (the join page), as 192.168.1.20 (the
  server's network address is made up, so the picture shows no real machine's);
- ``console_open.png``: the form that opens a class.

Bots' moves depend on timing, so two runs draw slightly different games.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright, expect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from divestiture.server import announce
from divestiture.server.app import start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
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
SHOWN_ADDRESS = "192.168.1.20"
NAMES = [
    "Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kemi", "Liam", "Mei", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tom",
]  # fmt: skip
MS_TERMS: dict[str, object] = {
    "buyers": [{"seat": "microsoft", "percent": 100}],
    "seller_stake": 0,
    "scope": "us",
    "price": 45,
    "algorithm": "license",
    "us_storage": True,
    "rounds_to_close": 2,
}


class Student:
    """A student's connection, read as it comes (the server never waits on it)."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.joined: dict[str, Any] = {}
        self.reading = asyncio.create_task(self._read())
        self.got_joined = asyncio.Event()

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in self.ws:
                message = json.loads(frame)
                if message["type"] == "joined":
                    self.joined = message
                    self.got_joined.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.gather(self.reading, return_exceptions=True)


async def _student(url: str, code: str, name: str, table: int) -> Student:
    student = Student(await connect(url))
    await student.send({"type": "hello", "protocol": 1})
    await student.send({"type": "join", "room": code, "name": name, "table": table})
    await asyncio.wait_for(student.got_joined.wait(), 5)
    return student


async def _class(url: str) -> dict[str, Any]:
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": 1}))
        room = {"seed": 11, "phase_seconds": {"negotiate": 420, "government": 120, "resolve": 60}}
        await ws.send(
            json.dumps(
                {"type": "create_class", "options": {"tables": 6, "room": room}, "host_token": HOST}
            )
        )
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "class_created":
                return dict(message)


HOST = "the-host-token-of-the-screenshots"  # a made-up one: the server is in this process


async def _press(page: Page, name: str, done: str) -> None:
    await page.get_by_role("button", name=name, exact=True).click()
    await expect(page.locator("#status")).to_contain_text(done)


async def shoot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    announce.lan_addresses = lambda: [SHOWN_ADDRESS]  # the join page's address, made up
    with tempfile.TemporaryDirectory() as data:
        try:  # the usual port, so the pictures show the address a class sees
            server, lobby, store = await start_server(
                "0.0.0.0", 8765, Path(data), host_token=HOST, bot_delay=0.05
            )
        except OSError:
            server, lobby, store = await start_server(
                "0.0.0.0", 0, Path(data), host_token=HOST, bot_delay=0.05
            )
        port = server.sockets[0].getsockname()[1]
        url, http = f"ws://127.0.0.1:{port}", f"http://127.0.0.1:{port}"
        students: list[Student] = []
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = await browser.new_page(viewport={"width": 1600, "height": 1000})
                await page.goto(f"{http}/#host={HOST}")
                await expect(page.locator("#class-list")).to_contain_text("None yet")
                await page.screenshot(
                    path=out / "console_open.png",
                    clip={"x": 0, "y": 0, "width": 1600, "height": 470},
                )

                created = await _class(url)
                code, token = created["code"], created["facilitator_token"]
                for n, name in enumerate(NAMES):
                    students.append(await _student(url, code, name, table=1 + n % 5))
                for gone in students[17:19]:  # two leave: the console shows them away
                    await gone.close()
                await page.goto(f"{http}/#host={HOST}&class={code}&token={token}")
                await expect(page.locator("article.table")).to_have_count(6)

                await _press(page, "Start", "done at all 6 tables")
                microsoft = next(s for s in students if s.joined["role"] == "microsoft")
                await microsoft.send(
                    {"type": "act", "id": "s1", "action": {"type": "propose", "terms": MS_TERMS}}
                )
                await page.get_by_label("Announcement").fill("Ten minutes to the end of Monday")
                await _press(page, "Announce", "done at all 6 tables")
                await page.get_by_label("For").select_option(index=2)
                await _press(page, "Read the news", "done at table 2")
                for _ in range(3):
                    await _press(page, "End the phase at table 4", "done at table 4")
                await _press(page, "Pause table 3", "done at table 3")
                await page.get_by_label("For").select_option(index=0)
                await _press(page, "Close seats", "done at all 6 tables")
                await expect(page.locator("article.table").nth(5).locator(".badge")).to_have_text(
                    "Over", timeout=30000
                )
                await page.get_by_role("button", name="The debrief of table 6").click()
                await expect(page.locator("#report")).to_be_visible(timeout=30000)
                await page.wait_for_timeout(1500)
                await page.mouse.move(0, 0)
                await page.screenshot(path=out / "console.png", full_page=True)
                narrow = await browser.new_page(viewport={"width": 560, "height": 900})
                await narrow.goto(page.url)  # one column: the card as tall as its content
                finished = narrow.locator("article.table").nth(5)
                await expect(finished.locator(".badge")).to_have_text("Over")
                await finished.screenshot(path=out / "console_finished.png")

                projector = await browser.new_page(viewport={"width": 1600, "height": 900})
                await projector.goto(f"{http}/join/{code}")
                await expect(projector.locator(".qr img")).to_be_visible()
                await projector.screenshot(path=out / "console_projector.png")
                await browser.close()
        finally:
            for student in students:
                await student.close()
            await stop_server(server, lobby, store)
    for name in ("console_open", "console", "console_finished", "console_projector"):
        path = out / f"{name}.png"
        print(f"{path} ({path.stat().st_size // 1024} KiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        print(f"no Chromium at {CHROMIUM} (apt install chromium)", file=sys.stderr)
        return 2
    asyncio.run(shoot(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
