"""The classroom server's commands: ``serve``, ``room`` and ``facilitate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from divestiture.cli.options import (
    difficulty_option,
    host_token_option,
    made_on_server,
    need_host_token,
    phase_seconds,
    timer_options,
)
from divestiture.game.types import SeatId


def _ipv4(values: tuple[str, ...]) -> tuple[str, ...]:
    import ipaddress

    for value in values:
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise click.BadParameter(
                f"'{value}' is not an IPv4 address (e.g. 192.168.1.255)",
                param_hint="'--announce-to'",
            ) from None
    return values


def _announce_name(value: str | None) -> str:
    from divestiture.server.discovery import MAX_NAME, clean_name

    if value is None:
        return ""
    if not value.strip() or clean_name(value) != value.strip():
        raise click.BadParameter(
            f"a name of 1-{MAX_NAME} characters with no control characters",
            param_hint="'--announce-name'",
        )
    return value.strip()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="0.0.0.0 for a classroom.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where games are stored (default: the platform's user data directory).",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
@click.option(
    "--bot-delay",
    type=click.FloatRange(0, 30),
    default=None,
    help="Seconds between bot moves in every room (default: each room's own option).",
)
@click.option(
    "--no-announce",
    is_flag=True,
    help="Do not announce the server on the local network (students type its address).",
)
@click.option(
    "--announce-port",
    type=click.IntRange(1, 65535),
    help="UDP port of the announcements (default 8766, or DIVEST_DISCOVERY_PORT).",
)
@click.option(
    "--announce-to",
    multiple=True,
    metavar="ADDRESS",
    help="Announce to this IPv4 address instead of each network's broadcast address. Repeatable.",
)
@click.option(
    "--announce-name", help="The name the lobby shows for this server (default: the host name)."
)
@click.option(
    "--limit",
    "limit_settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change one of the per-address limits (docs/PROTOCOL.md lists them), e.g. "
    "connections_per_address=300 for several classes behind one address. Repeatable.",
)
def serve(  # noqa: PLR0917 - one parameter per option
    host: str,
    port: int,
    data_dir: Path | None,
    log_level: str,
    bot_delay: float | None,
    no_announce: bool,
    announce_port: int | None,
    announce_to: tuple[str, ...],
    announce_name: str | None,
    limit_settings: tuple[str, ...],
) -> None:
    """Run the classroom server: rooms, seats, bots, timers; every action stored.

    At start it prints its host token: only that opens rooms (divest room --host-token).
    On a network address (--host 0.0.0.0) it announces itself on the local network
    every 2 s, so the lobby finds it and students only type the room code.
    """
    import logging

    from divestiture.cli.serve import Announce, default_data_dir, run
    from divestiture.server.discovery import discovery_port
    from divestiture.server.limits import Limits

    try:
        limits = Limits().changed(limit_settings)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--limit'") from None

    if announce_port is None:
        try:
            announce_port = discovery_port()
        except ValueError as e:
            raise click.UsageError(str(e)) from None
    announce = Announce(
        enabled=not no_announce,
        port=announce_port,
        to=_ipv4(announce_to),
        name=_announce_name(announce_name),
    )
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S"
    )
    if log_level != "debug":  # our own lines say who connected; the library's would repeat it
        logging.getLogger("websockets").setLevel(logging.WARNING)
    try:
        run(host, port, data_dir or default_data_dir(), bot_delay, announce, limits)
    except OSError as e:
        click.echo(f"error: cannot serve on {host}:{port}: {e.strerror or e}", err=True)
        sys.exit(1)


@click.command()
@click.option("--server", "server_url", default="ws://127.0.0.1:8765", show_default=True)
@click.option("--rounds", type=click.IntRange(1, 10), help="Days before the deadline.")
@click.option("--seed", type=int, help="Decides the briefs and the news (random if not given).")
@click.option(
    "--bot",
    "bot_seats",
    multiple=True,
    metavar="SEAT[=PERSONALITY]",
    help="A bot plays this seat. Repeatable.",
)
@difficulty_option
@timer_options
@click.option(
    "--bots-after",
    type=click.FloatRange(min=1, max=3600),
    metavar="SECONDS",
    help="Seats nobody has joined this long after the room opens are played by bots "
    "(at --difficulty).",
)
@click.option(
    "--lock-seats-after-first-round",
    is_flag=True,
    help="Close the seats when the first day's negotiation ends (no one joins after).",
)
@host_token_option
def room(  # noqa: PLR0917 - one parameter per option
    server_url: str,
    rounds: int | None,
    seed: int | None,
    bot_seats: tuple[str, ...],
    difficulty: str,
    negotiate_seconds: float | None,
    government_seconds: float | None,
    resolve_seconds: float | None,
    bots_after: float | None,
    lock_seats_after_first_round: bool,
    host_token: str | None,
) -> None:
    """Open a room on a running server and print the room code and the facilitator token."""
    from pydantic import ValidationError

    from divestiture.server.client import create_room
    from divestiture.server.protocol import BotSpec, RoomOptions

    try:
        options = RoomOptions(
            rounds=rounds,
            seed=seed,
            bots={
                SeatId(seat): BotSpec(personality=personality or None, difficulty=difficulty)
                for seat, _, personality in (b.partition("=") for b in bot_seats)
            },
            phase_seconds=phase_seconds(negotiate_seconds, government_seconds, resolve_seconds),
            empty_seats_to_bots_after=bots_after,
            empty_seat_bot=BotSpec(difficulty=difficulty),
            lock_seats_after_first_round=lock_seats_after_first_round,
        )
    except ValidationError as e:
        raise click.BadParameter(str(e.errors()[0]["msg"])) from None
    token = need_host_token(host_token)
    made = made_on_server(server_url, create_room(server_url, options, host_token=token))
    code = made.room
    click.echo(f"Room {code} is open on {server_url}.")
    click.echo(
        f"Students on the server's network see it in the lobby's Classroom card and only "
        f"type the room code {code} (or run: divest join {code})."
    )
    click.echo(
        "If the lobby finds no server (some school networks block this, or the server runs "
        "with --no-announce), students use the address:"
    )
    for url in _student_urls(server_url):
        click.echo(f"Students: divest join {url}/{code}")
    click.echo(f"   (or in the lobby's Classroom card: that server, and room code {code})")
    click.echo(f"Facilitator token (keep it to yourself): {made.facilitator_token}")


def _student_urls(server_url: str) -> list[str]:
    """The addresses students should use: this machine's network ones if the teacher
    gave a loopback address (students cannot reach 127.0.0.1)."""
    from urllib.parse import urlsplit

    from divestiture.cli.serve import lan_addresses

    parts = urlsplit(server_url.rstrip("/"))
    if parts.hostname not in ("127.0.0.1", "localhost") or parts.port is None:
        return [server_url.rstrip("/")]
    return [f"{parts.scheme}://{ip}:{parts.port}" for ip in lan_addresses()] or [
        server_url.rstrip("/")
    ]


@click.command()
@click.argument("url")
@click.option("--token", required=True, help="The facilitator token `divest room` printed.")
@click.option("--end-phase", is_flag=True, help="End the current phase: seats still to act pass.")
@click.option("--add-bots", is_flag=True, help="Bots take every seat nobody is in.")
@click.option(
    "--lock-seats", is_flag=True, help="Close the seats: no one can join one from now on."
)
@click.option("--open-seats", is_flag=True, help="Open the seats again.")
@click.option(
    "--log",
    is_flag=True,
    help="Also print the game so far, every line, with each bot's reasons (for the debrief).",
)
def facilitate(  # noqa: PLR0917 - one parameter per option
    url: str,
    token: str,
    end_phase: bool,
    add_bots: bool,
    lock_seats: bool,
    open_seats: bool,
    log: bool,
) -> None:
    """Look at a room as its facilitator (ws://HOST:PORT/ROOM): who is in which seat and
    from where; end a phase, add bots, close or open the seats; the game's log."""
    from divestiture.cli import facilitate as remote
    from divestiture.client.ws import parse_join_url
    from divestiture.server.client import DROPS, Refused

    try:
        server, room_code = parse_join_url(url)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'URL'") from None
    if lock_seats and open_seats:
        raise click.UsageError("--lock-seats and --open-seats: choose one")
    locked = True if lock_seats else False if open_seats else None
    try:
        said = remote.run(
            remote.facilitate(
                server,
                room_code,
                token,
                end_phase=end_phase,
                add_bots=add_bots,
                lock_seats=locked,
                log=log,
            )
        )
        click.echo(said)
    except Refused as e:
        click.echo(f"error: {e.error.message}", err=True)
        sys.exit(2)
    except ValueError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except (TimeoutError, *DROPS) as e:
        click.echo(f"error: no server at {server} ({e or 'nothing answered'})", err=True)
        sys.exit(1)
