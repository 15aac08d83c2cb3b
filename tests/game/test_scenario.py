"""The rules file is validated at load, and every problem names its place."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from divestiture.game import DEFAULT_SCENARIO, ScenarioError, load_scenario
from divestiture.game import bots as bots_package
from divestiture.game.bot_rules import SITUATIONS
from divestiture.game.briefs import brief_text, draw_briefs
from divestiture.game.scenario import NumberRange, parse_scenario
from divestiture.game.types import Mitigation, SeatId

RULES = DEFAULT_SCENARIO.read_text(encoding="utf-8")
BOTS = Path(bots_package.__file__).parent


def _problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "tiktok_2020_article.txt").write_text(
        (DEFAULT_SCENARIO.parent / "tiktok_2020_article.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def test_default_scenario_is_valid() -> None:
    """The shipped scenario loads, with five seats in play and at least 12 news cards."""
    sc = load_scenario(DEFAULT_SCENARIO)
    assert sc.seat_ids == ("white_house", "cfius", "bytedance", "microsoft", "investors")
    assert len(sc.news.cards) >= 12
    assert {o.kind for o in sc.outcomes} == {"deal", "ban", "stalemate"}


def test_start_above_max_names_the_field(tmp_path: Path) -> None:
    """A track starting above its max is reported at tracks.<id>.start, with its line."""
    text = RULES.replace("    max: 10\n    start: 8\n", "    max: 10\n    start: 12\n", 1)
    problems = _problems(text, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("tracks.security_risk.start: 12 is above max 10 (line ")


def test_every_problem_is_reported(tmp_path: Path) -> None:
    """Structural and range problems in different sections are all listed at once."""
    text = RULES.replace("    start: 8\n", "    start: 12\n", 1).replace(
        "  count: 5\n", "  count: 0\n"
    )
    text = text.replace("  price_min: 1\n", "  price_min: 1\n  colour: red\n")
    problems = _problems(text, tmp_path)
    places = sorted(p.split(":")[0] for p in problems)
    assert places == ["rounds.count", "term_sheets.colour", "tracks.security_risk.start"]


def test_unknown_and_missing_fields_are_named(tmp_path: Path) -> None:
    """A misspelt field is reported as unknown where it is, and as missing where it belongs."""
    text = RULES.replace("  price_min: 1\n", "  price_minimum: 1\n", 1)
    problems = _problems(text, tmp_path)
    assert [p.split(" (line ")[0] for p in problems] == [
        "term_sheets.price_min: is missing",
        "term_sheets.price_minimum: is not a known field",
    ]


def test_lever_effect_on_unknown_track(tmp_path: Path) -> None:
    """A lever that moves a track that does not exist is refused at load."""
    text = RULES.replace(
        'tracks: {heat: -1}\n    source: "The company',
        'tracks: {hype: -1}\n    source: "The company',
    )
    problems = _problems(text, tmp_path)
    assert problems == [
        next(
            p
            for p in problems
            if p.startswith("levers.lobby.effects.tracks.hype: 'hype' is not a track")
        )
    ]


def test_news_quote_must_come_from_the_article(tmp_path: Path) -> None:
    """A news card whose quote is not in the source article is refused."""
    text = RULES.replace("about 315 million users", "about 999 million users")
    problems = _problems(text, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith("news.cards.10.quote: card 'download_record' quotes words")


def test_unknown_seat_in_a_lever(tmp_path: Path) -> None:
    """A lever held by a seat that does not exist is refused."""
    text = RULES.replace(
        "    seats: [bytedance, investors]\n", "    seats: [bytedance, congress]\n"
    )
    problems = _problems(text, tmp_path)
    assert any(p.startswith("levers.lobby.seats.1: 'congress' is not a seat") for p in problems)


def test_missing_file_is_one_line() -> None:
    """A missing file gives one problem, not a traceback."""
    with pytest.raises(ScenarioError) as info:
        load_scenario("no/such/rules.yaml")
    assert info.value.problems == ["file not found"]


def test_broken_yaml_is_one_line() -> None:
    """Broken YAML gives one problem naming the line."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario("id: [unclosed\n")
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("not valid YAML: line 2")


def test_a_list_is_not_a_scenario() -> None:
    """A YAML file that is not a mapping is refused with a plain message."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario("- a\n- b\n")
    assert info.value.problems == ["the file must be a YAML mapping of sections"]


@pytest.mark.parametrize("seed", range(20))
def test_every_brief_text_fills_its_placeholders(seed: int) -> None:
    """Each seat's brief prose names its drawn values and has no broken placeholder."""
    import random

    sc = load_scenario(DEFAULT_SCENARIO)
    briefs = draw_briefs(sc, random.Random(seed))
    for seat, values in briefs.items():
        text = brief_text(sc, seat, values)
        assert "{" not in text and "bad placeholder" not in text
        for spec_name, spec in sc.briefs[seat].items():
            value = values[spec_name]
            if isinstance(value, float):
                assert isinstance(spec, NumberRange)
                base = values[spec.above] if spec.above is not None else 0.0
                assert isinstance(base, float)
                assert base + spec.min <= value <= base + spec.max


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("  security_committee: Security committee\n", "mitigation_names: 'security_committee'"),
        ("  excluded: kept by the seller\n", "algorithm_names: 'excluded'"),
    ],
)
def test_every_term_needs_a_name(tmp_path: Path, line: str, problem: str) -> None:
    """A data or governance term, or a fate of the algorithm, without a name for players
    is reported at load."""
    text = RULES.replace(line, "", 1)
    assert text != RULES
    problems = _problems(text, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{problem} has no name")


def test_brief_names_its_mitigations_as_players_read_them() -> None:
    """A brief's list of essential mitigations uses the rules' names, not their ids."""
    sc = load_scenario(DEFAULT_SCENARIO)
    cfius = SeatId("cfius")
    brief = draw_briefs(sc, random.Random(4))[cfius]
    text = brief_text(sc, cfius, brief)
    essential = brief["essential"]
    assert isinstance(essential, tuple) and essential
    for m in essential:
        assert sc.mitigation_names[Mitigation(m)] in text
        assert m not in text


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ('      reject: ["This offer', '      rejct: ["This offer', "bots.lines"),
        (
            "        talk: 0.35\n",
            '        talk: 0.35\n        lines: {nws: ["Hello."]}\n',
            "bots.personalities.white_house.hawk.lines",
        ),
    ],
)
def test_a_line_for_a_situation_no_bot_speaks_in_is_named(
    tmp_path: Path, old: str, new: str, place: str
) -> None:
    """A misspelt situation in the bots' lines would never be said: it is an error that
    names it and lists the situations there are."""
    assert RULES.count(old) == 1
    problems = _problems(RULES.replace(old, new), tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{place}: no bot speaks in "), problems
    assert "(the situations: accept, announce_ban, answer_ban, block" in problems[0]


def test_the_bots_speak_only_in_known_situations() -> None:
    """Every situation the bots' code asks a line for is one the rules may give lines for,
    and every one the rules may give is asked for somewhere."""
    code = "".join(p.read_text(encoding="utf-8") for p in BOTS.glob("*.py"))
    found = re.findall(r'(?:\.line|queue_statement)\(\s*"(\w+)"|first="(\w+)"', code)
    asked = {name for names in found for name in names if name}
    asked |= set(re.findall(r'key = "(\w+)" if joint else "(\w+)"', code)[0])
    assert asked == SITUATIONS


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "    tags: [public_outcry]\n",
            "",
            "tracks: no track is tagged 'public_outcry': a buyer's bot stays out",
        ),
        (
            "    tags: [political_pressure]\n",
            "    tags: [public_outcry]\n",
            "tracks.heat.tags: 'public_outcry' is on backlash already: the bots read one track",
        ),
        (
            "    tags: [political_pressure]\n",
            "",
            "tracks: no track is tagged 'political_pressure': a bot uses a lobbying lever",
        ),
        (
            "    tags: [ban_threat]\n",
            "    tags: [ban_pressure]\n",
            "tracks.ban_pressure.tags.0: 'ban_pressure': Input should be 'ban_threat'",
        ),
        (
            "    mechanic: extend_deadline\n",
            "    mechanic: extend_deadline\n    tags: [tighten]\n",
            "levers.extend_deadline.tags: a lever with mechanic 'extend_deadline' is used for it",
        ),
        (
            "    tags: [tighten]\n",
            "    tags: [ban_order]\n",
            "levers.add_entity_list.tags.0: 'ban_order' is on sign_executive_order already",
        ),
        (
            "    tags: [ask_advice]\n",
            "    tags: [ban_order]\n",
            "levers.request_briefing.tags.0: 'ban_order' needs the effects to set the ban flag "
            "'eo_signed'",
        ),
        (
            "    tags: [lobbying]\n",
            "    tags: [review]\n",
            "levers.lobby.tags.0: 'review' is for a lever the regulator holds (roles), and no "
            "such seat holds it",
        ),
        (
            "      flags: [review_open]\n",
            "",
            "levers.open_review.tags.0: 'review' needs a flag in the effects",
        ),
        (
            " divest: advise_order,",
            "",
            "levers.brief_president.option_tags: option 'divest' has no tag: the regulator's bot",
        ),
        (
            " divest: advise_order,",
            " divest: advise_ban,",
            "levers.brief_president.option_tags.ban: 'advise_ban' is on option 'divest' already",
        ),
        (
            "    walk_away: {min: 20, max: 34}\n",
            "",
            "briefs.investors: 'walk_away' is missing: a buyer's bot needs it (a number range",
        ),
        (
            "    hawkishness: {min: 0, max: 1, step: 0.1}\n",
            "    hawkishness: {choose_from: [hawk, dove], pick: 1}\n",
            "briefs.white_house.hawkishness: the president's bot reads it as a number range",
        ),
        (
            "    capital: {min: 15, max: 35}\n",
            "    capital: {choose_from: [cash], pick: 1}\n",
            "briefs.investors.capital: a buyer's bot reads it as a number range",
        ),
        (
            "lobby_chance: 0.7,",
            "lobby: 0.7,",
            "bots.personalities.bytedance.holdout.traits.lobby: no bot reads 'lobby' (the "
            "traits of the seller's bot: ban_fear,",
        ),
        (
            "choose_from: [us_storage, source_code_review,",
            "choose_from: [us_storage, firewall,",
            "briefs.cfius.essential.choose_from.1: 'firewall' is not a data or governance term",
        ),
    ],
)
def test_what_the_bots_read_is_checked_at_load(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    """Tags the bots need, on tracks and levers that fit them, and the brief fields each
    role's bot reads: a scenario that lacks one, or gives one twice, is refused by name."""
    assert RULES.count(old) == 1, old
    problems = _problems(RULES.replace(old, new), tmp_path)
    assert any(p.startswith(problem) for p in problems), problems


def test_bots_find_levers_and_tracks_by_purpose_and_tag() -> None:
    """A lever is found by its mechanic's purpose or its tags, in the file's order; a track
    by its tag; the flags a tagged lever sets say it was used."""
    sc = load_scenario(DEFAULT_SCENARIO)
    assert sc.levers_for("safeguard") == ("store_data_in_us", "disclose_algorithm")
    assert sc.levers_for("clear") == ("clear_deal",)
    assert sc.levers_for("lobbying") == ("lobby",)
    assert sc.track_tagged("ban_threat") == "ban_pressure"
    assert sc.flags_set_for("review") == {"review_open"}
    assert sc.levers["brief_president"].option_for("advise_order") == "divest"


def test_ranges_that_could_draw_a_contradiction_are_refused(tmp_path: Path) -> None:
    """A floor for a wider scope drawn from a range overlapping a narrower one's (it could
    come out lower) is refused, saying which and how to draw it instead."""
    text = RULES.replace(
        "    reservation_us_plus: {above: reservation_us, min: 2, max: 7}",
        "    reservation_us_plus: {min: 20, max: 34}",
    )
    problems = _problems(text, tmp_path)
    assert any(
        "reservation_us_plus: could be drawn below reservation_us" in p
        and "above: reservation_us" in p
        for p in problems
    ), problems


def test_a_draw_above_a_number_not_drawn_before_it_is_refused(tmp_path: Path) -> None:
    """``above`` must name a number of the same brief drawn earlier in the file."""
    text = RULES.replace(
        "    reservation_us_plus: {above: reservation_us, min: 2, max: 7}",
        "    reservation_us_plus: {above: reservation_global, min: 2, max: 7}",
    )
    problems = _problems(text, tmp_path)
    assert any(
        "'reservation_global' is not a number of bytedance's brief drawn before it" in p
        for p in problems
    ), problems


def test_a_wider_scope_worth_less_to_a_buyer_is_refused(tmp_path: Path) -> None:
    """A buyer's scope bonus below 0 would make a wider scope worth less: refused."""
    text = RULES.replace(
        "scope_bonus_us_plus: {min: 2, max: 6}", "scope_bonus_us_plus: {min: -2, max: 6}"
    )
    problems = _problems(text, tmp_path)
    assert any(
        "scope_bonus_us_plus.min: -2 would make a wider scope worth less" in p for p in problems
    ), problems
