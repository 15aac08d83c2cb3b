"""A real ``divest serve`` process for the command-line tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from divestiture.server.host import HOST_TOKEN_FILE


@dataclass(frozen=True)
class Served:
    url: str  # ws://127.0.0.1:PORT
    port: int
    process: subprocess.Popen[str]
    host_token: str  # the one it made in its data directory (and prints)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nothing on 127.0.0.1 uses now (TCP, or UDP with SOCK_DGRAM)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(data: Path, *args: str, host: str = "127.0.0.1") -> Iterator[Served]:
    """`divest serve --host HOST ARGS` on a free port with its own data directory, once
    it listens; stopped afterwards. Its stderr is kept on the process for the test."""
    port = free_port()
    exe = Path(sys.executable).parent / "divest"
    cmd = [str(exe), "serve", "--host", host, "--port", str(port), "--data", str(data), *args]
    server = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        token = (data / HOST_TOKEN_FILE).read_text(encoding="ascii").strip()
        yield Served(f"ws://127.0.0.1:{port}", port, server, token)
    finally:
        server.terminate()
        server.wait(10)
