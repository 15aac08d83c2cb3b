"""Views: built field by field, valid models, and per viewer."""

from __future__ import annotations

import pytest

from divestiture.game import (
    DEFAULT_SCENARIO,
    FACILITATOR,
    SPECTATOR,
    load_scenario,
    view_for,
)
from divestiture.game.engine import apply, start
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.types import Viewer
from divestiture.game.views import GameView

SC = load_scenario(DEFAULT_SCENARIO)


@pytest.mark.parametrize("seed", game_seeds(3, 4))
def test_views_round_trip_through_json(seed: int) -> None:
    """Every view, at every step of a game, round-trips through JSON and validation
    unchanged, and has every field of GameView."""
    record = play_game(SC, seed, player_factory(SC))
    state = start(SC, seed).state
    for seat, action in record.log:
        viewers: list[Viewer] = [*state.seats, SPECTATOR, FACILITATOR]
        for viewer in viewers:
            view = view_for(state, viewer)
            assert list(view.__dict__) == list(GameView.field_names())
            again = GameView.model_validate_json(view.model_dump_json())
            assert again == view
        state = apply(state, seat, action).state


def test_unknown_viewer_is_refused() -> None:
    """Asking for the view of a seat that is not in the game is an error, not an empty view."""
    with pytest.raises(KeyError):
        view_for(start(SC, 1).state, "congress")  # type: ignore[arg-type]
