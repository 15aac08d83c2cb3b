"""Divestiture's pure engine: rules as data, state + action -> new state + events."""

from divestiture.game.actions import (
    Action,
    Message,
    Pass,
    Propose,
    Reject,
    Sign,
    Stake,
    Statement,
    Terms,
    Timeout,
    UseLever,
    Withdraw,
    parse_action,
)
from divestiture.game.engine import Step, apply, new_game, replay
from divestiture.game.errors import (
    GameError,
    GameOver,
    IllegalAction,
    InvalidAction,
    NotYourTurn,
    StaleVersion,
)
from divestiture.game.events import Event
from divestiture.game.legal import can_act, legal_actions
from divestiture.game.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario
from divestiture.game.scoring import SeatScore, scores
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, SPECTATOR, Phase, SeatId
from divestiture.game.views import GameView, view_for

__all__ = [
    "DEFAULT_SCENARIO",
    "FACILITATOR",
    "SPECTATOR",
    "Action",
    "Event",
    "GameError",
    "GameOver",
    "GameState",
    "GameView",
    "IllegalAction",
    "InvalidAction",
    "Message",
    "NotYourTurn",
    "Pass",
    "Phase",
    "Propose",
    "Reject",
    "Scenario",
    "ScenarioError",
    "SeatId",
    "SeatScore",
    "Sign",
    "Stake",
    "StaleVersion",
    "Statement",
    "Step",
    "Terms",
    "Timeout",
    "UseLever",
    "Withdraw",
    "apply",
    "can_act",
    "legal_actions",
    "load_scenario",
    "new_game",
    "parse_action",
    "replay",
    "scores",
    "view_for",
]
