"""The frozen pydantic dataclasses of game.models: no Field objects left on the class."""

from __future__ import annotations

import pydantic
import pytest
from pydantic import Field
from pydantic.fields import FieldInfo

from divestiture.game.actions import Message, Terms
from divestiture.game.models import Frozen, frozen
from divestiture.game.scenario import Lever, Move


@frozen
class _Sample(Frozen):
    needed: int = Field(ge=1)
    kept: str = Field(default="x", max_length=3)
    plain: int = 0


def test_no_field_info_is_left_on_a_class() -> None:
    """A Field without a default leaves nothing on the class, one with a default its
    default; validation, defaults and JSON work as before."""
    for cls in (_Sample, Terms, Message, Lever, Move):
        assert not any(isinstance(v, FieldInfo) for v in vars(cls).values()), cls
    assert "needed" not in vars(_Sample)
    assert _Sample.kept == "x"
    made = _Sample(needed=2)
    assert (made.needed, made.kept, made.plain) == (2, "x", 0)
    assert _Sample.model_validate_json(made.model_dump_json()) == made
    with pytest.raises(pydantic.ValidationError, match="greater than or equal to 1"):
        _Sample(needed=0)
    with pytest.raises(pydantic.ValidationError, match="at most 3 characters"):
        _Sample(needed=1, kept="long")
    with pytest.raises(pydantic.ValidationError, match="Field required"):
        _Sample.model_validate({})
