"""Terms put into words: what players read in the feed, the events and the debrief."""

from __future__ import annotations

import re

from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.actions import Pass, Stake, Terms
from divestiture.game.engine import apply, start
from divestiture.game.errors import GameError
from divestiture.game.legal import legal_actions
from divestiture.game.moves import check
from divestiture.game.narration import event_text
from divestiture.game.simulation import play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId
from divestiture.game.wording import flag_source, safeguard_names, subject, terms_text

SC = load_scenario(DEFAULT_SCENARIO)
# Ids of the rules that players should never have to read: scopes, safeguards, algorithms.
_IDS = re.compile(
    r"\b("
    + "|".join(
        [s.value for s in Scope if "_" in s.value]
        + [m.value for m in Mitigation]
        + [f"algorithm {a.value}" for a in Algorithm]
    )
    + r")\b"
)

# Seat ids are lower case; their names never are (but "investors" is also a word).
_SEAT_IDS = re.compile(r"\b(" + "|".join(s for s in SC.seat_ids if s != "investors") + r")\b")
# "Investors" takes a plural verb (the rules say so): never "Investors passes".
_SINGULAR_AFTER_PLURAL = re.compile(
    r"\bInvestors (passes|proposes|counters|signs|withdraws|rejects|uses|writes|speaks|"
    r"briefs|keeps|has|is|does)\b"
)


def test_terms_read_as_a_sentence() -> None:
    terms = Terms(
        buyers=(
            Stake(seat=SeatId("microsoft"), percent=60),
            Stake(seat=SeatId("investors"), percent=20),
        ),
        seller_stake=20,
        scope=Scope.US_PLUS,
        price=41,
        algorithm=Algorithm.EXCLUDED,
        security_committee=True,
        us_storage=True,
        rounds_to_close=1,
    )
    assert terms_text(SC, terms) == (
        "$41B for the US, Canada, Australia and New Zealand: Microsoft 60% + Investors 20%, "
        "ByteDance keeps 20%; algorithm kept by the seller; US data storage, Security committee; "
        "open for 1 day"
    )
    assert terms_text(SC, terms, closed=True).endswith("; US data storage, Security committee")


def test_a_plural_name_takes_a_plural_verb() -> None:
    investors, microsoft = SeatId("investors"), SeatId("microsoft")
    assert subject(SC, microsoft, "passes") == "Microsoft passes"
    assert subject(SC, investors, "passes") == "Investors pass"
    assert subject(SC, investors, "uses Lobby Washington") == "Investors use Lobby Washington"
    assert subject(SC, investors, "has no moves left") == "Investors have no moves left"
    assert subject(SC, investors, "is not party to ts-1") == "Investors are not party to ts-1"
    assert subject(SC, investors, "does not hold it") == "Investors do not hold it"
    assert subject(SC, investors, "cannot sign") == "Investors cannot sign"


def test_safeguards_are_named_in_the_rules_order() -> None:
    everything = safeguard_names(SC, tuple(reversed(Mitigation)))
    assert everything == list(SC.mitigation_names.values())
    assert safeguard_names(SC, ()) == []


def test_what_players_and_the_facilitator_read_names_no_rule_ids() -> None:
    """Every feed line, event (a bot's reasons included) and message of scripted games,
    deals and proposals among them, uses the rules' names for seats, scopes, safeguards,
    the algorithm and lever options, never their ids (no id with an underscore at all)."""
    texts: list[str] = []
    deals = 0
    for difficulty in ("easy", "normal", "hard"):
        players = player_factory(SC, difficulty=difficulty)
        for seed in range(12):
            record = play_game(SC, seed, players, keep_events=True)
            texts += [f.text for f in record.state.feed]
            texts += [m.text for m in record.state.messages]
            texts += [event_text(SC, e.data) for e in record.events]
            deals += record.state.closed_sheet is not None
    assert deals, "some of these games end in a deal"
    assert any(" proposes ts-" in t for t in texts)
    assert any(" counters ts-" in t for t in texts)
    leaks = [t for t in texts if _IDS.search(t) or _SEAT_IDS.search(t) or "_" in t]
    assert not leaks, leaks[:3]
    assert any(t.startswith("Investors pass") for t in texts)
    assert not [t for t in texts if _SINGULAR_AFTER_PLURAL.search(t)]


def test_refusals_a_player_can_meet_name_no_rule_ids() -> None:
    """What a seat is told when the rules refuse a well-formed move (not its turn, a
    limit, a sheet that moved on) uses names, never ids: the client shows it as is.
    Every seat tries every seat's legal moves at every third step of scripted games, and
    at their end."""
    refusals: set[str] = set()
    players = player_factory(SC)
    for seed in range(4):
        record = play_game(SC, seed, players)
        state = start(SC, seed).state
        for step, (actor, action) in enumerate(record.log):
            if step % 3 == 0:
                refusals |= _refusals(state)
            state = apply(state, actor, action).state
        refusals |= _refusals(state)
    assert len(refusals) > 40, sorted(refusals)
    assert any("the game is over (" in r for r in refusals)
    leaks = [r for r in refusals if _IDS.search(r) or _SEAT_IDS.search(r) or "_" in r]
    assert not leaks, leaks[:5]
    assert any("Investors have passed" in r for r in refusals)
    assert not [r for r in refusals if _SINGULAR_AFTER_PLURAL.search(r)]


def _refusals(state: GameState) -> set[str]:
    """What the rules say to each seat trying each seat's legal moves (and a pass), but
    for bad input, which names what was sent."""
    tried = {Pass(), *(a for s in state.seats for a in legal_actions(state, s))}
    said: set[str] = set()
    for seat in state.seats:
        for action in tried:
            try:
                check(state, seat, action)
            except GameError as e:
                if e.code != "invalid_action":
                    said.add(e.message)
    return said


def test_a_requirement_is_named_by_what_sets_it() -> None:
    """A lever's missing flag is named by the lever that sets it, else the news card, else
    in words."""
    assert flag_source(SC, "review_open") == "\u201cOpen the CFIUS review\u201d"
    card = SC.news.cards[0]
    flagged = card.model_copy(
        update={"effects": card.effects.model_copy(update={"flags": ("leak",)})}
    )
    rules = SC.model_copy(update={"news": SC.news.model_copy(update={"cards": (flagged,)})})
    assert flag_source(rules, "leak") == f"the news \u201c{card.headline}\u201d"
    assert flag_source(SC, "talks_stalled") == "talks stalled"
