"""The composer shows what the regulator asks of a deal and warns before a sheet that
would be blocked, but still sends it if the player insists."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygame

from divestiture.client import compose, intents, theme
from divestiture.client.screens.table import TableScreen
from divestiture.client.snapshot import moment
from divestiture.game import DEFAULT_SCENARIO, load_scenario, view_for
from divestiture.game.actions import Propose
from divestiture.game.engine import start
from divestiture.game.types import Mitigation, Scope, SeatId
from divestiture.game.views import GameView

SC = load_scenario(DEFAULT_SCENARIO)
HARBOUR = load_scenario(Path(__file__).parents[1] / "fixtures" / "harbour" / "harbour.yaml")


def _asking(view: GameView, *required: Mitigation, ordered: Scope | None = None) -> GameView:
    """``view`` with the regulator's published requirements and divestiture order."""
    return view.model_copy(update={"required_mitigations": required, "divestiture_scope": ordered})


def test_warnings_name_the_regulator_and_the_safeguards_from_the_rules() -> None:
    """A draft lacking a required safeguard, or short of the ordered scope, is warned of
    in the rules' words; one that meets both is not."""
    view = _asking(
        view_for(start(SC, 4).state, SeatId("microsoft")),
        Mitigation.US_STORAGE,
        ordered=Scope.US_PLUS,
    )
    draft = replace(compose.fresh(view, SC), scope=Scope.US.value)
    assert compose.warnings(view, SC, draft) == [
        "CFIUS requires US data storage: a deal without it will be blocked",
        "CFIUS ordered the sale of the US, Canada, Australia and New Zealand: a deal for"
        " only the US business will be blocked",
    ]
    met = replace(draft, scope=Scope.GLOBAL.value, mitigations=frozenset({"us_storage"}))
    assert compose.warnings(view, SC, met) == []
    harbour = _asking(
        view_for(start(HARBOUR, 4).state, HARBOUR.roles.buyers[0]),
        Mitigation.US_STORAGE,
        Mitigation.SECURITY_COMMITTEE,
    )
    regulator = HARBOUR.seat_name(HARBOUR.roles.regulator)
    assert compose.warnings(harbour, HARBOUR, compose.fresh(harbour, HARBOUR)) == [
        f"{regulator} requires cargo data kept locally and safety committee: a deal without"
        " them will be blocked"
    ]


def test_composer_marks_the_requirements_and_sends_anyway_when_asked(
    display: pygame.Surface,
) -> None:
    """With CFIUS's requirements published, the composer marks each required safeguard,
    names them under the safeguards, warns that the draft would be blocked and offers
    "Send anyway", which sends it; ticking them clears the warning."""
    state, _, _ = moment(SC, 1, 3, opening=True)
    view = view_for(state, SeatId("microsoft"))
    assert set(view.required_mitigations) == {Mitigation.US_STORAGE, Mitigation.US_BOARD_MAJORITY}
    manager = theme.make_manager(display.get_size())
    table = TableScreen(manager, SC, view, display.get_size())
    table.open_composer()
    composer = table.composer
    assert composer is not None
    tags = {m.value: label.text for m, label in composer.required.items()}
    assert tags == {
        "us_storage": "required",
        "source_code_review": " ",
        "us_board_majority": "required",
        "security_committee": " ",
    }
    assert composer.requirements_note.text == "CFIUS requires: US data storage, US board majority."
    assert composer.scope_note.text == "CFIUS has ordered no divestiture."
    assert "CFIUS requires US data storage and US board majority: a deal without them will be" in (
        composer.problems_box.html_text
    )
    assert composer.propose.text == "Send anyway" and composer.propose.is_enabled
    manager.update(0.05)
    table.draw(display)
    manager.draw_ui(display)
    tag = composer.required[Mitigation.US_STORAGE].rect
    drawn = {
        tuple(display.get_at((x, y)))[:3]
        for x in range(tag.x, tag.right)
        for y in range(tag.y, tag.bottom)
    }
    assert theme.WARN in drawn  # the "required" beside US data storage is drawn, in amber
    pygame.event.clear()
    assert composer.submit()
    (sent,) = [e.intent for e in pygame.event.get(intents.INTENT)]
    assert isinstance(sent, intents.SendAction) and isinstance(sent.action, Propose)
    assert not sent.action.terms.us_storage
    both = frozenset({"us_storage", "us_board_majority"})
    composer.fill(replace(compose.fresh(view, SC), mitigations=both))
    assert composer.warnings() == []
    assert composer.propose.text == "Propose"
    assert "Ready." in composer.problems_box.html_text
