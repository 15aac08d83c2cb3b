"""Pydantic records built from values that are valid already, without a second validation.

The engine and the views make many small records per action (a term sheet with a new
status, a feed line, a view of the game) from parts that pydantic has already checked:
the state's own records, validated actions, the rules. Validating them again would
cost more than building them. ``trusted`` builds such a record the way
``model_construct`` does, without its per-field alias and default handling; defaults
are filled from the model's fields. tests/game/test_records.py checks that what it
makes equals the validated model.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def trusted(cls: type[M], fields: dict[str, Any], *, in_order: bool = False) -> M:
    """A ``cls`` of ``fields`` (every value already valid), its defaults filled in.

    The record's fields are put in the model's order (it is the order of its JSON);
    ``in_order`` says ``fields`` has every field in that order already.
    """
    if in_order:
        values = fields
        given = _all_fields(cls)  # frozen models never change it in place; copies copy it
    else:
        values = _template(cls).copy()  # every field in order, defaults filled in
        values.update(fields)
        given = set(fields)
    record = cls.__new__(cls)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", given)
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


_set = object.__setattr__


@cache
def _all_fields(cls: type[BaseModel]) -> set[str]:
    return set(cls.model_fields)


@cache
def _template(cls: type[BaseModel]) -> dict[str, Any]:
    """Every field of ``cls`` in order: its default, or None where it must be given."""
    return {
        name: None if field.is_required() else field.get_default(call_default_factory=True)
        for name, field in cls.model_fields.items()
    }
