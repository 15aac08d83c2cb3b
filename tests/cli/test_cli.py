"""The ``divest`` command as a user runs it."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from divestiture.cli.main import main
from divestiture.game import DEFAULT_SCENARIO
from tests.cli.serving import serving

RULES = DEFAULT_SCENARIO


def _bad_copy(tmp_path: Path) -> Path:
    bad = tmp_path / "bad.yaml"
    text = RULES.read_text(encoding="utf-8").replace(
        "    max: 10\n    start: 8\n", "    max: 10\n    start: 12\n", 1
    )
    bad.write_text(text, encoding="utf-8")
    (tmp_path / "tiktok_2020_article.txt").write_bytes(
        (RULES.parent / "tiktok_2020_article.txt").read_bytes()
    )
    return bad


def test_rules_check_valid_exits_0() -> None:
    """A valid scenario prints a summary and exits 0."""
    result = CliRunner().invoke(main, ["rules", "check", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "valid scenario 'tiktok_2020'" in result.output
    assert "white_house" in result.output and "News deck    21 cards" in result.output


def test_rules_check_invalid_exits_2_and_names_the_field(tmp_path: Path) -> None:
    """An invalid scenario exits 2 and names the field (run as the installed command)."""
    exe = Path(sys.executable).parent / "divest"
    run = subprocess.run(
        [str(exe), "rules", "check", str(_bad_copy(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "tracks.security_risk.start: 12 is above max 10" in run.stderr
    assert "Traceback" not in run.stderr


def test_rules_check_missing_and_broken_files_are_one_line(tmp_path: Path) -> None:
    """A missing file or broken YAML is a one-line error with exit 2."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [oops\n", encoding="utf-8")
    for path in (tmp_path / "missing.yaml", broken):
        result = CliRunner().invoke(main, ["rules", "check", str(path)])
        assert result.exit_code == 2
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert result.output.startswith("error: ")


def test_simulate_json_is_deterministic_and_has_no_timing(tmp_path: Path) -> None:
    """The same seed gives byte-identical JSON, with the documented keys."""
    outputs = []
    for name in ("a.json", "b.json"):
        path = tmp_path / name
        result = CliRunner().invoke(
            main, ["simulate", "--games", "30", "--seed", "3", "--json", str(path)]
        )
        assert result.exit_code == 0, result.output
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert set(data) == {"games", "seed", "outcomes", "scores"}
    assert data["games"] == 30 and sum(data["outcomes"].values()) == 30
    assert set(data["scores"]["bytedance"]) == {"mean", "p10", "p90"}


def test_simulate_rejects_a_bad_flag() -> None:
    """A bad flag value is a usage error (exit 2) that names the flag."""
    result = CliRunner().invoke(main, ["simulate", "--games", "zero"])
    assert result.exit_code == 2
    assert "--games" in result.output


def test_play_tells_a_whole_game() -> None:
    """divest play prints the story of a game from its first news to its outcome."""
    result = CliRunner().invoke(main, ["play", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "NEWS Monday" in result.output
    assert "OUTCOME: " in result.output
    assert "Scores" in result.output


def test_protocol_schema_is_json_for_both_directions() -> None:
    """`divest protocol --schema` prints a JSON Schema of every message, both ways."""
    result = CliRunner().invoke(main, ["protocol", "--schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["protocol"] == 1 and schema["max_frame_bytes"] == 64 * 1024
    client = json.dumps(schema["client_to_server"])
    server = json.dumps(schema["server_to_client"])
    assert all(f'"{t}"' in client for t in ("hello", "create_room", "join", "act", "resume"))
    assert all(f'"{t}"' in server for t in ("welcome", "view", "ack", "error", "timer"))


def test_protocol_schema_has_the_bounds_the_server_checks() -> None:
    """The schema shows end_phase's optional version and the seed's range, as
    docs/PROTOCOL.md describes them."""
    result = CliRunner().invoke(main, ["protocol", "--schema"])
    defs = json.loads(result.output)["client_to_server"]["$defs"]
    assert defs["EndPhase"]["properties"]["version"]["anyOf"][0]["minimum"] == 0
    seed = defs["RoomOptions"]["properties"]["seed"]["anyOf"][0]
    assert seed["minimum"] == 0 and seed["exclusiveMaximum"] == 2**63


def test_protocol_schema_has_the_timeout_action_and_the_host_token() -> None:
    """The schema lists the timeout action (only the server's timer sends it, as
    docs/PROTOCOL.md says) and create_room's host_token."""
    result = CliRunner().invoke(main, ["protocol", "--schema"])
    defs = json.loads(result.output)["client_to_server"]["$defs"]
    assert defs["Timeout"]["properties"]["type"]["const"] == "timeout"
    assert "host_token" in defs["CreateRoom"]["properties"]


def test_simulate_server_with_nothing_listening_fails_fast() -> None:
    """A --server URL where nothing listens is an error at once, not a hang."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"ws://127.0.0.1:{port}"
    result = CliRunner().invoke(main, ["simulate", "--server", url, "--host-token", "x"])
    assert result.exit_code == 1
    assert "nothing answers" in result.output


def test_simulate_server_needs_a_websocket_url() -> None:
    """A --server value that is not ws://HOST:PORT is a usage error naming the flag."""
    result = CliRunner().invoke(main, ["simulate", "--server", "http://example"])
    assert result.exit_code == 2
    assert "--server" in result.output


def test_serve_on_a_port_in_use_says_so(tmp_path: Path) -> None:
    """`divest serve` on a busy port exits 1 with a one-line error, not a traceback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output


def test_room_and_facilitate_on_a_running_server(tmp_path: Path) -> None:
    """`divest room` prints a room code (what students type when the lobby finds the
    server), the full join line, and a facilitator token that `divest facilitate` then
    uses to end the phase; a wrong token is refused."""
    import re

    with serving(tmp_path) as served:
        url = served.url
        host = ["--host-token", served.host_token]
        result = CliRunner().invoke(
            main,
            ["room", "--server", url, *host, "--bot", "cfius=strict", "--negotiate-seconds", "300"],
        )
        assert result.exit_code == 0, result.output
        code = re.search(r"Room ([A-Z0-9]{5}) is open", result.output)
        assert code is not None
        assert re.search(rf"divest join ws://[0-9.]+:{served.port}/{code.group(1)}", result.output)
        assert "Facilitator token" in result.output
        assert f"only type the room code {code.group(1)}" in result.output
        assert f"divest join {code.group(1)})" in result.output
        bad = CliRunner().invoke(main, ["room", "--server", url, *host, "--bot", "cfius=nonsense"])
        assert bad.exit_code == 2 and "not a personality" in bad.output
        timed = CliRunner().invoke(
            main, ["room", "--server", url, *host, "--bots-after", "60", "--resolve-seconds", "30"]
        )
        assert timed.exit_code == 0, timed.output
        never = CliRunner().invoke(main, ["room", "--server", url, *host, "--bots-after", "0"])
        assert never.exit_code == 2 and "--bots-after" in never.output
        token = result.output.split("Facilitator token (keep it to yourself): ")[1].split()[0]
        room_url = f"{url}/{code.group(1)}"
        ended = CliRunner().invoke(main, ["facilitate", room_url, "--token", token, "--end-phase"])
        assert ended.exit_code == 0, ended.output
        assert "government phase" in ended.output and "ended the phase" in ended.output
        logged = CliRunner().invoke(main, ["facilitate", room_url, "--token", token, "--log"])
        assert logged.exit_code == 0, logged.output
        assert "The game so far:" in logged.output
        assert "Time is up for the negotiate phase; White House, " in logged.output
        wrong = CliRunner().invoke(main, ["facilitate", room_url, "--token", "nope"])
        assert wrong.exit_code == 2 and "not valid" in wrong.output


def _join(url: str, room: str, seat: str) -> dict[str, object]:
    """A student's join, on a raw connection: the server's answer."""
    from websockets.sync.client import connect

    with connect(url) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1}))
        ws.recv(5)
        ws.send(json.dumps({"type": "join", "room": room, "seat": seat, "name": "Ann"}))
        answer: dict[str, object] = json.loads(ws.recv(5))
        return answer


def test_facilitate_closes_and_opens_the_seats(tmp_path: Path) -> None:
    """`divest facilitate --lock-seats` closes the seats (a join is then refused) and says
    so; `--open-seats` opens them again; both at once is a usage error. A room made with
    `--lock-seats-after-first-round` closes them when the first negotiation ends."""
    with serving(tmp_path) as served:
        url = served.url
        host = {"DIVEST_HOST_TOKEN": served.host_token}  # from the environment this time
        made = CliRunner().invoke(main, ["room", "--server", url], env=host)
        assert made.exit_code == 0, made.output
        code = made.output.split("Room ")[1].split()[0]
        token = made.output.split("Facilitator token (keep it to yourself): ")[1].split()[0]
        room_url = f"{url}/{code}"
        closed = CliRunner().invoke(
            main, ["facilitate", room_url, "--token", token, "--lock-seats"]
        )
        assert closed.exit_code == 0, closed.output
        assert "Seats: closed" in closed.output and "Done: closed the seats." in closed.output
        refused = _join(url, code, "cfius")
        assert (refused["type"], refused["code"]) == ("error", "seats_locked")
        opened = CliRunner().invoke(
            main, ["facilitate", room_url, "--token", token, "--open-seats"]
        )
        assert opened.exit_code == 0, opened.output
        assert "Seats: open" in opened.output and "Done: opened the seats." in opened.output
        assert _join(url, code, "cfius")["type"] == "joined"
        both = CliRunner().invoke(
            main, ["facilitate", room_url, "--token", token, "--lock-seats", "--open-seats"]
        )
        assert both.exit_code == 2 and "choose one" in both.output
        later = CliRunner().invoke(
            main, ["room", "--server", url, "--lock-seats-after-first-round"], env=host
        )
        code = later.output.split("Room ")[1].split()[0]
        room_url = f"{url}/{code}"
        token = later.output.split("Facilitator token (keep it to yourself): ")[1].split()[0]
        status = CliRunner().invoke(main, ["facilitate", room_url, "--token", token])
        assert "Seats: open" in status.output, status.output
        ended = CliRunner().invoke(main, ["facilitate", room_url, "--token", token, "--end-phase"])
        assert "Seats: closed" in ended.output, ended.output


def _printed_host_token(data: Path) -> tuple[str, str]:
    """Start `divest serve` on ``data``, and stop it once it has printed its host token:
    (what it printed on standard output, its log on standard error)."""
    from tests.cli.serving import free_port

    exe = Path(sys.executable).parent / "divest"
    port = free_port()
    command = [str(exe), "serve", "--port", str(port), "--data", str(data)]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        assert server.stdout is not None
        printed = "".join(server.stdout.readline() for _ in range(3))
    finally:
        server.terminate()
        _, log = server.communicate(timeout=10)
    return printed, log


def test_serve_prints_its_host_token_with_its_address_at_every_start(tmp_path: Path) -> None:
    """`divest serve` prints the teacher's console address (the host token in its fragment),
    the data directory's host token with the server's address and the `divest room` line
    that uses it, on standard output only (never in its log); the
    token is the same after a restart."""
    printed, log = _printed_host_token(tmp_path)
    token = (tmp_path / "host_token").read_text().strip()
    assert f": {token}\n" in printed and "Host token for ws://127.0.0.1:" in printed
    assert "divest room --server ws://127.0.0.1:" in printed and f"--host-token {token}" in printed
    assert re.search(rf"The teacher's console: http://127.0.0.1:\d+/#host={token}\n", printed)
    assert token not in log and "server on ws://127.0.0.1:" in log
    again, _ = _printed_host_token(tmp_path)
    assert token in again


def test_room_needs_the_host_token(tmp_path: Path) -> None:
    """`divest room` without a host token says where it comes from (before connecting);
    with a wrong one the server's refusal is shown; both exit 2 and open nothing."""
    unset: dict[str, str | None] = {"DIVEST_HOST_TOKEN": None}
    with serving(tmp_path) as served:
        none = CliRunner().invoke(main, ["room", "--server", served.url], env=unset)
        assert none.exit_code == 2 and "DIVEST_HOST_TOKEN" in none.output, none.output
        wrong = CliRunner().invoke(main, ["room", "--server", served.url, "--host-token", "x"])
        assert wrong.exit_code == 2 and "not this server's host token" in wrong.output
        simulate = ["simulate", "--server", served.url, "--games", "1"]
        simulated = CliRunner().invoke(main, simulate, env=unset)
        assert simulated.exit_code == 2 and "--host-token" in simulated.output
    with sqlite3.connect(tmp_path / "divestiture.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM rooms").fetchone() == (0,)


def test_serve_limit_names_a_limit(tmp_path: Path) -> None:
    """`divest serve --limit` takes NAME=VALUE; another name is a usage error listing them."""
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path), "--limit", "rooms=9"])
    assert result.exit_code == 2 and "connections_per_address" in result.output
