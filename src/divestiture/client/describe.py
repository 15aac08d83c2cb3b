"""Words for what the client shows: lever tooltips, term sheets, thread names.

Pure text from the view and the public rules (no pygame), so it is easy to test
and the same words appear wherever a thing is shown.
"""

from __future__ import annotations

import re
from html import escape

from divestiture.game.actions import (
    Action,
    Message,
    Pass,
    Propose,
    Reject,
    Sign,
    Statement,
    UseLever,
    Withdraw,
)
from divestiture.game.mechanics import MECHANICS
from divestiture.game.scenario import Effects, Lever, Scenario, TrackChange
from divestiture.game.state import TermSheet
from divestiture.game.types import SeatId
from divestiture.game.views import GameView, SeatInfo
from divestiture.game.wording import capitalised, safeguard_names, seat_word

STATUS_NAMES = {
    "open": "open",
    "signed": "signed: awaiting CFIUS",
    "cleared": "cleared by CFIUS",
    "blocked": "blocked",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "superseded": "countered",
    "lapsed": "lapsed",
    "closed": "closed: the deal is done",
}


def seat_name(view: GameView, seat: str | None) -> str:
    """The display name of a seat in this view (the id if unknown)."""
    return next((s.name for s in view.seats if s.id == seat), seat or "")


def in_words(scenario: Scenario, text: str) -> str:
    """A message from the server as a player reads it: every seat id of the rules
    (``cfius``, ``'white_house'``) becomes the seat's name, and the first letter a
    capital: "a bot plays cfius in room K7QM2" -> "A bot plays CFIUS in room K7QM2".

    The server words its refusals for logs and other clients too, so they may name
    seats by id; the client, which has the rules, says them the way the table does.
    """
    ids = "|".join(re.escape(s) for s in sorted(scenario.seat_ids, key=len, reverse=True))
    # A quoted id loses its quotes; an id inside a longer word ("cfius_review") is left.
    pattern = re.compile(rf"'({ids})'|\b({ids})\b")
    named = pattern.sub(lambda m: scenario.seat_name(SeatId(m.group(1) or m.group(2))), text)
    return capitalised(named)


def seat_info(view: GameView, seat: str) -> SeatInfo | None:
    return next((s for s in view.seats if s.id == seat), None)


def change_text(scenario: Scenario, track_id: str, change: TrackChange) -> str:
    """One track change as a reader would say it: 'Political heat −3'."""
    track = scenario.tracks[track_id]
    name = track.name
    unit = track.unit

    def amount(v: int) -> str:
        label = track.labels[v - track.min] if track.labels else ""
        shown = f"{unit}{v}" if unit == "$B" else f"{v}{unit}"
        return f"{shown} ({label})" if label else shown

    if change.add is not None:
        sign = "+" if change.add > 0 else "\u2212"
        size = f"${abs(change.add)}B" if unit == "$B" else str(abs(change.add))
        return f"{name} {sign}{size}"
    if change.set is not None:
        return f"{name} set to {amount(change.set)}"
    if change.at_least is not None:
        return f"{name} at least {amount(change.at_least)}"
    assert change.at_most is not None
    return f"{name} at most {amount(change.at_most)}"


def effects_text(scenario: Scenario, effects: Effects) -> list[str]:
    """What an effect block does to the public tracks, one line per track."""
    return [change_text(scenario, tid, ch) for tid, ch in effects.tracks.items()]


def lever_tooltip(scenario: Scenario, lever: Lever) -> str:
    """A lever's description and its effects on the tracks (pygame_gui tooltip HTML)."""
    lines = [f"<b>{escape(lever.name)}</b>", escape(lever.description)]
    effects = effects_text(scenario, lever.effects)
    if effects:
        lines.append("<i>Effect on the tracks:</i> " + escape(", ".join(effects)))
    notes = []
    if lever.once:
        notes.append("once a game")
    if lever.official:
        notes.append("your official action this round")
    if lever.ends_turn:
        notes.append("ends your turn")
    if not lever.public:
        notes.append("private")
    if notes:
        lines.append("<i>" + escape("; ".join(notes).capitalize()) + "</i>")
    return "<br>".join(lines)


def option_label(scenario: Scenario, view: GameView, action: UseLever) -> str:
    """What distinguishes one use of a lever from another: its option, sheet or terms."""
    if action.sheet is not None:
        sheet = next((s for s in view.sheets if s.id == action.sheet), None)
        return f"{action.sheet}: {terms_line(scenario, sheet)}" if sheet else action.sheet
    lever = scenario.levers[action.lever]
    return capitalised(MECHANICS[lever.mechanic].detail(scenario, action))


def terms_line(scenario: Scenario, sheet: TermSheet | None) -> str:
    """A term sheet in one short line: buyers, price and scope ("Microsoft 100%, $40B for
    the US business"; a choice too long for its list loses the end of the scope first)."""
    if sheet is None:
        return ""
    t = sheet.terms
    buyers = " + ".join(f"{seat_word(scenario, b.seat)} {b.percent}%" for b in t.buyers)
    return f"{buyers}, ${t.price}B for {scenario.scope_names[t.scope]}"


def sheet_html(scenario: Scenario, view: GameView, sheet: TermSheet) -> str:
    """A term sheet as the card text: parties, terms and who has signed."""
    t = sheet.terms
    colour = {s.id: s.color for s in view.seats}
    buyers = ", ".join(
        f"<font color='{colour.get(b.seat, '#E6EAF2')}'><b>{escape(seat_word(scenario, b.seat))}"
        f"</b></font> {b.percent}%"
        for b in t.buyers
    )
    seller = seat_word(scenario, sheet.seller)
    terms = safeguard_names(scenario, t.mitigations)
    signs = []
    for party in sheet.parties:
        mark = "\u2714" if party in sheet.signatures else "\u2026"
        signs.append(f"{mark} {escape(seat_word(scenario, party))}")
    return (
        f"<b>${t.price}B</b> for {escape(scenario.scope_names.get(t.scope, t.scope))}<br>"
        f"Buyers: {buyers}; {escape(seller)} keeps {t.seller_stake}%<br>"
        f"Algorithm: {escape(capitalised(scenario.algorithm_names[t.algorithm]))}<br>"
        f"Terms: {escape(', '.join(terms) or 'none')}<br>"
        f"<font color='#98A3B8'>Signed: {'  '.join(signs)}</font>"
    )


def sheet_title(view: GameView, sheet: TermSheet) -> str:
    """The card's heading: id, proposer, status and when it lapses."""
    status = STATUS_NAMES.get(sheet.status, sheet.status)
    counter = f", counters {sheet.replaces}" if sheet.replaces else ""
    lapses = ""
    if sheet.status == "open":
        lapses = f" · until {_day(view, sheet.expires_round)}"
    return f"{sheet.id} · by {seat_name(view, sheet.proposer)}{counter} · {status}{lapses}"


def _day(view: GameView, round_no: int) -> str:
    # Absolute ("day 3", not "today"), so a card's text stays the same from day to day
    # and the client need not remake it.
    if round_no == view.deadline:
        return view.deadline_name
    return f"day {round_no}"


def action_label(view: GameView, action: Action) -> str:
    """A short description of an action, for the autoplay log and confirmations."""
    if isinstance(action, Pass):
        return "pass"
    if isinstance(action, Message):
        return "message to " + ", ".join(seat_name(view, s) for s in action.to)
    if isinstance(action, Statement):
        return "statement"
    if isinstance(action, Propose):
        return "counter " + action.replaces if action.replaces else "propose a term sheet"
    if isinstance(action, Sign | Reject | Withdraw):
        return f"{action.type} {action.sheet}"
    if isinstance(action, UseLever):
        return f"lever {action.lever}"
    return action.type


def thread_of(me: str, sender: str, to: tuple[str, ...]) -> tuple[str, ...]:
    """The private threads a message belongs to: each other seat in the conversation."""
    others = {sender, *to} - {me}
    return tuple(sorted(others))


# Refusals the teacher's controls cause, said as a student reads them (the server's
# message names the facilitator, for every client).
_TEACHER_SAYS = {
    "not_started": "Your teacher has not started the week yet.",
    "paused": "Play is paused by your teacher: try again when it resumes.",
}


def refusal_text(scenario: Scenario, code: str, message: str) -> str:
    """A refusal from the server in a player's words: seats named as the rules name
    them; a refusal because the week has not started, or play is paused, says so and
    what was not done ("Not done: Sign ts-3. Play is paused by your teacher: ...")."""
    said = _TEACHER_SAYS.get(code)
    if said is None:
        return in_words(scenario, message)
    what, refused, _ = message.partition(" refused: ")
    return f"Not done: {in_words(scenario, what)}. {said}" if refused else said


def moved_text(scenario: Scenario, room: str, role: str, before: str) -> str:
    """What a student is told when the teacher moves them: to which seat, at which
    table; or that a bot plays their seat now and they watch."""
    if role in scenario.seat_ids:
        there = f" at table {room}" if room != before else ""
        return f"Your teacher moved you to {scenario.seat_name(SeatId(role))}{there}."
    return f"Your teacher gave your seat to a bot: you are watching table {room}."
