"""Every action and every lever mechanic has its rules in one registered place."""

from __future__ import annotations

from typing import get_args

from divestiture.game.actions import Action
from divestiture.game.mechanics import MECHANICS
from divestiture.game.moves import MOVES
from divestiture.game.tags import Mechanic


def test_every_action_type_has_its_rules() -> None:
    """MOVES holds one entry per action in the Action union, under its type tag."""
    (union, _) = get_args(Action)
    tags = {cls.__dataclass_fields__["type"].default for cls in get_args(union)}
    assert set(MOVES) == tags
    assert all(rules.type == tag for tag, rules in MOVES.items())


def test_every_mechanic_a_rules_file_may_name_has_its_rules() -> None:
    """MECHANICS holds one entry per mechanic name the rules format allows."""
    assert set(MECHANICS) == set(get_args(Mechanic))
    assert all(m.name == name for name, m in MECHANICS.items())
