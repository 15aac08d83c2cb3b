"""Options that several ``divest`` commands share."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from divestiture.game.scenario import DEFAULT_SCENARIO

scenario_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_SCENARIO,
    show_default=True,
    help="Scenario rules file.",
)


difficulty_option = click.option(
    "--difficulty",
    type=click.Choice(["easy", "normal", "hard"]),
    default="normal",
    show_default=True,
    help="How well the bots play.",
)


def timer_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--negotiate-seconds``, ``--government-seconds``, ``--resolve-seconds``: the
    phase timers of a room (``phase_seconds`` makes them its option)."""
    for phase, help_text in reversed(
        [
            ("negotiate", "Phase timer."),
            ("government", "Phase timer."),
            ("resolve", "Phase timer (CFIUS's ruling on a signed deal)."),
        ]
    ):
        command = click.option(
            f"--{phase}-seconds", type=click.FloatRange(min=1, max=3600), help=help_text
        )(command)
    return command


def phase_seconds(
    negotiate: float | None, government: float | None, resolve: float | None
) -> dict[str, float]:
    """The timers given, as a room's ``phase_seconds``."""
    timers = {"negotiate": negotiate, "government": government, "resolve": resolve}
    return {phase: seconds for phase, seconds in timers.items() if seconds is not None}


_Made = TypeVar("_Made")
SERVER_WAIT = 15.0  # seconds a command waits for the server to open a room or a class


def made_on_server(server_url: str, opening: Coroutine[Any, Any, _Made]) -> _Made:
    """What the server answered ``opening`` (a room or a class made there); exits 2 when
    the server refused it, 1 when no server answered, saying why."""
    from divestiture.server.client import DROPS, Refused, ServerGone

    try:
        return asyncio.run(asyncio.wait_for(opening, SERVER_WAIT))
    except Refused as e:
        click.echo(f"error: {e.error.message}", err=True)
        sys.exit(2)
    except (ServerGone, ValueError, TimeoutError, *DROPS) as e:
        why = str(e) or f"nothing answered in {SERVER_WAIT:.0f} s"
        click.echo(f"error: no server at {server_url} ({why})", err=True)
        sys.exit(1)


HOST_TOKEN_ENV = "DIVEST_HOST_TOKEN"

host_token_option = click.option(
    "--host-token",
    envvar=HOST_TOKEN_ENV,
    show_envvar=True,
    metavar="TOKEN",
    help="The host token `divest serve` printed at start: only it opens rooms. Setting "
    f"{HOST_TOKEN_ENV} keeps it out of the command line (and the process list).",
)


def need_host_token(token: str | None) -> str:
    """The host token given, or a usage error saying where it comes from."""
    if not token or not token.strip():
        raise click.UsageError(
            "opening a room needs the server's host token, which `divest serve` prints at"
            f" start: --host-token TOKEN, or set {HOST_TOKEN_ENV}"
        )
    return token.strip()
