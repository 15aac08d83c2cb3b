"""Divestiture's pure engine: rules as data, state + action -> new state + events."""

from game.actions import (
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
from game.engine import Step, apply, new_game, replay
from game.errors import GameError, GameOver, IllegalAction, InvalidAction, NotYourTurn, StaleVersion
from game.events import Event
from game.legal import can_act, legal_actions
from game.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario
from game.scoring import SeatScore, outcome_class, scores
from game.state import GameState
from game.types import FACILITATOR, SPECTATOR, Phase, SeatId
from game.views import GameView, view_for

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
    "outcome_class",
    "parse_action",
    "replay",
    "scores",
    "view_for",
]
