"""``divest``: check rules, simulate games, and play."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from divestiture import __version__
from divestiture.cli.analyze import analyze
from divestiture.cli.class_cli import class_group
from divestiture.cli.classroom_cli import facilitate, room, serve
from divestiture.cli.debrief_cli import debrief
from divestiture.cli.options import (
    difficulty_option,
    host_token_option,
    need_host_token,
    scenario_option,
)
from divestiture.game.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario
from divestiture.game.simulation import PlayerFactory, Summary
from divestiture.game.types import SeatId


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="divest")
def main() -> None:
    """Divestiture: negotiate the sale of TikTok's US business, or a ban, before Friday."""


# The classroom server's commands live in cli/classroom_cli.py.
main.add_command(serve)
main.add_command(room)
main.add_command(facilitate)
main.add_command(analyze)
main.add_command(class_group)
main.add_command(debrief)


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as e:
        if len(e.problems) == 1:
            click.echo(f"error: {e.path}: {e.problems[0]}", err=True)
        else:
            click.echo(f"error: {e.path}: {len(e.problems)} problems", err=True)
            for p in e.problems:
                click.echo(f"  {p}", err=True)
        sys.exit(2)


@main.group()
def rules() -> None:
    """Work with scenario rules files."""


@rules.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_SCENARIO)
def rules_check(path: Path) -> None:
    """Validate a rules file and print a summary (exit 2 and every problem if invalid)."""
    from divestiture.cli.rules_report import summary

    scenario = _load(path)
    click.echo(summary(scenario, str(path)))


def _seat_kinds(values: tuple[str, ...]) -> dict[SeatId, str]:
    kinds: dict[SeatId, str] = {}
    for value in values:
        seat, sep, kind = value.partition("=")
        if not sep or not seat or not kind:
            raise click.BadParameter(
                f"'{value}' is not SEAT=KIND (e.g. microsoft=random)", param_hint="'--bot'"
            )
        kinds[SeatId(seat)] = kind
    return kinds


@main.command()
@click.option("--games", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path), help="Write the summary as JSON."
)
@click.option(
    "--bots",
    type=click.Choice(["scripted", "random"]),
    default="scripted",
    show_default=True,
    help="How seats are played: scripted bots (personalities drawn per game) or random moves.",
)
@click.option(
    "--bot",
    multiple=True,
    metavar="SEAT=KIND",
    help="Play one seat another way: scripted, random, or one of its personalities. Repeatable.",
)
@difficulty_option
@click.option(
    "--server",
    "server_url",
    metavar="ws://HOST:PORT",
    help="Play the games on a running server, one websocket per seat.",
)
@click.option(
    "--class",
    "class_code",
    metavar="CODE",
    help="With --server: scripted students join this class (as students do, with its code"
    " and no seat), wait for the teacher to start, and play every table to the end.",
)
@click.option(
    "--students",
    type=click.IntRange(1, 200),
    default=30,
    show_default=True,
    help="With --class: how many students join.",
)
@host_token_option
@scenario_option
def simulate(  # noqa: PLR0917 - one parameter per option
    games: int,
    seed: int,
    json_path: Path | None,
    bots: str,
    bot: tuple[str, ...],
    difficulty: str,
    server_url: str | None,
    class_code: str | None,
    students: int,
    host_token: str | None,
    rules_path: Path,
) -> None:
    """Play GAMES headless games and report outcomes and scores."""
    from divestiture.cli.batch import batch_gc
    from divestiture.cli.report import progress, summary_table
    from divestiture.game.simulation import game_seeds, play_game, player_factory, summarise

    scenario = _load(rules_path)
    try:
        players = player_factory(scenario, bots, _seat_kinds(bot), difficulty)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--bot'") from None
    started = time.perf_counter()
    if class_code is not None:
        if server_url is None:
            raise click.UsageError("--class needs --server ws://HOST:PORT")
        _simulate_class(server_url, class_code, students, seed, players)
        return
    if server_url is not None:
        result, refused = _simulate_remote(
            server_url, scenario, seed, games, players, host_token=host_token
        )
    else:
        records = []
        with batch_gc(), progress(games) as advance:
            for game_seed in game_seeds(seed, games):
                records.append(play_game(scenario, game_seed, players))
                advance()
        result = summarise(scenario, seed, records)
        refused = sum(len(r.refused) for r in records)
    elapsed = time.perf_counter() - started
    summary_table(scenario, result)
    if refused:
        click.echo(
            f"warning: the rules refused {refused} player actions (each became a pass)", err=True
        )
    rate = games / elapsed
    click.echo(
        f"{games} games in {elapsed:.2f} s ({rate:.{0 if rate >= 10 else 1}f} games/s)", err=True
    )
    if json_path is not None:
        json_path.write_text(json.dumps(result.as_json(), indent=2) + "\n", encoding="utf-8")


def _simulate_remote(
    url: str,
    scenario: Scenario,
    seed: int,
    games: int,
    players: dict[SeatId, PlayerFactory],
    *,
    host_token: str | None,
) -> tuple[Summary, int]:
    from divestiture.cli.remote import play_remote_games
    from divestiture.cli.report import progress
    from divestiture.game.simulation import game_seeds, summarise_results
    from divestiture.server.client import Refused, ServerGone

    if not url.startswith(("ws://", "wss://")):
        raise click.BadParameter(f"'{url}' is not ws://HOST:PORT", param_hint="'--server'")
    token = need_host_token(host_token)
    try:
        with progress(games, "games on the server") as advance:
            seeds = game_seeds(seed, games)
            played = play_remote_games(url, scenario, seeds, players, advance, host_token=token)
    except (ServerGone, Refused, ValueError) as e:
        click.echo(f"error: {url}: {e}", err=True)
        sys.exit(1)
    reconnects = sum(g.reconnects for g in played)
    if reconnects:
        click.echo(f"the clients reconnected {reconnects} times and finished", err=True)
    result = summarise_results(scenario, seed, [(g.outcome, g.scores) for g in played])
    return result, sum(g.refused for g in played)


def _simulate_class(
    url: str, code: str, students: int, seed: int, players: dict[SeatId, PlayerFactory]
) -> None:
    """``--class``: students join the class, play, and each table's end is printed."""
    import asyncio

    from divestiture.cli.students import play_class
    from divestiture.server.client import Refused, ServerGone

    if not url.startswith(("ws://", "wss://")):
        raise click.BadParameter(f"'{url}' is not ws://HOST:PORT", param_hint="'--server'")
    click.echo(
        f"{students} students join class {code.upper()};"
        " the week starts when the teacher starts it."
    )
    try:
        result = asyncio.run(play_class(url, code, students, players, seed))
    except (ServerGone, Refused, ValueError) as e:
        click.echo(f"error: {url}: {e}", err=True)
        sys.exit(1)
    for table in result.tables:
        scores = ", ".join(f"{seat} {total:.1f}" for seat, total in table.scores.items())
        click.echo(f"table {table.room}: {table.outcome} ({table.students} students): {scores}")
    if result.removed:
        click.echo(f"{result.removed} students were taken out of their seats by the teacher")
    if result.reconnects:
        click.echo(f"the students reconnected {result.reconnects} times and finished", err=True)


@main.command()
@click.option("--schema", is_flag=True, help="Print the JSON Schema of every message.")
def protocol(schema: bool) -> None:
    """The wire protocol between clients and the server (docs/PROTOCOL.md explains it)."""
    from divestiture.server.protocol import PROTOCOL_VERSION, schema_text

    if schema:
        click.echo(schema_text())
    else:
        click.echo(f"protocol {PROTOCOL_VERSION}; --schema prints the JSON Schema")


@main.command()
@click.option("--seat", help="Your seat (white_house, cfius, bytedance, microsoft, investors).")
@click.option("--seed", type=int, default=None, help="Seed of the game (random if not given).")
@difficulty_option
@click.option("--autoplay", is_flag=True, help="A bot plays your seat through the client.")
@click.option("--headless", is_flag=True, help="No window (SDL's dummy video driver).")
@scenario_option
def solo(  # noqa: PLR0917 - one parameter per option
    seat: str | None,
    seed: int | None,
    difficulty: str,
    autoplay: bool,
    headless: bool,
    rules_path: Path,
) -> None:
    """Play against bots in a window (the lobby first, unless --seat is given)."""
    from divestiture.cli.client_cli import run_solo

    run_solo(
        _load(rules_path),
        seat=seat,
        seed=seed,
        difficulty=difficulty,
        autoplay=autoplay,
        headless=headless,
    )


@main.command()
@click.argument("url")
@click.option(
    "--seat",
    help="The seat to take, or 'any' (your class seats you); the lobby asks if not given.",
)
@click.option("--name", help="Your name at the table.")
@scenario_option
def join(url: str, seat: str | None, name: str | None, rules_path: Path) -> None:
    """Join a classroom game by its class code (or a room's): divest join CODE (the
    server is found on this network), or divest join ws://HOST:PORT/CODE."""
    from divestiture.cli.client_cli import run_join

    run_join(_load(rules_path), url, seat, name)


def _size(value: str) -> tuple[int, int]:
    w, sep, h = value.partition("x")
    if not sep or not w.isdigit() or not h.isdigit() or int(w) < 1024 or int(h) < 700:
        raise click.BadParameter(f"'{value}' is not WIDTHxHEIGHT of at least 1024x700")
    return int(w), int(h)


@main.command()
@click.option("--seat", required=True, help="Whose screen to draw.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--round", "round_no", type=click.IntRange(1, 10), default=2, show_default=True)
@click.option(
    "--screen",
    type=click.Choice(
        ["table", "composer", "brief", "help", "lobby", "end", "waiting", "paused", "moved"]
    ),
    default="table",
    show_default=True,
)
@click.option("--size", default="1280x800", show_default=True, help="WIDTHxHEIGHT")
@click.option(
    "--discovered",
    type=click.IntRange(0, 3),
    default=1,
    show_default=True,
    help="The lobby: how many servers it shows as found on the network (simulated).",
)
@scenario_option
def screenshot(  # noqa: PLR0917 - one parameter per option
    seat: str,
    out: Path,
    seed: int,
    round_no: int,
    screen: str,
    size: str,
    discovered: int,
    rules_path: Path,
) -> None:
    """Draw a screen of a seeded bot game in mid-play to a PNG (no display needed)."""
    from divestiture.cli.client_cli import run_screenshot

    run_screenshot(
        _load(rules_path),
        seat=seat,
        out=out,
        seed=seed,
        round_no=round_no,
        screen=screen,
        size=_size(size),
        discovered=discovered,
    )


@main.command()
@click.option("--seed", type=int, default=None, help="Seed of the game (random if not given).")
@scenario_option
def play(seed: int | None, rules_path: Path) -> None:
    """Play a short game between bots and print its story."""
    import random

    from divestiture.cli.story import tell
    from divestiture.game.simulation import play_game, player_factory

    scenario = _load(rules_path)
    game_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    record = play_game(scenario, game_seed, player_factory(scenario), keep_events=True)
    click.echo(f"Divestiture, seed {game_seed}: {scenario.summary}")
    click.echo(tell(record.state, record.events))
