"""Records built from values that are valid already, without a second validation.

The engine and the views make many small records per action (a term sheet with a new
status, a feed line, a view of the game) from parts that pydantic has already checked:
the state's own records, validated actions, the rules. Validating them again would
cost more than building them. ``trusted`` builds such a record (a class made by
``game.models.frozen``) without running its validator; defaults are filled from the
class's fields. tests/game/test_records.py checks that what it makes equals the
validated record.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

T = TypeVar("T")
_set = object.__setattr__


def trusted(cls: type[T], fields: dict[str, Any], *, in_order: bool = False) -> T:
    """A ``cls`` of ``fields`` (every value already valid), its defaults filled in.

    The record's fields are put in the class's order (it is the order of its JSON);
    ``in_order`` says ``fields`` has every field in that order already.
    """
    if in_order:
        values = fields
    else:
        values = _template(cls).copy()  # every field in order, defaults filled in
        values.update(fields)
    record = object.__new__(cls)
    _set(record, "__dict__", values)
    return record


_templates: dict[type, dict[str, Any]] = {}


def _template(cls: type) -> dict[str, Any]:
    """Every field of ``cls`` in order: its default, or None where it must be given."""
    kept = _templates.get(cls)
    if kept is not None:
        return kept
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        default, factory = f.default, f.default_factory
        if isinstance(default, FieldInfo):  # a pydantic ``Field(default=...)``
            default, factory = default.default, default.default_factory
        if default is not dataclasses.MISSING and default is not PydanticUndefined:
            values[f.name] = default
        elif factory is not dataclasses.MISSING and factory is not None:
            values[f.name] = factory()
        else:
            values[f.name] = None
    _templates[cls] = values
    return values
