"""The client's short lines for a lever's choices read as words."""

from __future__ import annotations

from divestiture.client.describe import option_label, terms_line
from divestiture.game import DEFAULT_SCENARIO, load_scenario
from divestiture.game.actions import UseLever
from divestiture.game.bots.deals import make_terms
from divestiture.game.engine import start
from divestiture.game.state import TermSheet
from divestiture.game.types import Algorithm, Scope, SeatId, SheetId
from divestiture.game.views import view_for

SC = load_scenario(DEFAULT_SCENARIO)


def test_a_sheet_choice_names_its_price_scope_and_buyers() -> None:
    stakes = ((SeatId("microsoft"), 60), (SeatId("investors"), 40))
    terms = make_terms(SC, stakes, Scope.US_PLUS, 41, Algorithm.LICENSE, frozenset())
    sheet = TermSheet.new(SheetId("ts-3"), SeatId("microsoft"), terms, SeatId("bytedance"), 1)
    line = terms_line(SC, sheet)
    assert line == (
        "Microsoft 60% + Investors 40%, $41B for the US, Canada, Australia and New Zealand"
    )
    view = view_for(start(SC, 1).state, SeatId("white_house"))
    view = view.model_copy(update={"sheets": (sheet,)})
    use = UseLever(lever="endorse_deal", sheet=SheetId("ts-3"))
    assert option_label(SC, view, use) == f"ts-3: {line}"
