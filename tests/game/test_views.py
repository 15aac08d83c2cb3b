"""Views: assembled from valid parts, equal to validated models, and per viewer."""

from __future__ import annotations

import pytest

from divestiture.game import (
    DEFAULT_SCENARIO,
    FACILITATOR,
    SPECTATOR,
    load_scenario,
    view_for,
    views,
)
from divestiture.game.engine import apply, start
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import SeatId, Viewer
from divestiture.game.views import GameView

SC = load_scenario(DEFAULT_SCENARIO)


@pytest.mark.parametrize("seed", game_seeds(3, 4))
def test_assembled_views_equal_validated_models(seed: int) -> None:
    """Every view, at every step of a game, round-trips through JSON and validation unchanged,
    and has every field of GameView (view_for builds them without validating again)."""
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


def _afresh(state: GameState, seat: SeatId) -> GameView:
    """The seat's view built from nothing kept, leaving what is kept as it was."""
    kept = dict(views._last_seen)
    views._last_seen.clear()
    try:
        return view_for(state, seat)
    finally:
        views._last_seen.clear()
        views._last_seen.update(kept)


@pytest.mark.parametrize("seeds", [game_seeds(5, 2), game_seeds(6, 2)])
def test_continued_views_equal_views_built_afresh(seeds: list[int]) -> None:
    """A seat's view continued from its last one equals one built afresh, at every step of
    two games played side by side, so that views of one game also continue the other's
    (as on a server running several rooms)."""
    games = []
    for seed in seeds:
        record = play_game(SC, seed, player_factory(SC))
        games.append((start(SC, seed).state, list(record.log)))
    checked = 0
    while any(log for _, log in games):
        for i, (state, log) in enumerate(games):
            for seat in state.seats:
                continued = view_for(state, seat)
                assert list(continued.__dict__) == list(GameView.field_names())
                assert continued == _afresh(state, seat)
                checked += 1
            if log:
                actor, action = log.pop(0)
                games[i] = (apply(state, actor, action).state, log)
    assert checked > 200


def test_unknown_viewer_is_refused() -> None:
    """Asking for the view of a seat that is not in the game is an error, not an empty view."""
    with pytest.raises(KeyError):
        view_for(start(SC, 1).state, "congress")  # type: ignore[arg-type]
