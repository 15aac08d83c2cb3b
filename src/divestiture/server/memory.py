"""A player's memory, kept to go back to when its decision does not happen.

A bot notes what it did (``done``, ``once``, its queue of words to follow a move)
and draws from its generator as it decides. If the action it chose is then not
taken (the game moved on while it decided, or the store failed), the player
goes back to the copy made before it decided, so it remembers only moves that
happened and decides again as if for the first time.
"""

from __future__ import annotations

import copy
import random
from typing import Any, TypeVar

from pydantic import BaseModel

_P = TypeVar("_P")
_ATOMS = (str, bytes, int, float, complex, bool, type(None), frozenset)


def remember(player: _P) -> _P:
    """A copy of ``player`` that decides exactly as it would have.

    Frozen pydantic models and frozen dataclasses (the scenario, actions, views)
    cannot change, so they are shared, not copied: a player's own state is small,
    the rules it holds are not. Everything else (sets, lists, dicts, generators,
    other objects) is copied deeply.
    """
    fields = getattr(player, "__dict__", None)
    if fields is None:  # a player without instance attributes of its own
        return copy.deepcopy(player)
    twin = copy.copy(player)
    memo: dict[int, Any] = {}
    twin.__dict__.update({k: _copied(v, memo) for k, v in fields.items()})
    return twin


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, _ATOMS) or _frozen(value):
        return value
    if isinstance(value, random.Random):
        twin = random.Random()
        twin.setstate(value.getstate())
        return twin
    if type(value) is list:
        return [_copied(v, memo) for v in value]
    if type(value) is tuple:
        return tuple(_copied(v, memo) for v in value)
    if type(value) is set:
        return set(value)  # members are hashable values
    if type(value) is dict:
        return {k: _copied(v, memo) for k, v in value.items()}
    return copy.deepcopy(value, memo)


def _frozen(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return bool(value.model_config.get("frozen"))
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and bool(params.frozen)
