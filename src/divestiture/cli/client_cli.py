"""The client's commands: ``solo``, ``join`` and ``screenshot``."""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from divestiture.game.scenario import Scenario
from divestiture.game.types import SeatId

if TYPE_CHECKING:
    from divestiture.client.discover import Heard
    from divestiture.client.intents import JoinRoom
    from divestiture.client.screens.lobby import LobbyDefaults

ANY_SEAT = "any"  # --seat any: the server seats the student (in a class, where it needs them)


def _headless() -> None:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["SDL_AUDIODRIVER"] = "dummy"


def run_solo(
    scenario: Scenario,
    *,
    seat: str | None,
    seed: int | None,
    difficulty: str,
    autoplay: bool,
    headless: bool,
) -> None:
    """Open the window on the lobby, or straight on a solo table when a seat is given."""
    if headless:
        _headless()
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from platformdirs import user_data_path

    from divestiture.client import intents
    from divestiture.client.app import ClientApp
    from divestiture.client.saved import SeatFile
    from divestiture.client.screens.lobby import LobbyDefaults
    from divestiture.game.bots import make_bot

    if autoplay and seat is None:
        seat = random.Random(seed).choice(scenario.seat_ids)
    if seat is not None and seat not in scenario.seat_ids:
        raise click.BadParameter(
            f"'{seat}' is not a seat (choose from {', '.join(scenario.seat_ids)})",
            param_hint="'--seat'",
        )
    game_seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    if autoplay:
        data = Path(tempfile.mkdtemp(prefix="divest-autoplay-"))
        bot_rng = random.Random(f"autoplay:{game_seed}")
        player = lambda: make_bot(scenario, SeatId(str(seat)), bot_rng, None, difficulty)  # noqa: E731
        app = ClientApp(scenario, data_dir=data, bot_delay=0, autoplayer=player)
    else:
        data = user_data_path("divestiture", appauthor=False) / "solo"
        app = ClientApp(scenario, data_dir=data, seats=SeatFile.for_classroom())
    if seat is None:
        app.show_lobby(LobbyDefaults(seat=SeatId(scenario.seat_ids[0]), seed=seed))
    else:
        intents.post(intents.StartSolo(seat, difficulty, (), game_seed))
    code = app.run()
    if autoplay:
        final = app.final
        if final is None:
            click.echo("error: the game did not finish", err=True)
            sys.exit(1)
        view = final.view
        mine = next(s for s in view.scores if s.seat == view.viewer)
        click.echo(f"Seed {game_seed}: you played {view.viewer}. Outcome: {view.outcome_name}.")
        click.echo(f"Your score: {mine.total:.1f} / 100")
        click.echo(app.stats.summary())
    sys.exit(code)


def run_join(scenario: Scenario, url: str, seat: str | None, name: str | None) -> None:
    """Join a class or room, or open the lobby's classroom form prefilled with it. ``url``
    is ws://HOST:PORT/CODE, or a bare code for a server found on the network."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from divestiture.client import intents
    from divestiture.client.app import ClientApp
    from divestiture.client.discover import FIND_SECONDS, find_servers, join_address
    from divestiture.client.saved import SeatFile
    from divestiture.server.discovery import discovery_port

    def find() -> tuple[Heard, ...]:
        try:
            port = discovery_port()
        except ValueError as e:
            raise click.UsageError(str(e)) from None
        click.echo(f"Looking for your teacher's server on this network ({FIND_SECONDS:.0f} s)")
        return find_servers(port=port)

    _check_seat(scenario, seat)
    try:
        url = join_address(url, find, found=lambda heard: click.echo(f"Found {heard.label}"))
        step = join_step(url, seat, name)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'URL'") from None
    except (LookupError, OSError) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    app = ClientApp(scenario, seats=SeatFile.for_classroom())
    if isinstance(step, intents.JoinRoom):
        intents.post(step)
    else:
        app.show_lobby(step)
    sys.exit(app.run())


def _check_seat(scenario: Scenario, seat: str | None) -> None:
    if seat is not None and seat != ANY_SEAT and seat not in scenario.seat_ids:
        choices = ", ".join((ANY_SEAT, *scenario.seat_ids))
        raise click.BadParameter(
            f"'{seat}' is not a seat (choose from {choices})", param_hint="'--seat'"
        )


def join_step(url: str, seat: str | None, name: str | None) -> JoinRoom | LobbyDefaults:
    """What ``divest join`` does first: with a seat (or ``any``) and a name, join at
    once; else open the lobby with the server, code, name and seat filled in (no seat:
    the seat menu on "Any seat", for a class to seat the student).

    Raises:
        ValueError: ``url`` is not ws://HOST:PORT/CODE.
    """
    from divestiture.client.intents import JoinRoom
    from divestiture.client.screens.lobby import LobbyDefaults
    from divestiture.client.ws import parse_join_url

    server, room = parse_join_url(url)
    if seat is not None and name:
        return JoinRoom(url, None if seat == ANY_SEAT else seat, name)
    class_seat = None if seat == ANY_SEAT else seat
    return LobbyDefaults(url=server, room=room, name=name or "", class_seat=class_seat)


def run_screenshot(
    scenario: Scenario,
    *,
    seat: str,
    out: Path,
    seed: int,
    round_no: int,
    screen: str,
    size: tuple[int, int],
    discovered: int = 1,
) -> None:
    """Render one screen of a seeded bot game to a PNG."""
    _headless()
    from divestiture.client.snapshot import render

    if seat not in scenario.seat_ids:
        raise click.BadParameter(
            f"'{seat}' is not a seat (choose from {', '.join(scenario.seat_ids)})",
            param_hint="'--seat'",
        )
    started = time.perf_counter()
    view = render(
        scenario,
        SeatId(seat),
        out,
        seed=seed,
        round_no=round_no,
        screen=screen,
        size=size,
        discovered=discovered,
    )
    took = time.perf_counter() - started
    click.echo(f"wrote {out}: {screen} for {seat}, {view.round_name} ({view.phase}), {took:.1f} s")
