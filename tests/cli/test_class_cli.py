"""`divest class open` and `divest simulate --class`, as a teacher and a test class run
them against a real `divest serve`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from divestiture.cli.main import main
from tests.cli.serving import serving


def _start_class(url: str, code: str, token: str, students: int) -> dict[str, str]:
    """Once ``students`` sit at the class's tables, the teacher presses Start (on a raw
    facilitator connection): the answer."""
    from websockets.sync.client import connect

    with connect(url) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1}))
        ws.recv(5)
        ws.send(json.dumps({"type": "watch_class", "code": code, "token": token}))
        while True:
            view = json.loads(ws.recv(60))
            seated = sum(len(s["students"]) for t in view["tables"] for s in t["seats"])
            if seated == students:
                break
        ws.send(json.dumps({"type": "control", "id": "go", "control": {"do": "start"}}))
        while True:
            message = json.loads(ws.recv(10))
            if message["type"] == "control_done":
                results: dict[str, str] = message["results"]
                return results


def test_a_class_opened_from_the_command_line_is_played_by_simulated_students(
    tmp_path: Path,
) -> None:
    with serving(tmp_path, "--bot-delay", "0", "--no-announce") as served:
        opened = CliRunner().invoke(
            main,
            ["class", "open", "--server", served.url, "--tables", "2", "--negotiate-seconds", "2"],
            env={"DIVEST_HOST_TOKEN": served.host_token},
        )
        assert opened.exit_code == 0, opened.output
        found = re.search(r"Class ([A-Z0-9]{5}) is open", opened.output)
        assert found is not None
        code = found.group(1)
        token = opened.output.split("Facilitator token (keep it to yourself): ")[1].split()[0]
        assert f"http://127.0.0.1:{served.port}/#class={code}&token={token}" in opened.output
        exe = Path(sys.executable).parent / "divest"
        students = subprocess.Popen(
            [str(exe), "simulate", "--server", served.url, "--class", code, "--students", "7"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            results = _start_class(served.url, code, token, 7)
            assert set(results.values()) == {"ok"}
            out, err = students.communicate(timeout=240)
        finally:
            students.kill()
    assert students.returncode == 0, err
    tables = re.findall(r"^table ([A-Z0-9]{5}): (\w+) \((\d) students\)", out, re.MULTILINE)
    assert len(tables) == 2, out
    assert sum(int(n) for _, _, n in tables) == 7


def test_class_flags_are_checked_before_anything_is_opened() -> None:
    too_many = CliRunner().invoke(main, ["class", "open", "--tables", "0"])
    assert too_many.exit_code == 2 and "--tables" in too_many.output
    no_server = CliRunner().invoke(main, ["simulate", "--class", "ABCDE"])
    assert no_server.exit_code == 2 and "--class needs --server" in no_server.output
    nothing = CliRunner().invoke(
        main, ["class", "open", "--server", "ws://127.0.0.1:9", "--host-token", "x"]
    )
    assert nothing.exit_code == 1 and "no server at" in nothing.output
    no_token = CliRunner().invoke(main, ["class", "open"], env={"DIVEST_HOST_TOKEN": ""})
    assert no_token.exit_code == 2 and "host token" in no_token.output


def test_facilitate_shows_every_seats_score_once_a_room_is_over(tmp_path: Path) -> None:
    import time

    seats = ("white_house", "cfius", "bytedance", "microsoft", "investors")
    with serving(tmp_path, "--bot-delay", "0", "--no-announce") as served:
        bots = [arg for seat in seats for arg in ("--bot", seat)]
        opened = CliRunner().invoke(
            main,
            ["room", "--server", served.url, "--seed", "3", *bots],
            env={"DIVEST_HOST_TOKEN": served.host_token},
        )
        assert opened.exit_code == 0, opened.output
        found = re.search(r"Room ([A-Z0-9]{5}) is open", opened.output)
        assert found is not None
        token = opened.output.split("Facilitator token (keep it to yourself): ")[1].split()[0]
        url = f"{served.url}/{found.group(1)}"
        for _ in range(200):
            shown = CliRunner().invoke(main, ["facilitate", url, "--token", token])
            assert shown.exit_code == 0, shown.output
            if ": over, " in shown.output:
                break
            time.sleep(0.1)
    assert "Scores at the end (out of 100):" in shown.output
    rows = re.findall(r"^  (\S[^\n]*?)\s+(\d+\.\d)\s+a bot$", shown.output, re.MULTILINE)
    assert len(rows) == 5, shown.output
