"""A small immutable mapping for the frozen game state."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(dict[K, V]):
    """An immutable, hashable dict; ``set`` returns a changed copy.

    A ``dict`` subclass rather than a ``Mapping``: lookups and iteration stay at C
    speed, which matters because the engine and every view read these constantly.
    Every mutating method is blocked.
    """

    # No __init__ of its own: dict's, in C, makes one (and copies) at C speed. The hash
    # is worked out on first use and kept.
    __slots__ = ("_h",)
    _h: int

    if TYPE_CHECKING:

        def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None: ...

    def __hash__(self) -> int:  # type: ignore[override]
        try:
            return self._h
        except AttributeError:
            self._h = hash(frozenset(self.items()))
            return self._h

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"

    def set(self, key: K, value: V) -> FrozenMap[K, V]:
        """A copy with ``key`` set to ``value``."""
        new = FrozenMap(self)
        dict.__setitem__(new, key, value)
        return new

    def update_copy(self, changes: Mapping[K, V]) -> FrozenMap[K, V]:
        """A copy with every key of ``changes`` set."""
        new = FrozenMap(self)
        dict.update(new, changes)
        return new

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("FrozenMap is immutable; use set() for a changed copy")

    __setitem__ = _immutable
    __delitem__ = _immutable
    clear = _immutable
    pop = _immutable
    popitem = _immutable
    setdefault = _immutable
    update = _immutable
    __ior__ = _immutable
