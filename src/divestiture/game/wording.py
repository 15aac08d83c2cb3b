"""Things of the rules put into words for players: names of seats, days, terms, options
and safeguards, said the same way by the events' lines (``narration``), the refusals
and the client's cards. Names come from the rules file, never ids."""

from __future__ import annotations

from collections.abc import Collection

from divestiture.game.actions import Terms
from divestiture.game.scenario import Scenario
from divestiture.game.types import Mitigation, Scope, SeatId


def terms_text(sc: Scenario, terms: Terms, *, closed: bool = False) -> str:
    """A term sheet's terms as a player reads them, e.g. "$40B for the US business:
    Microsoft 100%, ByteDance keeps 0%; algorithm licensed to the buyers; US data
    storage; open for 2 days" (without how long it is open, for a ``closed`` deal)."""
    buyers = " + ".join(f"{sc.seat_name(b.seat)} {b.percent}%" for b in terms.buyers)
    seller = subject(sc, sc.roles.seller, f"keeps {terms.seller_stake}%")
    safeguards = ", ".join(safeguard_names(sc, terms.mitigations))
    days = terms.rounds_to_close
    text = (
        f"${terms.price}B for {sc.scope_names[terms.scope]}: {buyers}, "
        f"{seller}; "
        f"algorithm {sc.algorithm_names[terms.algorithm]}; "
        f"{safeguards or 'no data or governance terms'}"
    )
    return text if closed else f"{text}; open for {days} day{'s' if days != 1 else ''}"


def safeguard_names(sc: Scenario, mitigations: Collection[Mitigation]) -> list[str]:
    """The names of these data and governance terms, in the rules file's order."""
    return [name for m, name in sc.mitigation_names.items() if m in mitigations]


_SCOPES = frozenset(s.value for s in Scope)


def option_name(sc: Scenario, option: str) -> str:
    """A lever's option as a player reads it: a scope by its name, else its words
    ("clear_a_deal" -> "clear a deal")."""
    if option in _SCOPES:
        return sc.scope_names[Scope(option)]
    return option.replace("_", " ")


def day_name(sc: Scenario, round_no: int) -> str:
    """A round by its day's name in the rules ("Monday"), or "Day 8" past the names."""
    names = sc.rounds.names
    return names[round_no - 1] if 0 < round_no <= len(names) else f"Day {round_no}"


def capitalised(text: str) -> str:
    """``text`` with its first letter in capitals (a name from the rules at a line's start)."""
    return text[:1].upper() + text[1:]


# A seat's line is written for one seat; a plural name ("Investors") takes these.
_PLURAL_VERBS = {"has": "have", "is": "are", "does": "do", "was": "were"}


def subject(sc: Scenario, seat: SeatId, does: str) -> str:
    """A seat's name and what it does, the verb agreeing with the name: "Microsoft
    passes", "Investors pass". ``does`` is written for one seat and starts with its verb
    ("has already signed ts-3", "uses Lobby Washington")."""
    name = sc.seat_name(seat)
    if seat not in sc.plural_seats:
        return f"{name} {does}"
    verb, space, rest = does.partition(" ")
    if verb in _PLURAL_VERBS:
        verb = _PLURAL_VERBS[verb]
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        verb = verb[:-2]
    elif verb.endswith("s"):
        verb = verb[:-1]
    return f"{name} {verb}{space}{rest}"


def seat_word(sc: Scenario, seat: str) -> str:
    """A seat by its name, or an id the rules do not know in quotes (bad input)."""
    try:
        return sc.seat_name(SeatId(seat))
    except KeyError:
        return repr(seat)


def flag_source(sc: Scenario, flag: str) -> str:
    """What sets ``flag``, in words: the first lever that does ("“Open the CFIUS
    review”"), else the news card ("the news “…”"); the flag's words if nothing does."""
    for lever in sc.levers.values():
        if flag in lever.effects.flags:
            return f"\u201c{lever.name}\u201d"
    for card in sc.news.cards:
        if flag in card.effects.flags:
            return f"the news \u201c{card.headline}\u201d"
    return flag.replace("_", " ")
