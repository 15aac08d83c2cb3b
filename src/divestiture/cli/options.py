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
