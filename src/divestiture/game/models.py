"""The base of the rules, actions, records and views: frozen pydantic dataclasses.

Pydantic validates them, and writes and reads their JSON, exactly as it does a
``BaseModel``; they are dataclasses because of how Python reads their fields. A
``BaseModel`` class defines ``__getattr__``, which sends every attribute read on
its instances down CPython's slow path, unspecialised; the engine, the legal moves,
the views and the bots read these fields tens of thousands of times a game (by
valgrind's count, about 420 instructions a read, against about 50). Messages on the
wire stay ``BaseModel`` (``divestiture.server.protocol``) and carry these as fields.

``frozen`` makes a class one; ``Frozen`` gives it the ``BaseModel`` methods the
project calls (``model_validate``, ``model_dump``, ``model_copy``, ...), through a
``TypeAdapter`` made once per class.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self, TypeVar, dataclass_transform

from pydantic import ConfigDict, Field, TypeAdapter
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

T = TypeVar("T")
_CONFIG = ConfigDict(extra="forbid")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(Field,))
def frozen(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen pydantic dataclass that refuses unknown fields.

    Fields are keyword-only, as a ``BaseModel``'s are, so a field with a default may
    come before one without.
    """
    made = dataclass(frozen=True, kw_only=True, config=_CONFIG)(cls)
    _unshadow(made)
    return made  # type: ignore[return-value]


def _unshadow(cls: type) -> None:
    """Take off the class the ``Field(...)`` objects pydantic leaves there.

    A field declared ``name: T = Field(...)`` keeps its ``FieldInfo`` as a class
    attribute, and CPython 3.11 will not specialise a read of an instance attribute
    that a class attribute of a Python-defined class shadows: every read of such a
    field (a term sheet's price, a lever's seats, a bot's traits) took the slow path.
    Pydantic has read the fields by now (``__pydantic_fields__``), and instances hold
    every field in their own ``__dict__``; a field with a default keeps it on the
    class, as a plain dataclass's does.
    """
    for name, value in list(vars(cls).items()):
        if isinstance(value, FieldInfo):
            if value.default is PydanticUndefined:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)


class Frozen:
    """The ``BaseModel`` methods the project uses, for a class made by ``frozen``."""

    @classmethod
    def model_validate(cls, data: object) -> Self:
        return _adapter(cls).validate_python(data)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        return _adapter(cls).validate_json(data)  # type: ignore[no-any-return]

    def model_dump(self, **options: Any) -> dict[str, Any]:
        return _adapter(type(self)).dump_python(self, **options)  # type: ignore[no-any-return]

    def model_dump_json(self, **options: Any) -> str:
        return _adapter(type(self)).dump_json(self, **options).decode()

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with ``update``, validated as a new record is."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the fields, in order."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]


def _adapter(cls: type) -> TypeAdapter[Any]:
    """The class's own TypeAdapter, made on first use and kept on the class."""
    adapter: TypeAdapter[Any] | None = cls.__dict__.get("__adapter__")
    if adapter is None:
        adapter = TypeAdapter(cls)
        type.__setattr__(cls, "__adapter__", adapter)
    return adapter
