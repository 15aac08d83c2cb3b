"""Options that several ``divest`` commands share."""

from __future__ import annotations

from pathlib import Path

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
