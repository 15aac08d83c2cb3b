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

from typing import Any, TypeVar

from pydantic.fields import FieldInfo

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
    if kept is None:
        fields: dict[str, FieldInfo] = cls.__pydantic_fields__  # type: ignore[attr-defined]
        kept = _templates[cls] = {
            name: None if info.is_required() else info.get_default(call_default_factory=True)
            for name, info in fields.items()
        }
    return kept
