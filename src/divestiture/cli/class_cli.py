"""``divest class open``: open a class of several tables on a running server."""

from __future__ import annotations

import click

from divestiture.cli.options import (
    difficulty_option,
    host_token_option,
    made_on_server,
    need_host_token,
    phase_seconds,
    timer_options,
)


@click.group(name="class")
def class_group() -> None:
    """A class: several tables opened together, one code for the students, one
    facilitator token (the console in the browser shows and controls them all)."""


@class_group.command(name="open")
@click.option("--server", "server_url", default="ws://127.0.0.1:8765", show_default=True)
@click.option(
    "--tables", type=click.IntRange(1, 20), default=6, show_default=True, help="How many tables."
)
@click.option("--rounds", type=click.IntRange(1, 10), help="Days before the deadline.")
@click.option(
    "--seed",
    type=int,
    help="Every table plays the same briefs and news (tables compare well in the debrief);"
    " by default each table draws its own.",
)
@difficulty_option
@timer_options
@host_token_option
@click.option(
    "--start-now",
    is_flag=True,
    help="The week starts at once at every table (by default it waits for the teacher).",
)
def open_class(  # noqa: PLR0917 - one parameter per option
    server_url: str,
    tables: int,
    rounds: int | None,
    seed: int | None,
    difficulty: str,
    negotiate_seconds: float | None,
    government_seconds: float | None,
    resolve_seconds: float | None,
    host_token: str | None,
    start_now: bool,
) -> None:
    """Open a class on a running server: print its code and the facilitator token."""
    from pydantic import ValidationError

    from divestiture.server.client import create_class
    from divestiture.server.protocol import BotSpec, ClassOptions, RoomOptions

    try:
        options = ClassOptions(
            tables=tables,
            room=RoomOptions(
                rounds=rounds,
                seed=seed,
                phase_seconds=phase_seconds(negotiate_seconds, government_seconds, resolve_seconds),
                empty_seat_bot=BotSpec(difficulty=difficulty),
                start="now" if start_now else "teacher",
            ),
        )
    except ValidationError as e:
        raise click.BadParameter(str(e.errors()[0]["msg"])) from None
    token = need_host_token(host_token)
    made = made_on_server(server_url, create_class(server_url, options, host_token=token))
    click.echo(f"Class {made.code} is open on {server_url}: {len(made.tables)} tables")
    click.echo(f"  ({', '.join(made.tables)}).")
    click.echo(
        f"Students type the class code {made.code} and their name, and are seated where the"
        f" class needs them (or run: divest join {made.code})."
    )
    if not start_now:
        click.echo("The week starts when you start it, in the console.")
    click.echo(f"Facilitator token (keep it to yourself): {made.facilitator_token}")
    page = server_url.rstrip("/").replace("ws://", "http://", 1).replace("wss://", "https://", 1)
    fragment = f"class={made.code}&token={made.facilitator_token}"
    click.echo(f"The console (open it in a browser): {page}/#{fragment}")
