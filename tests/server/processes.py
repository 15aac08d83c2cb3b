"""A real ``divest serve`` process for the tests that kill a server and start it again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from divestiture.server.host import HOST_TOKEN_FILE
from tests.cli.serving import free_port
from tests.server.conftest import HOST_TOKEN

__all__ = ["free_port", "kill_9", "served", "until_listening"]


@contextmanager
def served(port: int, data: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`divest serve` on ``port`` with the data directory ``data``, whose host token is
    HOST_TOKEN (as the tests' servers in this process); stopped on the way out unless the
    test has killed it already."""
    data.mkdir(parents=True, exist_ok=True)
    kept = data / HOST_TOKEN_FILE
    if not kept.exists():
        kept.write_text(HOST_TOKEN + "\n", encoding="ascii")
        kept.chmod(0o600)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "divestiture",
        "serve",
        "--port",
        str(port),
        "--data",
        str(data),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kill_9(process: subprocess.Popen[bytes]) -> None:
    """kill -9, as a crash would stop it, and wait for it to be gone."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


async def until_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise AssertionError("the server did not start")
