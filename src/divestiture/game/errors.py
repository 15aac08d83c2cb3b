"""Errors the engine raises for a refused action; each has a stable ``code``."""

from __future__ import annotations


class GameError(Exception):
    """An action was refused; the state is unchanged."""

    code = "game_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidAction(GameError):
    """The action is malformed or names something that does not exist."""

    code = "invalid_action"


class IllegalAction(GameError):
    """The action is well-formed but the rules do not allow it now."""

    code = "illegal_action"


class NotYourTurn(GameError):
    """The seat may not act now (wrong phase, already passed, or not its power)."""

    code = "not_your_turn"


class StaleVersion(GameError):
    """The action was made against an older state version."""

    code = "stale_version"


class NotStarted(GameError):
    """The facilitator has not started the week yet."""

    code = "not_started"


class Paused(GameError):
    """The facilitator has paused play."""

    code = "paused"


class GameOver(GameError):
    """The game has ended; no more actions are taken."""

    code = "game_over"
