"""One small test per rule of the engine, on the default scenario (rules/tiktok_2020.yaml)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from divestiture import game
from divestiture.game import GameError, GameState, Message, Pass, Propose, Scenario, Sign, Stake
from divestiture.game.actions import (
    Announce,
    Note,
    Pause,
    PlayNews,
    Reject,
    StartWeek,
    Statement,
    Terms,
    Timeout,
    UseLever,
    Withdraw,
)
from divestiture.game.moves import title as move_title
from divestiture.game.narration import event_text
from divestiture.game.scoring import toward
from divestiture.game.types import Algorithm, Phase, Scope, SeatId, SheetId, SheetStatus, Viewer
from divestiture.game.valuation import seller_walkaway

SEATS = tuple(SeatId(s) for s in ("white_house", "cfius", "bytedance", "microsoft", "investors"))
WH, CFIUS, BD, MS, INV = SEATS
SEED = 7

MS_ONLY = (Stake(seat=MS, percent=100),)
INV_ONLY = (Stake(seat=INV, percent=100),)
JOINT = (Stake(seat=MS, percent=60), Stake(seat=INV, percent=40))


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sc() -> Scenario:
    return game.load_scenario(game.DEFAULT_SCENARIO)


@pytest.fixture
def g(sc: Scenario) -> GameState:
    return game.new_game(sc, SEED)


def act(state: GameState, seat: str, action: game.Action) -> GameState:
    return game.apply(state, seat, action).state


def lever(name: str, **kw: object) -> UseLever:
    return UseLever.model_validate({"lever": name, **kw})


def terms(**overrides: object) -> Terms:
    """A valid Microsoft-only sheet for the US business, changed by ``overrides``."""
    base = dict(buyers=MS_ONLY, seller_stake=0, scope="us", price=30, algorithm="license")
    return Terms.model_validate({**base, "rounds_to_close": 2, **overrides})


def pass_all(state: GameState) -> GameState:
    """Every seat still waiting passes, which ends the current phase."""
    where = (state.round, state.phase)
    for seat in SEATS:
        if (state.round, state.phase) != where:
            break
        if game.can_act(state, seat):
            state = act(state, seat, Pass())
    assert (state.round, state.phase) != where
    return state


def next_round(state: GameState) -> GameState:
    """Pass through every phase until the next round starts (or the game ends)."""
    start = state.round
    while not state.over and state.round == start:
        state = pass_all(state)
    return state


def finish(state: GameState) -> GameState:
    """Let the facilitator's clock run out until the game ends."""
    while not state.over:
        state = act(state, game.FACILITATOR, Timeout())
    return state


def propose(state: GameState, seat: SeatId, **overrides: object) -> GameState:
    return act(state, seat, Propose(terms=terms(**overrides)))


def signed(state: GameState, buyers: tuple[Stake, ...] = MS_ONLY, **kw: object) -> GameState:
    """The first buyer proposes a sheet and every other party signs it."""
    state = propose(state, buyers[0].seat, buyers=buyers, **kw)
    sheet = state.sheets[-1]
    for party in sorted(set(sheet.parties) - set(sheet.signatures)):
        state = act(state, party, Sign(sheet=sheet.id))
    assert state.sheets[-1].status == SheetStatus.SIGNED
    return state


def to_resolve(state: GameState) -> GameState:
    """From negotiate, everyone passes through the government phase into resolve."""
    state = pass_all(pass_all(state))
    assert state.phase == Phase.RESOLVE
    return state


def refused(state: GameState, seat: str, action: game.Action, code: str) -> GameError:
    """Assert ``action`` raises a GameError subclass with ``code`` and a message naming it."""
    with pytest.raises(GameError) as info:
        game.apply(state, seat, action)
    err = info.value
    assert err.code == code
    assert err.message.startswith(f"{move_title(state.scenario, action)} refused: "), err.message
    return err


def _waiting(state: GameState, seat: SeatId) -> bool:
    return next(s.waiting for s in game.view_for(state, seat).seats if s.id == seat)


def objective(state: GameState, seat: SeatId, label: str) -> float:
    return next(o.value for o in game.scores(state)[seat].objectives if o.label == label)


# --- new game and versions ---------------------------------------------------------------


def test_new_game_starts_round_one_negotiate_with_first_news(g: GameState) -> None:
    """A new game is in round 1, negotiate, after the first card (microsoft_talks: value +1)."""
    assert (g.round, g.phase, g.version, g.deadline) == (1, Phase.NEGOTIATE, 0, 5)
    assert g.news == (("microsoft_talks", 1),)
    assert g.tracks["value"] == 31
    assert all(game.can_act(g, s) for s in SEATS)


def test_same_seed_same_game_other_seed_other_briefs(sc: Scenario) -> None:
    """The seed decides every hidden draw: same seed, same state; another seed, other briefs."""
    assert game.new_game(sc, 11) == game.new_game(sc, 11)
    a, b = game.new_game(sc, 11), game.new_game(sc, 12)
    assert [a.brief(s) for s in SEATS] != [b.brief(s) for s in SEATS]


def test_version_bumps_by_one_per_accepted_action(g: GameState) -> None:
    """Each accepted action adds exactly 1 to the version, even when it ends a phase."""
    states = [g]
    for seat in SEATS:
        states.append(act(states[-1], seat, Pass()))
    assert [s.version for s in states] == [0, 1, 2, 3, 4, 5]
    state = states[-1]
    assert state.phase == Phase.GOVERNMENT


def test_stale_version_is_refused_and_state_unchanged(g: GameState) -> None:
    """An action made against an older version raises StaleVersion; the state is unchanged."""
    state = act(g, WH, Pass(version=0))
    before = state
    refused(state, MS, Pass(version=0), "stale_version")
    assert state == before and state.version == 1
    assert act(state, MS, Pass(version=1)).version == 2


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("seat", ["tiktok_us", "nobody"])
def test_unknown_seat_is_invalid(g: GameState, seat: str) -> None:
    """A seat that is not in the game (or is switched off) gets invalid_action."""
    refused(g, seat, Pass(), "invalid_action")


@pytest.mark.parametrize(
    ("seat", "name", "why"),
    [(MS, "lobby", "does not hold"), (WH, "sign_executive_order", "government phase")],
)
def test_lever_of_another_seat_or_phase_is_not_your_turn(
    g: GameState, seat: SeatId, name: str, why: str
) -> None:
    """A lever the seat does not hold, or a lever of another phase, gets not_your_turn."""
    assert why in refused(g, seat, lever(name), "not_your_turn").message


def test_acting_after_passing_is_not_your_turn(g: GameState) -> None:
    """A seat that passed cannot pass, state or propose again this phase."""
    state = act(g, MS, Pass())
    refused(state, MS, Pass(), "not_your_turn")
    refused(state, MS, Statement(text="hello"), "not_your_turn")
    refused(state, MS, Propose(terms=terms()), "not_your_turn")


def test_any_action_after_game_over_is_refused(g: GameState) -> None:
    """Once the game is over, every action is refused with game_over."""
    state = finish(g)
    refused(state, MS, Pass(), "game_over")
    refused(state, game.FACILITATOR, Timeout(), "game_over")


def test_timeout_only_from_facilitator(g: GameState) -> None:
    """Only the facilitator's clock may send Timeout."""
    refused(g, MS, Timeout(), "not_your_turn")
    refused(g, WH, Timeout(), "not_your_turn")


# --- term sheet validation ------------------------------------------------------------------


def test_stakes_must_sum_to_100() -> None:
    """Stakes plus the seller's stake must add up to 100, checked when Terms is built."""
    with pytest.raises(ValidationError, match="add up to 90"):
        terms(buyers=(Stake(seat=MS, percent=80),), seller_stake=10)
    with pytest.raises(ValidationError, match="price must be above 0"):
        terms(price=0)
    assert terms(buyers=(Stake(seat=MS, percent=80),), seller_stake=20).seller_stake == 20


def test_buyer_must_be_a_buyer_seat(g: GameState) -> None:
    """Only the scenario's buyers (microsoft, investors) can take a stake."""
    bad = terms(buyers=(Stake(seat=MS, percent=50), Stake(seat=CFIUS, percent=50)))
    refused(g, MS, Propose(terms=bad), "invalid_action")


@pytest.mark.parametrize("price", [201, 500])
def test_price_above_max_is_refused(g: GameState, price: int) -> None:
    """A price above term_sheets.price_max (200) is refused."""
    refused(g, MS, Propose(terms=terms(price=price)), "invalid_action")
    assert propose(g, MS, price=200).sheets[-1].terms.price == 200


def test_price_below_min_is_refused(sc: Scenario) -> None:
    """A price below term_sheets.price_min is refused (price_min raised to 10 for the test)."""
    rules = sc.term_sheets.model_copy(update={"price_min": 10})
    state = game.new_game(sc.model_copy(update={"term_sheets": rules}), SEED)
    refused(state, MS, Propose(terms=terms(price=9)), "invalid_action")
    assert propose(state, MS, price=10).sheets[-1].terms.price == 10


def test_rounds_to_close_above_max_is_refused(g: GameState) -> None:
    """rounds_to_close above term_sheets.rounds_to_close_max (5) is refused."""
    refused(g, MS, Propose(terms=terms(rounds_to_close=6)), "invalid_action")
    assert propose(g, MS, rounds_to_close=5).sheets[-1].terms.rounds_to_close == 5


def test_scope_cannot_exceed_what_is_for_sale(g: GameState) -> None:
    """A global sheet is refused until ByteDance puts the global business up for sale."""
    assert g.for_sale == "us_plus"
    refused(g, MS, Propose(terms=terms(scope="global")), "illegal_action")
    assert propose(g, MS, scope="us_plus").sheets[-1].terms.scope == "us_plus"
    state = act(g, BD, lever("put_up_for_sale", option="global"))
    assert state.for_sale == "global"
    assert propose(state, MS, scope="global", price=90).sheets[-1].terms.scope == "global"


def test_proposer_must_be_party_to_the_sheet(g: GameState) -> None:
    """Microsoft cannot propose an investors-only sheet; ByteDance (the seller) can."""
    refused(g, MS, Propose(terms=terms(buyers=INV_ONLY)), "illegal_action")
    assert propose(g, BD, buyers=INV_ONLY).sheets[-1].proposer == BD


def test_max_live_sheets_per_proposer(g: GameState) -> None:
    """A seat may have at most max_live_per_proposer (3) open sheets."""
    state = g
    for price in (25, 26, 27):
        state = propose(state, MS, price=price)
    refused(state, MS, Propose(terms=terms(price=28)), "illegal_action")
    state = act(state, MS, Withdraw(sheet=SheetId("ts-1")))
    assert propose(state, MS, price=28).sheets[-1].id == "ts-4"


# --- the life of a term sheet ---------------------------------------------------------------


def test_proposer_signs_then_other_party_makes_it_signed_and_public(g: GameState) -> None:
    """The proposer signs automatically; the other party's signature makes it public."""
    state = propose(g, MS)
    sheet = state.sheets[0]
    assert (sheet.id, sheet.status, set(sheet.signatures)) == ("ts-1", "open", {MS})
    assert game.view_for(state, game.SPECTATOR).sheets == ()
    assert [s.id for s in game.view_for(state, INV).sheets] == []
    state = act(state, BD, Sign(sheet=SheetId("ts-1")))
    assert state.sheets[0].status == SheetStatus.SIGNED
    assert [s.id for s in game.view_for(state, game.SPECTATOR).sheets] == ["ts-1"]


def test_non_party_cannot_sign(g: GameState) -> None:
    """A seat that is not party to a sheet cannot sign it: a private sheet is unknown to it,
    a public deal is not its own."""
    refused(propose(g, MS), INV, Sign(sheet=SheetId("ts-1")), "invalid_action")
    err = refused(signed(g), INV, Sign(sheet=SheetId("ts-1")), "illegal_action")
    assert "Investors are not party to ts-1" in err.message


def test_signing_twice_is_refused(g: GameState) -> None:
    """A party cannot sign a sheet it has already signed."""
    state = propose(g, MS, buyers=JOINT)
    refused(state, MS, Sign(sheet=SheetId("ts-1")), "illegal_action")
    state = act(state, INV, Sign(sheet=SheetId("ts-1")))
    refused(state, INV, Sign(sheet=SheetId("ts-1")), "illegal_action")


def test_reject_only_by_a_party_other_than_the_proposer(g: GameState) -> None:
    """The other party may reject a sheet ('rejected'); its proposer cannot."""
    state = propose(g, MS)
    refused(state, MS, Reject(sheet=SheetId("ts-1")), "illegal_action")
    assert act(state, BD, Reject(sheet=SheetId("ts-1"))).sheets[0].status == SheetStatus.REJECTED


def test_withdraw_only_by_proposer(g: GameState) -> None:
    """Only the proposer may withdraw a sheet; it becomes 'withdrawn'."""
    state = propose(g, MS)
    refused(state, BD, Withdraw(sheet=SheetId("ts-1")), "illegal_action")
    assert act(state, MS, Withdraw(sheet=SheetId("ts-1"))).sheets[0].status == SheetStatus.WITHDRAWN


def test_counter_supersedes_the_old_sheet(g: GameState) -> None:
    """A Propose with replaces=old marks the old sheet 'superseded'."""
    state = propose(g, MS, price=20)
    state = act(state, BD, Propose(terms=terms(price=35), replaces=SheetId("ts-1")))
    old, new = state.sheets
    assert old.status == SheetStatus.SUPERSEDED
    assert (new.id, new.replaces, new.proposer, new.status) == ("ts-2", "ts-1", BD, "open")


def test_bytedance_cannot_sign_second_sheet_while_one_awaits_cfius(g: GameState) -> None:
    """While one deal is signed, ByteDance cannot sign another sheet."""
    state = signed(propose(g, INV, buyers=INV_ONLY))
    refused(state, BD, Sign(sheet=SheetId("ts-1")), "illegal_action")


def test_bytedance_cannot_get_a_second_signed_sheet_by_proposing(g: GameState) -> None:
    """While one deal is signed, a ByteDance proposal must not become a second signed deal."""
    state = signed(g)
    with pytest.raises(GameError):
        state = propose(state, BD, buyers=INV_ONLY)
        state = act(state, INV, Sign(sheet=SheetId("ts-2")))
    assert [s.status for s in state.sheets].count(SheetStatus.SIGNED) == 1


def test_proposal_reopens_a_party_that_passed(g: GameState) -> None:
    """A new sheet calls its other parties back: a passed ByteDance is waiting again."""
    state = act(act(g, BD, Pass()), INV, Pass())
    assert not _waiting(state, BD)
    state = propose(state, MS)
    assert _waiting(state, BD) and not _waiting(state, INV)


# --- phases and levers ----------------------------------------------------------------------


def test_negotiate_ends_when_all_five_pass(g: GameState) -> None:
    """Negotiate ends only when all five seats have passed; then government starts."""
    state = g
    for seat in SEATS[:-1]:
        state = act(state, seat, Pass())
        assert state.phase == Phase.NEGOTIATE
    state = act(state, SEATS[-1], Pass())
    assert state.phase == Phase.GOVERNMENT


def test_only_white_house_and_cfius_act_in_government(g: GameState) -> None:
    """In government only the White House and CFIUS are waited for."""
    state = pass_all(g)
    assert {s for s in SEATS if game.can_act(state, s)} == {WH, CFIUS}
    refused(state, BD, Pass(), "not_your_turn")
    assert {a.type for a in game.legal_actions(state, MS)} == {"message"}


def test_one_official_lever_per_round(g: GameState) -> None:
    """Each government seat takes at most one official action a round; taking it ends its turn."""
    state = act(pass_all(g), WH, lever("request_briefing"))
    assert not game.can_act(state, WH)
    refused(state, WH, lever("sign_executive_order"), "not_your_turn")
    state = act(state, CFIUS, lever("open_review"))
    assert state.phase != Phase.GOVERNMENT  # both have acted: the phase is over
    state = pass_all(state)  # everyone passes in round 2's negotiation
    assert state.round == 2 and state.phase == Phase.GOVERNMENT
    assert "eo_signed" in act(state, WH, lever("sign_executive_order")).flags


def test_the_official_action_limit_holds_without_ending_the_turn(sc: Scenario) -> None:
    """With a rules file where an official lever does not end the turn, the limit still holds."""
    levers = dict(sc.levers)
    levers["request_briefing"] = levers["request_briefing"].model_copy(update={"ends_turn": False})
    state = pass_all(game.new_game(sc.model_copy(update={"levers": levers}), SEED))
    state = act(state, WH, lever("request_briefing"))
    assert game.can_act(state, WH)
    refused(state, WH, lever("sign_executive_order"), "illegal_action")


def test_once_per_game_lever_cannot_be_used_twice(g: GameState) -> None:
    """sign_executive_order (once: true) is refused the second time, in a later round."""
    state = act(pass_all(g), WH, lever("sign_executive_order"))
    state = pass_all(next_round(state))
    assert state.round == 2 and state.phase == Phase.GOVERNMENT
    refused(state, WH, lever("sign_executive_order"), "illegal_action")


def test_per_round_lever_once_per_round(g: GameState) -> None:
    """lobby (per_round: 1) is refused a second time in a round, allowed in the next."""
    state = act(g, BD, lever("lobby"))
    refused(state, BD, lever("lobby"), "illegal_action")
    assert act(state, INV, lever("lobby")).tracks["heat"] == g.tracks["heat"] - 2
    state = next_round(state)
    heat = state.tracks["heat"]
    assert act(state, BD, lever("lobby")).tracks["heat"] == heat - 1


def test_order_divestiture_requires_open_review(g: GameState) -> None:
    """order_divestiture needs the review_open flag set by open_review."""
    state = pass_all(g)
    err = refused(state, CFIUS, lever("order_divestiture", option="us"), "illegal_action")
    assert "needs “Open the CFIUS review” first" in err.message
    state = act(state, CFIUS, lever("open_review"))
    assert "review_open" in state.flags and state.tracks["ban_pressure"] == 1
    state = pass_all(next_round(state))
    state = act(state, CFIUS, lever("order_divestiture", option="us"))
    assert state.divestiture_scope == "us" and state.tracks["ban_pressure"] == 2


def test_entity_list_requires_executive_order(g: GameState) -> None:
    """add_entity_list needs eo_signed first; it then sets ban_pressure to 4."""
    state = pass_all(g)
    err = refused(state, WH, lever("add_entity_list"), "illegal_action")
    assert "needs “Sign the IEEPA executive order” first" in err.message
    state = pass_all(next_round(act(state, WH, lever("sign_executive_order"))))
    state = act(state, WH, lever("add_entity_list"))
    assert state.tracks["ban_pressure"] == 4 and "entity_listed" in state.flags


def test_executive_order_effects(g: GameState) -> None:
    """sign_executive_order: ban_pressure at least 3, value -6, backlash +3, heat -3, eo_signed."""
    state = act(pass_all(g), WH, lever("sign_executive_order"))
    t = state.tracks
    assert (t["ban_pressure"], t["value"], t["backlash"], t["heat"]) == (3, 25, 5, 2)
    assert t["security_risk"] == 8 and "eo_signed" in state.flags


def test_effects_clamp_to_track_bounds(g: GameState) -> None:
    """Track changes clamp to the track's min: heat 2 - 3 gives 0, not -1."""
    state = act(g, BD, lever("lobby"))
    state = act(state, INV, lever("lobby"))
    state = act(state, BD, lever("disclose_algorithm"))
    assert state.tracks["heat"] == 2
    state = act(pass_all(state), WH, lever("sign_executive_order"))
    assert state.tracks["heat"] == 0


# --- resolve --------------------------------------------------------------------------------


def test_signed_sheet_makes_cfius_act_in_resolve(g: GameState) -> None:
    """With a signed sheet, resolve waits for CFIUS (and only CFIUS)."""
    state = to_resolve(signed(g))
    assert {s for s in SEATS if game.can_act(state, s)} == {CFIUS}


@pytest.mark.parametrize("us_storage", [False, True])
def test_clear_needs_required_mitigations(g: GameState, us_storage: bool) -> None:
    """CFIUS cannot clear a sheet that lacks the mitigations it set with set_mitigations."""
    state = next_round(act(pass_all(g), CFIUS, lever("open_review")))
    state = pass_all(signed(state, us_storage=us_storage))
    state = pass_all(act(state, CFIUS, lever("set_mitigations", mitigations=["us_storage"])))
    # The public feed names the requirement as players read it (rules: mitigation_names).
    assert any(f.text == "CFIUS: Set mitigation requirements (US data storage)" for f in state.feed)
    assert state.phase == Phase.RESOLVE and state.required_mitigations == {"us_storage"}
    clear = lever("clear_deal", sheet=SheetId("ts-1"))
    if us_storage:
        assert act(state, CFIUS, clear).sheets[0].status == SheetStatus.CLOSED
    else:
        err = refused(state, CFIUS, clear, "illegal_action")
        assert "lacks the required US data storage" in err.message


@pytest.mark.parametrize("order", ["us", "global"])
def test_clear_needs_the_ordered_divestiture_scope(g: GameState, order: str) -> None:
    """A 'us' sheet can be cleared after a 'us' divestiture order, not after a 'global' one."""
    state = next_round(act(pass_all(g), CFIUS, lever("open_review")))
    state = pass_all(signed(state))
    state = pass_all(act(state, CFIUS, lever("order_divestiture", option=order)))
    assert state.phase == Phase.RESOLVE and state.divestiture_scope == order
    clear = lever("clear_deal", sheet=SheetId("ts-1"))
    if order == "us":
        assert act(state, CFIUS, clear).sheets[0].status == SheetStatus.CLOSED
    else:
        err = refused(state, CFIUS, clear, "illegal_action")
        assert "ordered for the global business" in err.message


@pytest.mark.parametrize(
    ("buyers", "outcome"),
    [(MS_ONLY, "deal_microsoft"), (INV_ONLY, "deal_investors"), (JOINT, "joint_deal")],
)
def test_cleared_deal_closes_with_outcome_by_buyers(
    g: GameState, buyers: tuple[Stake, ...], outcome: str
) -> None:
    """A cleared, unopposed deal closes at once and ends the game; the buyer set names the
    outcome. (Clearing ends CFIUS's turn, which ends the resolve phase.)"""
    state = to_resolve(signed(g, buyers=buyers))
    state = act(state, CFIUS, lever("clear_deal", sheet=SheetId("ts-1")))
    assert state.over and state.outcome == outcome
    assert state.outcome == outcome
    assert (state.closed_sheet, state.sheets[0].status) == ("ts-1", SheetStatus.CLOSED)


def test_opposed_cleared_deal_does_not_close(g: GameState) -> None:
    """A deal the White House opposed stays cleared and the game goes on."""
    state = pass_all(signed(g))
    state = act(state, WH, lever("oppose_deal", sheet=SheetId("ts-1")))
    state = act(pass_all(state), CFIUS, lever("clear_deal", sheet=SheetId("ts-1")))
    assert not state.over and state.outcome is None
    assert (state.round, state.sheets[0].status) == (2, SheetStatus.CLEARED)
    assert "ts-1" in state.opposed


def test_bytedance_cannot_sign_while_a_deal_is_cleared(g: GameState) -> None:
    """A cleared (opposed) deal still blocks ByteDance from signing another sheet."""
    state = pass_all(signed(g))
    state = act(state, WH, lever("oppose_deal", sheet=SheetId("ts-1")))
    state = act(pass_all(state), CFIUS, lever("clear_deal", sheet=SheetId("ts-1")))
    state = propose(state, INV, buyers=INV_ONLY)
    refused(state, BD, Sign(sheet=SheetId("ts-2")), "illegal_action")


def test_blocked_sheet_is_blocked(g: GameState) -> None:
    """block_deal marks the sheet 'blocked', costs 1 value, and the game goes on."""
    state = to_resolve(signed(g))
    value = state.tracks["value"]
    step = game.apply(state, CFIUS, lever("block_deal", sheet=SheetId("ts-1")))
    assert step.state.sheets[0].status == SheetStatus.BLOCKED
    moved = next(event_text(state.scenario, e.data) for e in step.events if e.kind == "tracks")
    assert f"TikTok US value {value} -> {value - 1}" in moved
    # Blocking ends CFIUS's turn, so the round ends and the game goes on.
    assert step.state.round == 2 and not step.state.over


# --- deadline, lapsing, timeout, drift ------------------------------------------------------


def test_deadline_without_order_is_stalemate(g: GameState) -> None:
    """After 5 rounds with no deal and no executive order the game ends in stalemate."""
    state = g
    for _ in range(4):
        state = next_round(state)
    assert (state.round, state.over) == (5, False)
    state = next_round(state)
    assert state.over and state.outcome == "stalemate" and state.round == 5


def test_deadline_with_order_is_ban(g: GameState) -> None:
    """After 5 rounds with no deal and eo_signed the game ends in a ban."""
    state = finish(act(pass_all(g), WH, lever("sign_executive_order")))
    assert state.outcome == "ban" and state.round == 5
    assert state.tracks["value"] == 5


def test_extend_deadline_once(g: GameState) -> None:
    """extend_deadline moves the deadline 5 -> 6, once per game."""
    state = act(pass_all(g), WH, lever("extend_deadline"))
    assert state.deadline == 6
    state = pass_all(next_round(state))
    refused(state, WH, lever("extend_deadline"), "illegal_action")
    state = finish(state)
    assert state.outcome == "stalemate" and state.round == 6


def test_open_sheets_lapse_after_rounds_to_close(g: GameState) -> None:
    """An unsigned sheet lapses at the end of round_proposed + rounds_to_close - 1."""
    state = propose(propose(g, MS, rounds_to_close=1), MS, rounds_to_close=2)
    state = next_round(state)
    assert [s.status for s in state.sheets] == [SheetStatus.LAPSED, SheetStatus.OPEN]
    state = next_round(state)
    assert [s.status for s in state.sheets] == [SheetStatus.LAPSED, SheetStatus.LAPSED]


def test_timeout_passes_every_waiting_seat(g: GameState) -> None:
    """The facilitator's Timeout passes every waiting seat and ends the phase."""
    state = act(g, MS, Pass())
    step = game.apply(state, game.FACILITATOR, Timeout())
    assert step.state.phase == Phase.GOVERNMENT
    assert step.state.version == state.version + 1
    timeout = next(e for e in step.events if e.kind == "timeout")
    # Named as players read them, not by id.
    text = event_text(state.scenario, timeout.data)
    assert "Microsoft" not in text and "ByteDance, " in text
    assert text.startswith("Time is up for the negotiate phase; White House, ")
    state = act(step.state, game.FACILITATOR, Timeout())
    assert (state.round, state.phase) == (2, Phase.NEGOTIATE)


@pytest.mark.parametrize("seed", range(1, 13))
def test_heat_drifts_up_by_one_each_round(sc: Scenario, seed: int) -> None:
    """At the end of a round heat rises by 1, then round 2's news card moves it by its effect."""
    state = game.new_game(sc, seed)
    heat_before = state.tracks["heat"]
    state = next_round(state)
    card = next(c for c in sc.news.cards if c.id == state.news[1][0])
    change = card.effects.tracks.get("heat")
    expected = heat_before + 1 + (change.add or 0 if change else 0)
    assert state.tracks["heat"] == max(0, min(10, expected))


# --- messages -------------------------------------------------------------------------------


def test_private_message_seen_only_by_its_parties(g: GameState) -> None:
    """A message is seen by its sender, its recipients and the facilitator, nobody else."""
    state = act(g, MS, Message(to=(BD,), text="Let's talk price."))
    for viewer in (MS, BD, game.FACILITATOR):
        assert [m.text for m in game.view_for(state, viewer).messages] == ["Let's talk price."]
    for other in (WH, CFIUS, INV, game.SPECTATOR):
        assert game.view_for(state, other).messages == ()


def test_cannot_message_yourself(g: GameState) -> None:
    """A seat cannot send a message to itself."""
    refused(g, MS, Message(to=(MS,), text="note to self"), "invalid_action")


def test_message_length_limit(sc: Scenario, g: GameState) -> None:
    """A message longer than message_max_chars (500) is refused."""
    limit = sc.term_sheets.message_max_chars
    too_long = Message(to=(BD,), text="x" * (limit + 1))
    refused(g, MS, too_long, "invalid_action")
    assert len(act(g, MS, Message(to=(BD,), text="x" * limit)).messages) == 1


def test_messages_per_phase_limit(sc: Scenario, g: GameState) -> None:
    """A seat may send at most messages_per_phase (12) messages in a phase."""
    state = g
    for i in range(sc.rounds.messages_per_phase):
        state = act(state, MS, Message(to=(BD,), text=f"message {i}"))
    refused(state, MS, Message(to=(BD,), text="one more"), "illegal_action")
    assert act(state, INV, Message(to=(BD,), text="mine")).messages[-1].sender == INV


def test_statements_per_phase_limit(sc: Scenario, g: GameState) -> None:
    """A seat may make at most statements_per_phase (3) public statements in a phase; the
    count starts again in the next negotiation."""
    state = g
    for i in range(sc.rounds.statements_per_phase):
        state = act(state, MS, Statement(text=f"statement {i}"))
    err = refused(state, MS, Statement(text="one more"), "illegal_action")
    assert "3 public statements" in err.message
    assert act(state, BD, Statement(text="mine")).feed[-1].seat == BD
    later = next_round(state)
    assert act(later, MS, Statement(text="a new day")).feed[-1].text.endswith('"a new day"')


def test_refusals_do_not_tell_of_private_sheets(g: GameState) -> None:
    """A seat that is not party to a private sheet is answered as if it did not exist: the
    refusal says neither that it exists nor how it stands."""
    state = propose(g, MS)  # ts-1: Microsoft and ByteDance only
    state = act(state, MS, Withdraw(sheet=SheetId("ts-1")))
    for sheet_id in ("ts-1", "ts-9"):
        err = refused(state, INV, Sign(sheet=SheetId(sheet_id)), "invalid_action")
        assert err.message.endswith(f"there is no term sheet '{sheet_id}'")
        counter = Propose(terms=terms(buyers=INV_ONLY), replaces=SheetId(sheet_id))
        err = refused(state, INV, counter, "invalid_action")
        assert err.message.endswith(f"there is no term sheet '{sheet_id}'")
    state = pass_all(state)  # into the government phase
    err = refused(state, WH, lever("endorse_deal", sheet=SheetId("ts-1")), "invalid_action")
    assert err.message.endswith("there is no term sheet 'ts-1'")
    # Its parties are still told how it stands.
    err = refused(g.evolve(sheets=state.sheets), BD, Sign(sheet=SheetId("ts-1")), "illegal_action")
    assert "withdrawn" in err.message


# --- due diligence --------------------------------------------------------------------------


def test_due_diligence_note_is_private_and_ends_turn(g: GameState) -> None:
    """Only the acting seat gets the due-diligence note, and it then counts as passed."""
    state = act(g, MS, lever("due_diligence"))
    assert len(game.view_for(state, MS).notes) == 1
    for other in (BD, INV, WH, CFIUS, game.SPECTATOR):
        assert game.view_for(state, other).notes == ()
    assert not any("Due diligence" in f.text for f in state.feed)
    assert not game.can_act(state, MS) and not _waiting(state, MS)


def test_due_diligence_is_not_undone_by_a_new_offer(g: GameState) -> None:
    """Due diligence costs the rest of the phase: an offer naming the buyer does not reopen it."""
    state = act(g, MS, lever("due_diligence"))
    state = propose(state, BD)
    assert not game.can_act(state, MS)
    refused(state, MS, Sign(sheet=state.sheets[-1].id), "not_your_turn")


def test_a_sheet_wider_than_what_is_for_sale_cannot_be_signed(g: GameState) -> None:
    """When ByteDance narrows what is for sale, open sheets beyond it can no longer be signed."""
    state = propose(g, MS, scope="us_plus")
    state = act(state, BD, lever("put_up_for_sale", option="us"))
    err = refused(state, BD, Sign(sheet=state.sheets[-1].id), "illegal_action")
    assert "no longer for sale" in err.message


@pytest.mark.parametrize("seed", range(1, 9))
def test_due_diligence_range_contains_reservation(sc: Scenario, seed: int) -> None:
    """The estimated range contains ByteDance's true reservation_us."""
    state = act(game.new_game(sc, seed), INV, lever("due_diligence"))
    (finding,) = state.seats[INV].findings
    low, high = finding.low, finding.high
    assert high - low == sc.due_diligence.noise
    assert low <= state.number(BD, "reservation_us") <= high


# --- views ----------------------------------------------------------------------------------


def test_seat_view_has_only_its_own_brief(g: GameState) -> None:
    """A seat sees its own brief only, no other briefs and no seed, until the game is over."""
    for seat in SEATS:
        view = game.view_for(g, seat)
        assert view.brief is not None and view.brief.seat == seat
        assert view.brief.values == dict(g.brief(seat))
        assert view.briefs == () and view.seed is None and view.scores == ()


def test_facilitator_sees_all_briefs_and_seed(g: GameState) -> None:
    """The facilitator sees every brief and the seed; a spectator sees neither."""
    view = game.view_for(g, game.FACILITATOR)
    assert {b.seat for b in view.briefs} == set(SEATS) and view.seed == SEED
    spectator = game.view_for(g, game.SPECTATOR)
    assert spectator.briefs == () and spectator.brief is None and spectator.seed is None


def test_after_game_over_every_view_reveals_all(g: GameState) -> None:
    """After the end every view has all briefs, the scores and the real timeline."""
    state = finish(g)
    viewers: list[Viewer] = [*SEATS, game.SPECTATOR]
    for viewer in viewers:
        view = game.view_for(state, viewer)
        assert {b.seat for b in view.briefs} == set(SEATS)
        assert {s.seat for s in view.scores} == set(SEATS)
        assert len(view.timeline) == len(state.scenario.timeline) > 0
        assert view.outcome == "stalemate"


# --- scoring --------------------------------------------------------------------------------


def _closed_deal(state: GameState, price: int) -> GameState:
    state = to_resolve(signed(state, price=price))
    return act(state, CFIUS, lever("clear_deal", sheet=SheetId("ts-1")))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scores_within_0_and_100(sc: Scenario, seed: int) -> None:
    """Every seat's total is within 0..100, in a deal, a ban, a stalemate and mid-game."""
    g = game.new_game(sc, seed)
    ban = finish(act(pass_all(g), WH, lever("sign_executive_order")))
    for state in (g, finish(g), ban, _closed_deal(g, 60), _closed_deal(g, 1)):
        for score in game.scores(state).values():
            assert 0 <= score.total <= 100


def test_a_deal_party_scores_its_walk_away_moved_by_its_surplus(g: GameState) -> None:
    """ByteDance's score for a deal is its score with no deal (a stalemate here), moved
    towards 100 by the deal's price over its walk-away: half way at the rules' half."""
    state = _closed_deal(g, 30)
    score = game.scores(state)[BD]
    stalemate = game.scores(finish(g))[BD].total
    assert score.walk_away == stalemate
    walkaway = seller_walkaway(g.scenario, state.brief(BD), Scope.US, Algorithm.LICENSE)
    assert score.surplus == pytest.approx(30 - walkaway)
    share = toward(30 - walkaway, g.scenario.deal_utility.half[BD])
    assert score.total == pytest.approx(stalemate + (100 - stalemate) * share, abs=0.01)


def test_a_ban_scores_what_the_rules_say(g: GameState) -> None:
    """A ban scores ByteDance's 'Avoid a ban' objective low; a stalemate what the rules say."""
    ban = finish(act(pass_all(g), WH, lever("sign_executive_order")))
    spec = next(o for o in g.scenario.scoring[BD] if o.label == "Avoid a ban")
    assert objective(ban, BD, "Avoid a ban") == spec.by_outcome["ban"]
    assert spec.by_outcome["ban"] < spec.by_outcome["stalemate"] < 1
    assert objective(finish(g), BD, "Avoid a ban") == spec.by_outcome["stalemate"]


# --- replay ---------------------------------------------------------------------------------


def test_replay_of_a_log_equals_the_live_state(sc: Scenario, g: GameState) -> None:
    """game.replay(scenario, seed, log) rebuilds exactly the live state."""
    log: list[tuple[str, game.Action]] = [
        (MS, lever("due_diligence")),
        (INV, Propose(terms=terms(buyers=INV_ONLY, price=22))),
        (BD, Message(to=(INV,), text="Too low.")),
        (BD, Propose(terms=terms(buyers=INV_ONLY, price=27), replaces=SheetId("ts-1"))),
        (INV, Sign(sheet=SheetId("ts-2"))),
        (game.FACILITATOR, Timeout()),
        (WH, lever("endorse_deal", sheet=SheetId("ts-2"))),
        (CFIUS, Pass()),
        (CFIUS, lever("clear_deal", sheet=SheetId("ts-2"))),
    ]
    state = g
    for seat, action in log:
        state = act(state, seat, action)
    assert state.outcome == "deal_investors"
    assert game.replay(sc, SEED, log) == state


# --- what a seat is told of sheets that are not its own ------------------------------------


def test_a_counter_that_brings_in_a_party_does_not_tell_it_what_it_counters(g: GameState) -> None:
    """ByteDance counters the investors' offer with a joint sheet: Microsoft hears of a new
    sheet, never of the one between ByteDance and the investors, in the event or its view."""
    state = propose(g, INV, buyers=INV_ONLY)
    step = game.apply(state, BD, Propose(terms=terms(buyers=JOINT), replaces=SheetId("ts-1")))
    told = [e for e in step.events if e.kind == "proposed" and e.visible(MS)]
    assert len(told) == 1 and told[0].data.replaces is None  # type: ignore[union-attr]
    assert "ts-1" not in event_text(g.scenario, told[0].data)
    others = [e for e in step.events if e.kind == "proposed" and e.visible(INV)]
    assert [e.data.replaces for e in others] == ["ts-1"]  # type: ignore[union-attr]
    assert game.view_for(step.state, MS).sheets[-1].replaces is None
    assert game.view_for(step.state, INV).sheets[-1].replaces == "ts-1"


def test_a_lever_refuses_a_parameter_it_does_not_take(g: GameState) -> None:
    """Lobbying takes no sheet: naming one is refused, so it cannot go on the public feed."""
    state = propose(g, INV, buyers=INV_ONLY)
    err = refused(state, BD, lever("lobby", sheet=SheetId("ts-1")), "invalid_action")
    assert "it takes no sheet" in err.message


# --- an absent seat, and the facilitator's controls ------------------------------------------


def test_an_absent_cfius_clears_a_deal_that_meets_its_requirements(g: GameState) -> None:
    """When the resolve timer runs out on a signed deal, an absent CFIUS clears it if it
    carries the requirements CFIUS published and covers any ordered scope: it closes."""
    state = to_resolve(signed(g))
    state = act(state, game.FACILITATOR, Timeout())
    assert state.over and state.outcome == "deal_microsoft"


def test_an_absent_cfius_blocks_a_deal_that_misses_a_requirement(sc: Scenario) -> None:
    """A deal without a safeguard CFIUS published is blocked by an absent CFIUS, so the
    seller is free to make another deal the same week."""
    state = game.new_game(sc, SEED)
    state = pass_all(state)  # into government
    state = act(state, CFIUS, lever("open_review"))
    state = act(next_round(state), MS, Pass())
    state = pass_all(state)
    state = act(state, CFIUS, lever("set_mitigations", mitigations=("us_storage",)))
    state = next_round(state)
    state = to_resolve(signed(state, us_storage=False))
    state = act(state, game.FACILITATOR, Timeout())
    assert state.sheets[-1].status == SheetStatus.BLOCKED and not state.over


def test_before_the_week_starts_and_while_paused_no_seat_acts(sc: Scenario) -> None:
    """A game waiting for its facilitator refuses every seat's action (not_started); once
    started, a pause refuses them (paused) and changes nothing, until play resumes."""
    waiting = game.new_game(sc, SEED).evolve(started=False)
    refused(waiting, MS, Pass(), "not_started")
    refused(waiting, game.FACILITATOR, Timeout(), "not_started")
    started = act(waiting, game.FACILITATOR, StartWeek())
    assert started.started and game.can_act(started, MS)
    paused = act(started, game.FACILITATOR, Pause())
    refused(paused, MS, Pass(), "paused")
    refused(paused, MS, Message(to=(BD,), text="hello"), "paused")
    resumed = act(paused, game.FACILITATOR, Pause(paused=False))
    act(resumed, MS, Pass())


def test_only_the_facilitator_controls_play(g: GameState) -> None:
    """A seat cannot start, pause, announce, read out news or note."""
    for control in (StartWeek(), Pause(), Announce(text="x"), PlayNews(), Note(text="x")):
        refused(g, MS, control, "not_your_turn")


def test_an_announcement_goes_on_the_feed_as_the_facilitators(g: GameState) -> None:
    """A facilitator's announcement is a public feed line marked as the facilitator's."""
    state = act(g, game.FACILITATOR, Announce(text="Ten minutes left today."))
    assert state.feed[-1].kind == "facilitator"
    assert state.feed[-1].text == "Facilitator: Ten minutes left today."


def test_news_read_out_now_comes_off_the_deck_with_its_effects(g: GameState) -> None:
    """PlayNews reads out the deck's next card now (or a named one still in it), with its
    effects, and dates it with the round; a card already read out is refused."""
    card = g.deck[0]
    state = act(g, game.FACILITATOR, PlayNews())
    assert state.news[-1] == (card, 1) and card not in state.deck
    named = state.deck[3]
    state = act(state, game.FACILITATOR, PlayNews(card=named))
    assert state.news[-1] == (named, 1)
    refused(state, game.FACILITATOR, PlayNews(card=named), "illegal_action")
    refused(state, game.FACILITATOR, PlayNews(card="no_such_card"), "invalid_action")


def test_a_note_changes_nothing_but_the_version_and_is_the_facilitators_alone(
    g: GameState,
) -> None:
    """A note of a room's control is logged and seen by the facilitator only."""
    step = game.apply(g, game.FACILITATOR, Note(text="Ann moved to table 2"))
    assert step.state.version == g.version + 1 and step.state.feed == g.feed
    (event,) = step.events
    assert event.visible(game.FACILITATOR) and not event.visible(MS)
