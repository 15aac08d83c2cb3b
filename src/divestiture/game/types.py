"""Small closed vocabularies shared by the rules, the engine and the wire."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, NewType

SeatId = NewType("SeatId", str)
SheetId = NewType("SheetId", str)

SPECTATOR: Literal["spectator"] = "spectator"
FACILITATOR: Literal["facilitator"] = "facilitator"
Viewer = SeatId | Literal["spectator", "facilitator"]


class Phase(StrEnum):
    """The four phases of a round, and the end of the game."""

    NEWS = "news"
    NEGOTIATE = "negotiate"
    GOVERNMENT = "government"
    RESOLVE = "resolve"
    OVER = "over"


class Scope(StrEnum):
    """What part of the business a term sheet covers, smallest first."""

    US = "us"
    US_PLUS = "us_plus"
    GLOBAL = "global"

    @property
    def rank(self) -> int:
        return _SCOPE_ORDER.index(self)


_SCOPE_ORDER = (Scope.US, Scope.US_PLUS, Scope.GLOBAL)


class Algorithm(StrEnum):
    """What happens to the recommendation algorithm in a deal."""

    TRANSFER = "transfer"
    LICENSE = "license"
    EXCLUDED = "excluded"


class Mitigation(StrEnum):
    """The data and governance terms a term sheet can carry (GAME.md, term sheet)."""

    US_STORAGE = "us_storage"
    SOURCE_CODE_REVIEW = "source_code_review"
    US_BOARD_MAJORITY = "us_board_majority"
    SECURITY_COMMITTEE = "security_committee"


class SheetStatus(StrEnum):
    """Where a term sheet stands."""

    OPEN = "open"  # proposed, waiting for signatures
    SIGNED = "signed"  # signed by every party, waiting for CFIUS
    CLEARED = "cleared"
    BLOCKED = "blocked"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    LAPSED = "lapsed"
    CLOSED = "closed"


# An offer or a deal still alive: open, or signed and not yet blocked or closed.
LIVE_STATUSES = frozenset({SheetStatus.OPEN, SheetStatus.SIGNED, SheetStatus.CLEARED})
# A signed deal before the regulator, or cleared by it and not yet closed: one at a time.
PENDING_DEAL = frozenset({SheetStatus.SIGNED, SheetStatus.CLEARED})
BEFORE_CFIUS = PENDING_DEAL  # the name the engine's modules know it by

# Python 3.11's EnumType defines __getattr__, so reading a member off its class
# (``SheetStatus.OPEN``) takes CPython's slow, unspecialised path: about 650
# instructions by valgrind's count, where a module global takes a few. The engine,
# the legal moves and the bots test these members thousands of times a game, so
# they read them from here.
OPEN = SheetStatus.OPEN
NEGOTIATE = Phase.NEGOTIATE
OVER = Phase.OVER


class OutcomeKind(StrEnum):
    """How a game can end; the rules name the outcome classes within each kind."""

    DEAL = "deal"
    BAN = "ban"
    STALEMATE = "stalemate"
