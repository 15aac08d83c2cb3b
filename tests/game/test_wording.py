"""Terms put into words: what players read in the feed, the events and the debrief."""

from __future__ import annotations

import re

from game import DEFAULT_SCENARIO, load_scenario
from game.actions import Stake, Terms
from game.simulation import play_game, player_factory
from game.types import Algorithm, Mitigation, Scope, SeatId
from game.wording import safeguard_names, terms_text

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
            texts += [e.text for e in record.events]
            deals += record.state.closed_sheet is not None
    assert deals, "some of these games end in a deal"
    assert any(" proposes ts-" in t for t in texts)
    assert any(" counters ts-" in t for t in texts)
    leaks = [t for t in texts if _IDS.search(t) or _SEAT_IDS.search(t) or "_" in t]
    assert not leaks, leaks[:3]
