"""``divest serve`` stops in order on Ctrl-C or SIGTERM, on every platform."""

from __future__ import annotations

import asyncio
import signal

import pytest

from divestiture.cli.serve import stop_on_signals


async def test_a_signal_stops_the_server_where_the_loop_takes_no_handlers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without loop signal handlers (as on Windows), SIGTERM still sets the stop event."""
    loop = asyncio.get_running_loop()

    def refuse(*_args: object) -> None:
        raise NotImplementedError

    monkeypatch.setattr(loop, "add_signal_handler", refuse)
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    stop = asyncio.Event()
    try:
        stop_on_signals(stop)
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), 5)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
    assert stop.is_set()


async def test_a_signal_stops_the_server_through_the_loop() -> None:
    """Where the loop takes signal handlers (Linux, macOS), SIGTERM sets the stop event."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    try:
        stop_on_signals(stop)
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), 5)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    assert stop.is_set()
