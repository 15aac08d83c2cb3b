"""Scripted bots: they see only their own seat, negotiate for real, and play well."""

from __future__ import annotations

import ast
import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from divestiture.game import (
    DEFAULT_SCENARIO,
    Action,
    GameState,
    Message,
    Propose,
    Scenario,
    Sign,
    Statement,
    UseLever,
    Withdraw,
    apply,
    load_scenario,
    view_for,
)
from divestiture.game import bots as bots_package
from divestiture.game.bot_rules import Curve
from divestiture.game.bots import DIFFICULTIES, Bot, make_bot, personalities
from divestiture.game.bots.buyer import BuyerBot
from divestiture.game.bots.deals import make_terms, share_of
from divestiture.game.bots.memory import Memory
from divestiture.game.engine import start
from divestiture.game.frozen import FrozenMap
from divestiture.game.simulation import (
    Player,
    game_seeds,
    make_players,
    play_game,
    player_factory,
    summarise,
)
from divestiture.game.state import TermSheet
from divestiture.game.tags import ROLE_TRAITS, Role
from divestiture.game.types import BEFORE_CFIUS, Algorithm, Phase, Scope, SeatId

SC = load_scenario(DEFAULT_SCENARIO)
INVESTORS = SeatId("investors")
BOTS = Path(bots_package.__file__).parent


def _moves(
    seeds: list[int], difficulty: str = "normal"
) -> Iterator[tuple[int, GameState, SeatId, Action]]:
    """Every move of seeded scripted games, with its game's seed and the state it was
    made in."""
    players = player_factory(SC, "scripted", None, difficulty)
    for seed in seeds:
        record = play_game(SC, seed, players)
        state = start(SC, seed).state
        for seat, action in record.log:
            yield seed, state, SeatId(seat), action
            state = apply(state, seat, action).state


def _last_offer_by(
    state: GameState, sheet: TermSheet | None, seats: set[SeatId]
) -> TermSheet | None:
    """The latest sheet one of ``seats`` proposed in ``sheet``'s chain of counters
    (``sheet`` itself or one it answers), walked here rather than with the bots' own
    helper, so that the tests do not lean on the code they check."""
    by_id = {s.id: s for s in state.sheets}
    while sheet is not None and sheet.proposer not in seats:
        sheet = by_id.get(sheet.replaces) if sheet.replaces else None
    return sheet


def test_every_seat_has_two_personalities_and_three_difficulties() -> None:
    """The rules give each seat at least two personalities, and easy/normal/hard exist."""
    for seat in SC.seat_ids:
        assert len(personalities(SC, seat)) >= 2
    assert set(DIFFICULTIES) <= set(SC.bots.difficulties)


def test_curves_concede_in_the_named_order() -> None:
    """Half way to the deadline, Boulware has conceded least and the conceder most."""
    curves = SC.bots.curves
    half = {name: curves[name].conceded(0.5) for name in ("boulware", "linear", "conceder")}
    assert half["boulware"] < half["linear"] == 0.5 < half["conceder"]
    assert Curve(description="x", beta=1).conceded(1.0) == 1.0


def test_bot_code_never_touches_the_engine_state() -> None:
    """game/bots imports no engine entry point and no GameState: it only reads views."""
    forbidden = {"GameState", "apply", "new_game", "start", "legal_actions", "view_for", "replay"}
    for path in BOTS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                assert not names & forbidden, f"{path.name} imports {names & forbidden}"
                assert node.module not in ("divestiture.game.engine", "divestiture.game.legal"), (
                    path.name
                )


def test_the_rules_know_every_trait_the_bots_read() -> None:
    """The traits the loader accepts for each role are exactly those its bot's code reads
    (a trait the code stopped reading, or a new one, is caught here)."""
    modules: dict[Role, tuple[str, ...]] = {
        "seller": ("seller.py", "base.py"),
        "buyers": ("buyer.py", "base.py"),
        "president": ("president.py",),
        "regulator": ("regulator.py",),
    }
    for role, files in modules.items():
        code = "".join((BOTS / f).read_text(encoding="utf-8") for f in files)
        read = set(re.findall(r'traits\.get\(\s*"(\w+)"', code))
        assert read == ROLE_TRAITS[role], role


def _with_other_briefs(state: GameState, seat: SeatId, other_seed: int) -> GameState:
    """The same state, except every other seat's brief comes from another game."""
    other = start(SC, other_seed).state
    seats = FrozenMap(
        {
            s: (st if s == seat else st.evolve(brief=other.seats[s].brief))
            for s, st in state.seats.items()
        }
    )
    return state.evolve(seats=seats)


@pytest.mark.parametrize("seat", SC.seat_ids)
def test_a_bot_cannot_reach_another_seats_brief(seat: SeatId) -> None:
    """Other seats' briefs changed under it, a bot sees the same view and acts the same."""
    for seed in game_seeds(11, 3):
        record = play_game(SC, seed, player_factory(SC, "scripted", None, "hard"), strict=True)
        state = start(SC, seed).state
        bot = make_bot(SC, seat, random.Random(seed), None, "hard")
        memory = bot.first_memory
        for actor, action in record.log:
            if actor == seat:
                twin_state = _with_other_briefs(state, seat, seed + 1)
                assert twin_state.seats[seat].brief == state.seats[seat].brief
                view, twin_view = view_for(state, seat), view_for(twin_state, seat)
                assert view == twin_view
                decided = bot.decide(view, memory)
                assert decided == bot.decide(twin_view, memory)
                memory = decided.memory
            state = apply(state, actor, action).state


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_bots_never_make_a_move_the_rules_refuse(difficulty: str) -> None:
    """Over many games at each difficulty, every bot action is legal."""
    players = player_factory(SC, "scripted", None, difficulty)
    for seed in game_seeds(3, 150):
        play_game(SC, seed, players, strict=True)


def test_bots_negotiate_not_just_act() -> None:
    """Bots propose, counter, sign, reject, withdraw, talk, use every lever their seat
    holds, and give a reason for every move."""
    kinds: Counter[str] = Counter()
    players = player_factory(SC, "scripted", None, "normal")
    for seed in game_seeds(5, 200):
        record = play_game(SC, seed, players, strict=True)
        for seat, action in record.log:
            assert action.rationale, f"{action!r} has no rationale"
            if isinstance(action, Propose):
                kinds["counter" if action.replaces else "propose"] += 1
                kinds["note"] += bool(action.note)
            elif isinstance(action, UseLever):
                if "unplanned" not in action.rationale:  # not an easy bot's slip
                    kinds[f"{seat}:{action.lever}"] += 1
            else:
                kinds[action.type] += 1
    for kind in (
        "propose",
        "counter",
        "sign",
        "reject",
        "withdraw",
        "message",
        "statement",
        "note",
    ):
        assert kinds[kind] > 0, f"bots never {kind}: {kinds}"
    for lever_id, lever in SC.levers.items():  # every seat's bot uses each of its levers
        for seat in lever.seats:
            assert kinds[f"{seat}:{lever_id}"] > 0, f"{seat}'s bot never uses {lever_id}"


def test_bot_words_fit_the_moment() -> None:
    """Bot messages and notes are filled-in sentences: no placeholders, prices in $B."""
    players = player_factory(SC, "scripted", None, "normal")
    texts = []
    for seed in game_seeds(9, 60):
        for _, action in play_game(SC, seed, players).log:
            if isinstance(action, Message | Statement):
                texts.append(action.text)
            elif isinstance(action, Propose | Withdraw) and action.note:
                texts.append(action.note)
    assert texts
    for text in texts:
        assert "{" not in text and "}" not in text, text
        assert (text[0].isupper() or text[0] == "$") and text.rstrip()[-1] in ".!?", text
    assert any("$" in t and "B" in t for t in texts)


@pytest.mark.parametrize("seat", ["bytedance", "microsoft", "investors"])
def test_a_counter_at_the_same_price_holds_firm(seat: str) -> None:
    """Naming the price of its last counter in a thread again, a bot says it is holding,
    in a line of its own, rather than repeating its counter line; a new price is a counter."""
    bot = make_bot(SC, SeatId(seat), random.Random(3)).mind()
    lines = SC.bots.lines[SeatId(seat)]
    scope = bot.scope_name(Scope.US)
    said = [bot.counter_line("ts-1", price, Scope.US) for price in (30, 30, 29, 29)]
    counters = {t.format(price=p, scope=scope) for t in lines["counter"] for p in (29, 30)}
    holds = {t.format(price=p, scope=scope) for t in lines["hold"] for p in (29, 30)}
    assert said[0] in counters and said[2] in counters, said
    assert said[1] in holds and said[3] in holds, said
    assert bot.counter_line("ts-9", 29, Scope.US) in counters  # another thread starts anew


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_a_buyer_never_offers_past_its_capital(difficulty: str) -> None:
    """A buyer with capital in its brief (the investors) never proposes or counters at a
    price whose part it could not pay, even holding at a price it named before; only an
    easy bot's unplanned move may."""
    players = player_factory(SC, "scripted", None, difficulty)
    offers = 0
    for seed in game_seeds(7, 300):
        record = play_game(SC, seed, players)
        capital = record.state.seats[INVESTORS].brief["capital"]
        assert isinstance(capital, float)
        for seat, action in record.log:
            if (
                seat != INVESTORS
                or not isinstance(action, Propose)
                or "unplanned" in action.rationale
            ):
                continue
            offers += 1
            part = action.terms.price * share_of(action.terms, INVESTORS)  # as scoring has it
            assert part <= capital, (seed, action.rationale, part, capital)
    assert offers > 300


def test_a_buyers_reason_says_when_it_holds_above_its_limit() -> None:
    """A buyer's counter names its limit; one above it (the limit fell since it named that
    price) says it holds, so the facilitator's log never shows a bid past a stated limit."""
    players = player_factory(SC, "scripted", None, "normal")
    reasons = Counter[str]()
    for seed in game_seeds(7, 300):
        for seat, action in play_game(SC, seed, players).log:
            if (
                seat not in SC.roles.buyers
                or not isinstance(action, Propose)
                or not action.replaces
            ):
                continue
            found = re.search(r"\$(\d+)B.*limit \$(\d+)B", action.rationale)
            if found is None:  # an easy bot's unplanned move
                continue
            price, limit = int(found[1]), int(found[2])
            kind = action.rationale.split()[0]  # hold, lower or counter
            reasons[kind] += 1
            assert (price > limit) == (kind == "hold"), action.rationale
            if kind == "hold":  # never so far above its limit that it would take it back
                assert price <= limit + SC.bots.walk_margin + 1, action.rationale
            if kind == "lower":
                earlier = re.search(r"from \$(\d+)B", action.rationale)
                assert earlier and int(earlier[1]) > price, action.rationale
    assert reasons["counter"] > 100 and reasons["hold"] > 5 and reasons["lower"] > 0, reasons


def test_a_buyer_never_takes_back_an_offer_it_just_made() -> None:
    """A buyer withdraws its own sheet when the price has gone past its limit, so it
    never names a price it would withdraw within the same phase (it lowers its bid
    instead, saying so)."""
    withdrawn = 0
    made: dict[tuple[int, str], tuple[int, str]] = {}  # (game, sheet) -> when proposed
    for seed, state, seat, action in _moves(game_seeds(7, 300)):
        when = (state.round, str(state.phase))
        if "unplanned" in action.rationale or seat not in SC.roles.buyers:
            continue
        if isinstance(action, Propose):
            made[seed, f"ts-{len(state.sheets) + 1}"] = when  # the engine numbers sheets
        elif isinstance(action, Withdraw) and (seed, action.sheet) in made:
            withdrawn += 1
            assert made[seed, action.sheet] != when, (seed, action.sheet, action.rationale)
    assert withdrawn > 20


def test_a_buyer_out_over_backlash_says_so_and_makes_no_deal() -> None:
    """A buyer past the public backlash it stands (its personality's ``mess``) makes no
    deal, tells the others in its talks once, takes back its offers and turns down those
    made to it, and gives that as its reason."""
    players = player_factory(SC, "scripted", None, "normal")
    seen = Counter[str]()
    told: set[tuple[int, SeatId]] = set()
    bots: dict[int, dict[SeatId, Player]] = {}  # each game's bots, made as in the game
    for seed, state, seat, action in _moves(game_seeds(11, 300)):
        if seed not in bots:
            bots[seed] = make_players(seed, SC.seat_ids, players)
        bot = bots[seed][seat]
        if (
            seat in SC.roles.buyers
            and state.phase == Phase.NEGOTIATE
            and isinstance(bot, Bot)
            and state.tracks["backlash"]
            >= SC.bots.personalities[seat][bot.personality].traits.get("mess", 10)
            and "unplanned" not in action.rationale
        ):
            assert action.type in ("pass", "message", "withdraw", "reject"), (seed, action)
            assert "political mess" in action.rationale, (seed, action.rationale)
            if isinstance(action, Message):
                assert (seed, seat) not in told, (seed, "told twice")
                told.add((seed, seat))
            seen[action.type] += 1
    assert all(seen[kind] > 5 for kind in ("message", "withdraw", "reject")), seen
    assert seen["pass"] > 50, seen


def test_bots_name_a_price_only_to_the_other_side_of_a_deal() -> None:
    """The seller and the buyers answer a message from the government or a fellow buyer
    without a price (a bid is for the seller, an ask for the buyers), and do answer."""
    roles = SC.roles
    players = player_factory(SC, "scripted", None, "normal")
    answers = Counter[str]()
    for seed in game_seeds(3, 200):
        for seat, action in play_game(SC, seed, players).log:
            if not isinstance(action, Message) or seat not in (roles.seller, *roles.buyers):
                continue
            sides = set(roles.buyers) if seat == roles.seller else {roles.seller}
            if not sides & set(action.to):
                assert "$" not in action.text, (seed, seat, action.to, action.text)
                answers["aside"] += action.rationale.startswith("answering")
            else:
                answers["deal"] += action.rationale.startswith("answering")
    assert answers["aside"] > 50 and answers["deal"] > 50, answers


def test_a_bot_restates_its_offer_rather_than_undercut_it() -> None:
    """Answering a message from the other side of a deal in talks under way, a bot names
    the price it named last in them, not a lower (or higher) one of the moment."""
    restated = 0
    for seed, state, seat, action in _moves(game_seeds(3, 200)):
        if not isinstance(action, Message) or not action.rationale.startswith("answering"):
            continue
        live = [
            s for s in state.sheets if s.status == "open" and {seat, action.to[0]} <= set(s.parties)
        ]
        sheet = _last_offer_by(state, live[-1] if live else None, {seat})  # its own last
        named = re.search(r"\$(\d+)B", action.text)
        if sheet is not None and named:
            restated += 1
            assert int(named[1]) == sheet.terms.price, (seed, action.text)
    assert restated > 50


def test_a_buyer_never_tells_the_seller_more_than_it_would_bid() -> None:
    """Asked out of talks, a buyer that has learned roughly where ByteDance's floor is
    (due diligence) names no price for the US business far above it: what it would bid,
    not its limit (a student could otherwise message a bot to learn what it would pay)."""
    players = player_factory(SC, "scripted", None, "hard")
    seller = SC.roles.seller
    asked = 0
    for seed in game_seeds(3, 40):
        record = play_game(SC, seed, players)
        bots = make_players(seed, SC.seat_ids, players)
        memories = {s: bot.first_memory for s, bot in bots.items()}
        state = start(SC, seed).state
        for seat, action in record.log:
            view = view_for(state, SeatId(seat))
            bot = bots[SeatId(seat)]
            decided, memories[SeatId(seat)] = bot.decide(view, memories[SeatId(seat)])
            assert decided == action  # the bot is where it was in the game
            in_talks = any(
                s.status == "open" and {seat, seller} <= set(s.parties) for s in view.sheets
            )
            if isinstance(bot, Bot) and seat in SC.roles.buyers and view.notes and not in_talks:
                answer = bot.mind(memories[SeatId(seat)]).reply_text(view, seller) or ""
                named = re.search(r"\$(\d+)B for the US business", answer)
                high = re.findall(r"and \$(\d+)B", view.notes[-1])[-1]
                if named:
                    asked += 1
                    assert int(named[1]) <= int(high) + 1, (seed, seat, answer, high)
            state = apply(state, seat, action).state
    assert asked > 50


def test_a_buyer_bids_alone_once_a_joint_bid_was_turned_down() -> None:
    """After a joint bid is rejected (a partner leaving the talks turns offers down), a
    buyer opens no new joint bid with that partner: it would be turned down again."""
    alone = 0
    for seed, state, seat, action in _moves(game_seeds(11, 300)):
        if (
            isinstance(action, Propose)
            and not action.replaces
            and seat in SC.roles.buyers
            and "unplanned" not in action.rationale
            and any(
                s.status == "rejected" and seat in s.parties and len(s.terms.buyers) > 1
                for s in state.sheets
            )
        ):
            assert len(action.terms.buyers) == 1, (seed, seat, action.rationale)
            alone += 1
    assert alone > 10


def test_buyers_in_a_joint_bid_speak_with_one_voice() -> None:
    """A buyer countering in the talks of a joint bid never names more than its partner
    last named there for the same business: the seller hears one consortium price, not
    two buyers bidding against each other."""
    capped = 0
    for seed, state, seat, action in _moves(game_seeds(17, 300)):
        if not (isinstance(action, Propose) and action.replaces and seat in SC.roles.buyers):
            continue
        if "unplanned" in action.rationale:
            continue
        partners = {b.seat for b in action.terms.buyers} - {seat}
        # The partner's latest sheet in the chain this counter answers.
        sheet = _last_offer_by(state, state.sheet(action.replaces), partners)
        if sheet is None or sheet.terms.scope != action.terms.scope:
            continue
        assert action.terms.price <= sheet.terms.price, (seed, seat, action.rationale)
        capped += "as far as" in action.rationale
    assert capped > 20


def test_a_buyer_held_down_by_its_partner_goes_alone() -> None:
    """A buyer whose partner in a joint bid will go no further than well below what it
    would pay alone leaves the joint bid: it counters alone, for the whole business, above
    the partner's price, says so, and from then on neither buyer makes a joint bid in
    that game; it tells its partner, who cannot see the new sheet."""
    alone: dict[int, SeatId] = {}  # the games in which a buyer went alone, and who
    told: set[int] = set()  # ... and told its partner so
    for seed, state, seat, action in _moves(game_seeds(19, 300)):
        if (
            isinstance(action, Message)
            and alone.get(seed) == seat
            and action.text in SC.bots.lines[seat]["part_ways"]
        ):
            told.add(seed)
            assert set(action.to) == set(SC.roles.buyers) - {seat}
        if not isinstance(action, Propose) or "unplanned" in action.rationale:
            continue
        if seed in alone and seat in SC.roles.buyers:
            assert len(action.terms.buyers) == 1, (seed, seat, action.rationale)
        if not action.rationale.startswith("go alone"):
            continue
        alone[seed] = seat
        assert [(b.seat, b.percent) for b in action.terms.buyers] == [(seat, 100)]
        countered = next(s for s in state.sheets if s.id == action.replaces)
        assert len(countered.terms.buyers) > 1
        partner = re.search(r"no further than \$(\d+)B", action.rationale)
        assert partner is not None, action.rationale
        assert action.terms.price > int(partner[1]) + SC.bots.walk_margin
        assert action.note, action.rationale  # the rules' go_alone line
    assert len(alone) > 10 and told == set(alone), (len(alone), set(alone) - told)


def test_a_buyer_holding_at_a_price_names_that_price_or_signs_it() -> None:
    """A buyer that says it holds at "the price named before" names exactly the price it
    named last in those talks; offered that price or less, it signs instead of countering
    a dollar below its own word."""
    holds = 0
    slipped: set[tuple[int, SeatId]] = set()  # an unplanned counter names no price it holds
    for seed, state, seat, action in _moves(game_seeds(23, 300)):
        if seat not in SC.roles.buyers or (seed, seat) in slipped:
            continue
        if "unplanned" in action.rationale:
            slipped.add((seed, seat))
            continue
        if not (isinstance(action, Propose) and "the price named before" in action.rationale):
            continue
        countered = state.sheet(action.replaces) if action.replaces else None
        sheet = _last_offer_by(state, countered, {seat})
        assert sheet is not None, (seed, action.rationale)
        assert action.terms.price == sheet.terms.price, (seed, action.rationale)
        holds += 1
    assert holds > 5


def test_a_buyer_offered_a_price_it_holds_at_signs_it() -> None:
    """A buyer whose limit has fallen a little below the price it named before in some
    talks signs an offer there at no more than that price, rather than countering it
    (rare in play: a partner's counter in a joint bid can do it)."""
    microsoft = SeatId("microsoft")
    bot = make_bot(SC, INVESTORS, random.Random(1), None, "hard")
    assert bot.strategy is BuyerBot

    def offered(price: int) -> GameState:
        stakes = ((microsoft, 60), (INVESTORS, 40))
        terms = make_terms(SC, stakes, Scope.US, price, Algorithm.LICENSE, frozenset())
        return apply(start(SC, 5).state, microsoft, Propose(terms=terms)).state

    probe = view_for(offered(20), INVESTORS)
    mind = bot.mind()
    assert isinstance(mind, BuyerBot)
    mind.act(probe)  # reads the view's legal moves, as each move does
    limit = mind.ceiling(probe, probe.sheets[0].terms)  # the same whatever the price
    price, held = round(limit) + 1, math.floor(limit) + SC.bots.walk_margin
    assert limit < price <= held <= limit + SC.bots.walk_margin

    def having_named(named: float) -> Memory:  # the price it named before in these talks
        return replace(bot.first_memory, last_price=(("ts-1", named),))

    action = bot.decide(view_for(offered(int(price)), INVESTORS), having_named(held)).action
    assert isinstance(action, Sign) and action.sheet == "ts-1", action.rationale
    assert "price I named before" in action.rationale
    # Held no more than its limit: it counters.
    decided = bot.decide(view_for(offered(int(price)), INVESTORS), having_named(price - 1))
    assert not isinstance(decided.action, Sign)


def test_a_hawkish_president_lets_its_signed_order_bite() -> None:
    """A White House played as the hawk, with a hawkish brief, never extends the deadline
    once it has signed the executive order: the ban at the deadline is what it wants."""
    players = player_factory(SC, "scripted", {SeatId("white_house"): "hawk"}, "normal")
    hawkish = 0
    for seed in game_seeds(5, 300):
        record = play_game(SC, seed, players)
        leaning = record.state.seats[SeatId("white_house")].brief["hawkishness"]
        assert isinstance(leaning, float)
        if leaning < 0.2:
            continue
        hawkish += 1
        state = start(SC, seed).state
        for seat, action in record.log:
            extends = (
                isinstance(action, UseLever)
                and action.lever == "extend_deadline"
                and "unplanned" not in action.rationale  # a normal bot's rare slip
            )
            assert not (extends and "eo_signed" in state.flags), (seed, action.rationale)
            state = apply(state, seat, action).state
    assert hawkish > 200


def test_buyers_make_no_offers_while_a_deal_is_before_cfius() -> None:
    """One deal at a time goes to CFIUS: while a signed deal waits for its ruling, no
    buyer opens or counters an offer, and a buyer that passes says what it waits for."""
    waited = 0
    for seed, state, seat, action in _moves(game_seeds(29, 300)):
        if seat not in SC.roles.buyers or "unplanned" in action.rationale:
            continue
        pending = [s for s in state.sheets if s.status in BEFORE_CFIUS]
        if not pending:
            continue
        assert not isinstance(action, Propose), (seed, seat, action.rationale)
        waited += "is before CFIUS: wait for its ruling" in action.rationale
    assert waited > 20


def test_the_seller_signs_an_offer_at_the_price_it_would_name() -> None:
    """Offers are in whole $B: ByteDance never counters an offer at or above the ask it
    states (haggling over less than $1B while a ban loomed cost it whole games)."""
    counters = 0
    for seed, state, seat, action in _moves(game_seeds(31, 300)):
        if seat != SC.roles.seller or not isinstance(action, Propose) or not action.replaces:
            continue
        found = re.search(r"ask \$(\d+)B", action.rationale)
        if found is None:  # an unplanned move
            continue
        countered = next(s for s in state.sheets if s.id == action.replaces)
        if countered.terms.algorithm == action.terms.algorithm:  # the ask is for these terms
            assert countered.terms.price < int(found[1]), (seed, action.rationale)
            counters += 1
    assert counters > 200


def test_the_seller_tells_a_buyer_when_a_rival_offers_more() -> None:
    """ByteDance countering one buyer while another buyer's offer comes closer to its
    ask says it has a better offer (the rules' rival line), naming only its own price:
    never the rival's terms, which are private to the rival and the seller."""
    rivals = 0
    lines = SC.bots.lines[SC.roles.seller]["rival"]
    for _, state, seat, action in _moves(game_seeds(37, 300)):
        if seat != SC.roles.seller or not isinstance(action, Propose):
            continue
        found = re.search(r"; (ts-\d+) offers more", action.rationale)
        if found is None:
            continue
        rivals += 1
        rival = next(s for s in state.sheets if s.id == found[1])
        countered = next(s for s in state.sheets if s.id == action.replaces)
        assert not set(rival.terms.buyer_seats) & set(countered.terms.buyer_seats)
        scope = SC.scope_names[action.terms.scope]
        said = {line.format(price=action.terms.price, scope=scope) for line in lines}
        assert action.note in said, action.note
    assert rivals > 5


def test_a_bot_never_makes_the_same_statement_twice() -> None:
    """People vary what they say: no bot makes the same public statement twice in a game,
    and a situation with several lines does not repeat one while another is unsaid."""
    players = player_factory(SC, "scripted", None, "normal")
    statements = 0
    for seed in game_seeds(13, 200):
        said: set[tuple[str, str]] = set()
        for seat, action in play_game(SC, seed, players).log:
            if isinstance(action, Statement):
                statements += 1
                assert (seat, action.text) not in said, (seed, seat, action.text)
                said.add((seat, action.text))
    assert statements > 400


def test_bots_are_deterministic_per_seed() -> None:
    """The same seed gives the same game, action for action."""
    players = player_factory(SC, "scripted", None, "normal")
    first = play_game(SC, 1234, players).log
    again = play_game(SC, 1234, player_factory(SC, "scripted", None, "normal")).log
    assert first == again


def _mean(sc: Scenario, seat: SeatId, overrides: dict[SeatId, str]) -> float:
    players = player_factory(sc, "scripted", overrides, "hard")
    records = [play_game(sc, s, players, strict=True) for s in game_seeds(5, 120)]
    return summarise(sc, 5, records).scores[seat]["mean"]


@pytest.mark.parametrize("seat", SC.seat_ids)
def test_a_hard_bot_beats_a_random_player_in_every_seat(seat: SeatId) -> None:
    """Against the same hard opponents, the seat scores more as a hard bot than played randomly."""
    assert _mean(SC, seat, {}) > _mean(SC, seat, {seat: "random"})


def test_balance_on_a_fixed_sample() -> None:
    """Over 500 seeded games with random personalities, each outcome class is 5-50% and
    every seat's mean score is 35-65 (docs/BALANCE.md has the 2,000-game run)."""
    players = player_factory(SC, "scripted", None, "normal")
    records = [play_game(SC, s, players) for s in game_seeds(7, 500)]
    result = summarise(SC, 7, records)
    for outcome, count in result.outcomes.items():
        assert 0.05 <= count / 500 <= 0.50, (outcome, count)
    for seat, stats in result.scores.items():
        assert 35 <= stats["mean"] <= 65, (seat, stats)
