"""The debrief's discussion questions: the situations a class's numbers can show, the
numbers each question's wording may use, and a plain wording of each.

A rules file may word any of them in its scenario's terms (``debrief.questions``:
situation -> template); ``divest rules check`` refuses a situation that is not here or a
``{field}`` its situation does not give. The debrief (``divestiture.debrief``) decides
which situations a class is in and fills in the numbers from the analysis and the scores.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from divestiture.game.scenario import Scenario

# situation -> the fields its wording may use (each given as text, numbers already written)
QUESTION_FIELDS: dict[str, frozenset[str]] = {
    # a deal whose buyer kept most of the surplus: what it paid against the most it would pay
    "buyer_kept_surplus": frozenset(
        {"table", "price", "scope", "buyer", "seller", "gap", "seller_gap"}
    ),
    # a deal whose seller kept most of the surplus: the price against the least it would take
    "seller_kept_surplus": frozenset(
        {"table", "price", "scope", "buyer", "seller", "gap", "buyer_gap"}
    ),
    # a deal one of whose parties did worse than walking away
    "below_walk_away": frozenset({"table", "price", "scope", "party", "gap"}),
    # a deal that some other deal betters for every party (points from the Pareto frontier)
    "off_frontier": frozenset({"table", "distance", "nash", "parties"}),
    # no deal, though one would have left every party of it better off
    "missed_deal": frozenset({"table", "outcome", "scope", "low", "high", "parties"}),
    # no deal, and none would have left every party better off
    "no_zone": frozenset({"table", "outcome"}),
    # first offers against final prices across the tables with a deal
    "anchoring": frozenset(
        {
            "tables",
            "correlation",
            "table",
            "opener",
            "first",
            "price",
            "low_table",
            "low_first",
            "low_price",
        }
    ),
    # the same seat's scores far apart at two tables
    "seat_spread": frozenset({"seat", "low", "low_table", "high", "high_table"}),
    # the class's outcomes against what really happened
    "real_outcome": frozenset({"count", "tables", "outcome"}),
}

DEFAULT_QUESTIONS: dict[str, str] = {
    "buyer_kept_surplus": (
        "Table {table} closed at ${price}B for {scope}: ${gap}B below what {buyer} would have"
        " paid, and ${seller_gap}B above the least {seller} would have taken."
        " Who anchored first, and where?"
    ),
    "seller_kept_surplus": (
        "Table {table} closed at ${price}B for {scope}: ${gap}B above the least {seller} would"
        " have taken, and ${buyer_gap}B below what {buyer} would have paid."
        " What did {buyer} give away about its limit, and when?"
    ),
    "below_walk_away": (
        "Table {table} closed at ${price}B for {scope}: ${gap}B worse for {party} than walking"
        " away. Why did {party} sign, and what did it know then?"
    ),
    "off_frontier": (
        "Table {table}'s deal was {distance} points from the Pareto frontier: the Nash point"
        " was {nash}. Which term could {parties} have traded to leave everyone better off?"
    ),
    "missed_deal": (
        "Table {table} ended in {outcome}, although a deal for {scope} at ${low}B to ${high}B"
        " would have left {parties} all better off. What stopped it?"
    ),
    "no_zone": (
        "Table {table} ended in {outcome}, and no deal the regulator could clear would have"
        " left every party better off. Was walking away the right call, and who saw it first?"
    ),
    "anchoring": (
        "Across the {tables} tables with a deal, first offers and final prices moved together"
        " (correlation {correlation}). Table {table} opened at ${first}B ({opener}) and closed"
        " at ${price}B; Table {low_table} opened at ${low_first}B and closed at ${low_price}B."
        " Did the first number decide the last?"
    ),
    "seat_spread": (
        "{seat} scored {low} at Table {low_table} and {high} at Table {high_table}."
        " What did {seat} at Table {high_table} do differently?"
    ),
    "real_outcome": (
        "{count} of {tables} tables ended as the real story did ({outcome})."
        " What did the real negotiators face that your tables did not?"
    ),
}


def template_problems(situation: str, template: str) -> list[str]:
    """What is wrong with a rules file's wording of ``situation`` (nothing: [])."""
    if situation not in QUESTION_FIELDS:
        known = ", ".join(sorted(QUESTION_FIELDS))
        return [f"'{situation}' is not a situation of the debrief (the situations: {known})"]
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as e:
        return [f"{situation}: {e}"]
    unknown = sorted(fields - QUESTION_FIELDS[situation])
    if unknown:
        known = ", ".join(sorted(QUESTION_FIELDS[situation]))
        return [f"{situation}: no field {', '.join(unknown)} (its fields: {known})"]
    return []


def question(sc: Scenario, situation: str, **fields: str) -> str:
    """The question for ``situation``, in the rules' wording or the plain one."""
    template = sc.debrief.questions.get(situation, DEFAULT_QUESTIONS[situation])
    return template.format(**fields)
