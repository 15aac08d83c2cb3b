"""Scores reward the deal a seat struck: over many seeded briefs and terms, a deal worse
than a party's walk-away scores below walking away, a better deal always scores more, and
a buyer in a joint deal is scored on its own share."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from divestiture.game import DEFAULT_SCENARIO, load_scenario, scores
from divestiture.game.actions import Pass, Stake, Terms, UseLever
from divestiture.game.engine import apply, close_now, end_without_deal, start
from divestiture.game.state import GameState
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId
from divestiture.game.valuation import buyer_value, surplus

SC = load_scenario(DEFAULT_SCENARIO)
SELLER = SC.roles.seller
BUYERS = SC.roles.buyers


def _before_the_deal(seed: int, ban: bool) -> GameState:
    """A game at its start, or at its government phase with the ban order signed."""
    state = start(SC, seed).state
    if not ban:
        return state
    while state.phase != "government":
        waiting = next(s for s, st in state.seats.items() if not st.passed)
        state = apply(state, waiting, Pass()).state
    president = SC.roles.president
    return apply(state, president, UseLever(lever=SC.levers_for("ban_order")[0])).state


terms_shapes = st.fixed_dictionaries(
    {
        "buyers": st.sampled_from(
            [
                (Stake(seat=BUYERS[0], percent=100),),
                (Stake(seat=BUYERS[1], percent=100),),
                (Stake(seat=BUYERS[0], percent=60), Stake(seat=BUYERS[1], percent=40)),
                (Stake(seat=BUYERS[0], percent=30), Stake(seat=BUYERS[1], percent=70)),
            ]
        ),
        "scope": st.sampled_from(list(Scope)),
        "algorithm": st.sampled_from(list(Algorithm)),
        "mitigations": st.sets(st.sampled_from(list(Mitigation))),
    }
)


def _terms(shape: dict[str, object], price: int) -> Terms:
    mitigations = shape["mitigations"]
    assert isinstance(mitigations, set)
    return Terms(
        buyers=shape["buyers"],  # type: ignore[arg-type]
        seller_stake=0,
        scope=shape["scope"],  # type: ignore[arg-type]
        price=price,
        algorithm=shape["algorithm"],  # type: ignore[arg-type]
        rounds_to_close=1,
        **{m.value: True for m in mitigations},
    )


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    ban=st.booleans(),
    shape=terms_shapes,
    price=st.integers(1, 150),
)
def test_a_better_deal_scores_more_and_a_worse_one_than_walking_away_less(
    seed: int, ban: bool, shape: dict[str, object], price: int
) -> None:
    """For every party: one $B more for the seller (or less for the buyers) scores strictly
    more, with no cap across the prices a brief makes plausible; and a deal below the
    party's walk-away scores below what it scores with no deal in that game."""
    before = _before_the_deal(seed, ban)
    walked = scores(end_without_deal(before))
    here = scores(close_now(before, _terms(shape, price)))
    dearer = scores(close_now(before, _terms(shape, price + 1)))
    deal_terms = _terms(shape, price)
    for seat in (SELLER, *deal_terms.buyer_seats):
        score = here[seat]
        assert score.surplus is not None and score.walk_away == walked[seat].total
        better = (
            dearer[seat].total > score.total if seat == SELLER else dearer[seat].total < score.total
        )
        assert better, (seat, price, score.total, dearer[seat].total)
        if score.surplus < 0:
            assert score.total < walked[seat].total, (seat, score)
        else:
            assert score.total >= walked[seat].total


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10_000), price=st.integers(5, 80), share=st.integers(10, 90))
def test_a_joint_buyer_is_scored_on_its_own_share(seed: int, price: int, share: int) -> None:
    """In a joint deal each buyer's surplus is its stake's part of what the business is
    worth to it, less its stake's part of the price (capital permitting)."""
    state = start(SC, seed).state
    stakes = (Stake(seat=BUYERS[0], percent=share), Stake(seat=BUYERS[1], percent=100 - share))
    terms = Terms(
        buyers=stakes,
        seller_stake=0,
        scope=Scope.US,
        price=price,
        algorithm=Algorithm.LICENSE,
        rounds_to_close=1,
    )
    final = scores(close_now(state, terms))
    for stake in stakes:
        brief = state.brief(SeatId(stake.seat))
        part = stake.percent / 100
        value = buyer_value(brief, Scope.US, Algorithm.LICENSE, 0)
        capital = brief.get("capital")
        ceiling = min(value, capital / part) if isinstance(capital, float) and capital else value
        expected = part * (ceiling - price)
        assert final[stake.seat].surplus == surplus(SC, brief, stake.seat, terms, False)
        assert abs(expected - surplus(SC, brief, stake.seat, terms, False)) < 1e-9
