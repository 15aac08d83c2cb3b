"""What a player remembers from one decision to the next: an immutable value.

A player decides with ``decide(view, memory) -> Decision``: the action, and the memory
to decide with next time. Nothing else is kept between decisions, so a decision that
does not happen (refused, or never stored) is forgotten by keeping the old memory, and
a room restarted after a crash takes each bot's memory from its last stored move.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from pydantic import TypeAdapter

from divestiture.game.actions import Action
from divestiture.game.types import Phase

# random.Random.getstate(): the generator's version, its 625 words, and the pending
# Gaussian value.
RngState = tuple[int, tuple[int, ...], float | None]


@dataclass(frozen=True, slots=True)
class Memory:
    """A player's memory between decisions. Made by the player's own code from values it
    has checked, so it is not validated then (a bot decides a few hundred times a game);
    the store writes it as JSON and validates it when reading it back."""

    rng: RngState  # where the player's seeded generator stands
    bias: float = 0.0  # its misjudgement of prices, drawn once
    phase: tuple[int, Phase] | None = None  # the round and phase that ``done`` is about
    done: frozenset[str] = frozenset()  # what it did this phase
    once: frozenset[str] = frozenset()  # what it did this game
    last_price: tuple[tuple[str, float], ...] = ()  # its last price in each thread
    said_price: tuple[tuple[str, int], ...] = ()  # the last price it named in each thread
    queue: tuple[Action, ...] = ()  # words to follow its last move
    said: frozenset[str] = frozenset()  # the lines it said this game

    def to_json(self) -> str:
        return _ADAPTER.dump_json(self).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> Memory:
        """A stored memory (raises pydantic's ValidationError if it is not one)."""
        return _ADAPTER.validate_json(text)

    @classmethod
    def of(cls, rng: random.Random, bias: float = 0.0) -> Memory:
        """A first memory: the generator as it stands, nothing done or said yet."""
        return cls(rng=rng.getstate(), bias=bias)

    def generator(self) -> random.Random:
        """A generator that goes on from where this memory's stands."""
        rng = random.Random(0)
        rng.setstate(self.rng)
        return rng


_ADAPTER: TypeAdapter[Memory] = TypeAdapter(Memory)


class Decision(NamedTuple):
    """A player's choice: the action, and what it remembers if the action is taken."""

    action: Action
    memory: Memory
