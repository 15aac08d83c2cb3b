"""What the debrief reads from the rules: what really happened, in the game's terms, and the
questions' wording, checked when the rules are loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from divestiture.debrief.build import standing
from divestiture.game.questions import DEFAULT_QUESTIONS, QUESTION_FIELDS
from divestiture.game.scenario import DEFAULT_SCENARIO, ScenarioError, load_scenario


def _with_debrief(tmp_path: Path, debrief: dict[str, object]) -> Path:
    data = yaml.safe_load(DEFAULT_SCENARIO.read_text(encoding="utf-8"))
    data["debrief"] = debrief
    path = tmp_path / "tiktok.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    source = DEFAULT_SCENARIO.parent / data["source"]
    (tmp_path / data["source"]).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_the_shipped_rules_say_what_really_happened() -> None:
    sc = load_scenario(DEFAULT_SCENARIO)
    assert sc.debrief.real is not None and sc.outcome(sc.debrief.real.outcome)
    assert set(sc.debrief.questions) <= set(QUESTION_FIELDS)


def test_every_situation_has_a_plain_wording_using_only_its_fields() -> None:
    assert set(DEFAULT_QUESTIONS) == set(QUESTION_FIELDS)
    for situation, template in DEFAULT_QUESTIONS.items():
        fields = dict.fromkeys(QUESTION_FIELDS[situation], "x")
        assert template.format(**fields)


@pytest.mark.parametrize(
    ("debrief", "problem"),
    [
        ({"real": {"outcome": "moon_landing", "text": "t"}}, "'moon_landing' is not an outcome"),
        ({"questions": {"anchor": "Who {table}?"}}, "'anchor' is not a situation"),
        ({"questions": {"no_zone": "{table} and {price}?"}}, "no field price"),
    ],
)
def test_a_wrong_debrief_section_is_refused(
    tmp_path: Path, debrief: dict[str, object], problem: str
) -> None:
    with pytest.raises(ScenarioError) as e:
        load_scenario(_with_debrief(tmp_path, debrief))
    assert any(problem in p for p in e.value.problems), e.value.problems


def test_a_percentile_among_the_same_seat() -> None:
    assert standing(50.0, [10.0, 20.0, 50.0, 70.0]).percentile == pytest.approx(62.5)
    assert standing(80.0, [10.0, 20.0]).rank == 1 and standing(80.0, [10.0, 20.0]).percentile == 100
    assert standing(5.0, [10.0, 20.0]).rank == 3 and standing(5.0, [10.0]).percentile == 0
    assert standing(42.0, []).percentile == 50, "alone at its seat: the middle"
