"""The scenario as data: pydantic models of a rules file, checked once, at load.

A rules file (``rules/*.yaml``) declares seats, tracks, rounds, levers, the news
deck, the ranges of the confidential briefs, scoring and the debrief timeline.
Structural errors come from pydantic; cross-references (a lever naming a track
that does not exist, a start value above its max) are checked here, and every
problem is reported with its dotted place in the file and, when known, its line.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Hashable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from divestiture.game.bot_rules import BotRules
from divestiture.game.models import Frozen, frozen
from divestiture.game.questions import template_problems
from divestiture.game.tags import (
    BUYER_BRIEF_EXTRAS,
    FLAG_LEVER_TAGS,
    LEVER_TAG_ROLES,
    MECHANIC_PURPOSES,
    OPTION_TAGS,
    REQUIRED_TRACK_TAGS,
    ROLE_BRIEF_NEEDS,
    ROLE_TRAITS,
    ROLE_WORDS,
    ROLES,
    SINGLE_LEVER_TAGS,
    TRACK_TAG_READERS,
    TRACK_TAGS,
    BriefKind,
    LeverTag,
    Mechanic,
    OptionTag,
    Purpose,
    Role,
    TrackTag,
)
from divestiture.game.types import Algorithm, Mitigation, OutcomeKind, Phase, Scope, SeatId
from divestiture.shipped import shipped_folder

_T = TypeVar("_T")

# --- seats and roles ---------------------------------------------------------


@frozen
class Seat(Frozen):
    id: SeatId
    name: str
    who: str
    wants: str
    brief: str = Field(description="Confidential brief text; {field} placeholders are filled")
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    enabled: bool = True
    plural: bool = False  # the name takes a plural verb ("Investors propose")


@frozen
class Roles(Frozen):
    """Which seat plays which part in the deal mechanics."""

    seller: SeatId
    buyers: tuple[SeatId, ...]
    president: SeatId
    regulator: SeatId


# --- tracks and rounds ---------------------------------------------------------


@frozen
class Track(Frozen):
    name: str
    description: str
    min: int
    max: int
    start: int
    unit: str = ""
    labels: tuple[str, ...] = ()
    tags: tuple[TrackTag, ...] = ()  # its part in the bots' reasoning (game/tags.py)

    @model_validator(mode="after")
    def _in_range(self) -> Track:
        # "field: message" lets the loader point at the field, not just the track.
        if self.min >= self.max:
            raise ValueError(f"min: {self.min} is not below max {self.max}")
        if self.start > self.max:
            raise ValueError(f"start: {self.start} is above max {self.max}")
        if self.start < self.min:
            raise ValueError(f"start: {self.start} is below min {self.min}")
        if self.labels and len(self.labels) != self.max - self.min + 1:
            n = self.max - self.min + 1
            raise ValueError(f"labels: has {len(self.labels)} labels for {n} values")
        return self


# --- effects and requirements ---------------------------------------------------


@frozen
class TrackChange(Frozen):
    """One change to a track; a bare number in YAML means ``add``."""

    add: int | None = None
    set: int | None = None
    at_least: int | None = None
    at_most: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"add": data}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> TrackChange:
        given = [k for k in ("add", "set", "at_least", "at_most") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of add, set, at_least, at_most")
        return self

    def apply(self, value: int, low: int, high: int) -> int:
        """Return ``value`` changed and clamped to ``[low, high]``."""
        if self.add is not None:
            value += self.add
        elif self.set is not None:
            value = self.set
        elif self.at_least is not None:
            value = max(value, self.at_least)
        elif self.at_most is not None:
            value = min(value, self.at_most)
        return max(low, min(high, value))


@frozen
class Rounds(Frozen):
    count: int = Field(ge=1, le=20)
    names: tuple[str, ...]
    phases: dict[Phase, str] = Field(description="What happens in each phase, for players")
    negotiate_actions_per_seat: int = Field(ge=1, le=50)
    messages_per_phase: int = Field(ge=0, le=200)
    statements_per_phase: int = Field(
        default=3, ge=0, le=50, description="Public statements a seat may make in one phase"
    )
    official_actions_per_round: int = Field(ge=1, le=5)
    drift: dict[str, TrackChange] = Field(default_factory=dict)
    source: str = ""


@frozen
class Bounds(Frozen):
    min: int | None = None
    max: int | None = None


@frozen
class Requirement(Frozen):
    flags_all: tuple[str, ...] = ()
    flags_none: tuple[str, ...] = ()
    tracks: dict[str, Bounds] = Field(default_factory=dict)


@frozen
class Effects(Frozen):
    tracks: dict[str, TrackChange] = Field(default_factory=dict)
    flags: tuple[str, ...] = ()


@frozen
class Lever(Frozen):
    """A seat's power: when it may be used, by whom, and what it does."""

    name: str
    description: str
    seats: tuple[SeatId, ...] = Field(min_length=1)
    phase: Literal[Phase.NEGOTIATE, Phase.GOVERNMENT, Phase.RESOLVE]
    official: bool = False
    once: bool = False
    per_round: int | None = Field(default=None, ge=1)
    ends_turn: bool = False
    public: bool = True
    mechanic: Mechanic = "effects"
    tags: tuple[LeverTag, ...] = ()  # what a plain-effects lever is for (game/tags.py)
    options: tuple[str, ...] = ()
    option_tags: dict[str, OptionTag] = Field(default_factory=dict)
    extend_rounds: int = Field(default=0, ge=0)
    requires: Requirement = Requirement()
    effects: Effects = Effects()
    source: str = ""

    @property
    def purposes(self) -> tuple[Purpose, ...]:
        """What the bots use it for: its mechanic's purpose, or a plain lever's tags."""
        if self.mechanic == "effects":
            return self.tags
        return (MECHANIC_PURPOSES[self.mechanic],)

    def option_for(self, tag: OptionTag) -> str | None:
        """The option with ``tag`` (rules: ``option_tags``), if the lever has one."""
        return next((o for o, t in self.option_tags.items() if t == tag), None)


@frozen
class Move(Frozen):
    """A negotiation move built into the engine (propose, sign, message, ...)."""

    description: str
    seats: tuple[SeatId, ...] = Field(min_length=1)
    phases: tuple[Phase, ...] = Field(min_length=1)


@frozen
class Moves(Frozen):
    propose: Move
    sign: Move
    reject: Move
    withdraw: Move
    message: Move
    statement: Move


@frozen
class TermSheetRules(Frozen):
    value_track: str = Field(description="The track prices are anchored on")
    price_min: int = Field(ge=1)
    price_max: int
    rounds_to_close_max: int = Field(ge=1)
    max_live_per_proposer: int = Field(ge=1)
    message_max_chars: int = Field(ge=1)


@frozen
class DealRisk(Frozen):
    """How a closed deal changes the security risk (GAME.md: mitigations and control)."""

    track: str
    mitigation_relief: dict[Mitigation, int]
    algorithm_relief: dict[Algorithm, int]
    control_relief: int
    control_max_seller_stake: int = Field(ge=0, le=100)


@frozen
class DueDiligence(Frozen):
    """What due diligence reveals: a seller's brief field, give or take ``noise``."""

    reveals: str
    noise: int = Field(ge=0)


# --- news, briefs, scoring, outcomes, timeline ------------------------------------------


@frozen
class NewsCard(Frozen):
    id: str
    headline: str
    quote: str = Field(min_length=20)
    effects: Effects = Effects()


@frozen
class NewsDeck(Frozen):
    first: str | None = None
    cards: tuple[NewsCard, ...] = Field(min_length=1)


@frozen
class NumberRange(Frozen):
    """A number drawn from ``min``..``max`` in steps; with ``above``, drawn as that much
    more than another number of the same brief (drawn before it, earlier in the file)."""

    min: float
    max: float
    step: float = Field(default=1, gt=0)
    above: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> NumberRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


@frozen
class Choice(Frozen):
    choose_from: tuple[str, ...] = Field(min_length=1)
    pick: int = Field(ge=1)


BriefField = NumberRange | Choice

Metric = Literal[
    "outcome",
    "track_low",
    "track_high",
    "risk_tolerance",
    "essential_mitigations",
    "endorsed_deal",
]


@frozen
class Objective(Frozen):
    """One weighted objective; a metric in ``divestiture.game.scoring`` scores it 0..1."""

    label: str
    metric: Metric
    public: bool = True
    weight: float = Field(ge=0)
    weight_from: dict[str, float] = Field(default_factory=dict)
    track: str | None = None
    spread: float | None = Field(default=None, gt=0)
    by_outcome: dict[str, float] = Field(default_factory=dict)


# What an absent seat does when the timer runs out (rules: ``absent``). rule_on_deal: the
# regulator clears a signed deal that meets its published requirements and covers any
# divestiture order, and blocks one that does not.
AbsentDefault = Literal["pass", "rule_on_deal"]


@frozen
class DealUtility(Frozen):
    """What a closed deal is worth to its parties, against their walk-away (docs/RULES.md).

    A party's score with the deal is its score with no deal (its objectives, scored as if
    the deal had not closed), moved towards 100 by the deal's surplus over its walk-away
    in $B, or towards 0 by a shortfall; ``half`` is the surplus that takes it half way.
    """

    half: dict[SeatId, float] = Field(default_factory=dict)
    # How much of the algorithm the seller gives up with each way of handling it (its
    # brief's ``keep_algorithm`` is what keeping all of it is worth).
    algorithm_given_up: dict[Algorithm, float] = Field(
        default_factory=lambda: {Algorithm.TRANSFER: 1.0, Algorithm.LICENSE: 0.5}
    )

    @field_validator("half")
    @classmethod
    def _positive(cls, half: dict[SeatId, float]) -> dict[SeatId, float]:
        for seat, value in half.items():
            if value <= 0:
                raise ValueError(f"{seat}: half must be above 0, got {value:g}")
        return half


@frozen
class Outcome(Frozen):
    id: str
    name: str
    kind: OutcomeKind
    buyers: tuple[SeatId, ...] = ()
    description: str


@frozen
class Ending(Frozen):
    effects: Effects = Effects()


@frozen
class Endings(Frozen):
    ban_flag: str
    on_ban: Ending = Ending()
    on_stalemate: Ending = Ending()
    on_deal: Ending = Ending()


@frozen
class TimelineEntry(Frozen):
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    event: str


@frozen
class RealOutcome(Frozen):
    """What really happened, in the game's terms: the outcome class closest to it, and a
    line saying so (the debrief shows it beside the class's outcomes)."""

    outcome: str
    text: str


@frozen
class DebriefRules(Frozen):
    """What the debrief report says in the scenario's own terms (docs/RULES.md)."""

    real: RealOutcome | None = None
    # situation -> wording of its discussion question (game/questions.py has each plain one)
    questions: dict[str, str] = Field(default_factory=dict)


@frozen
class Scenario(Frozen):
    """A whole scenario, as loaded from a rules file."""

    id: str
    title: str
    summary: str
    source: str
    seats: tuple[Seat, ...] = Field(min_length=2)
    roles: Roles
    tracks: dict[str, Track]
    rounds: Rounds
    start_for_sale: Scope
    scope_names: dict[Scope, str]
    mitigation_names: dict[Mitigation, str]
    algorithm_names: dict[Algorithm, str]
    moves: Moves
    levers: dict[str, Lever]
    term_sheets: TermSheetRules
    deal_risk: DealRisk
    due_diligence: DueDiligence
    news: NewsDeck
    briefs: dict[SeatId, dict[str, BriefField]]
    scoring: dict[SeatId, tuple[Objective, ...]]
    deal_utility: DealUtility = DealUtility()
    # What a seat still to act does when the phase timer runs out, by seat and phase
    # (every other seat still to act passes); docs/RULES.md lists the defaults.
    absent: dict[SeatId, dict[Phase, AbsentDefault]] = Field(default_factory=dict)
    outcomes: tuple[Outcome, ...]
    endings: Endings
    timeline: tuple[TimelineEntry, ...]
    bots: BotRules
    debrief: DebriefRules = DebriefRules()

    @field_validator("seats")
    @classmethod
    def _unique_seats(cls, seats: tuple[Seat, ...]) -> tuple[Seat, ...]:
        ids = [s.id for s in seats]
        if len(set(ids)) != len(ids):
            raise ValueError("seat ids must be unique")
        return seats

    # -- convenience -------------------------------------------------------------

    @property
    def seat_ids(self) -> tuple[SeatId, ...]:
        """The ids of the seats in play (optional seats that are off are left out)."""
        return tuple(s.id for s in self.seats if s.enabled)

    @property
    def parties(self) -> tuple[SeatId, ...]:
        """Seats that can be party to a term sheet: the buyers and the seller."""
        return (*self.roles.buyers, self.roles.seller)

    def seat(self, seat_id: SeatId) -> Seat:
        """The seat with this id (KeyError if there is none)."""
        return self._seats_by_id[seat_id]

    def seat_name(self, seat_id: SeatId) -> str:
        """The name of the seat with this id (KeyError if there is none)."""
        return self._names[seat_id]

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome class with this id (KeyError if there is none)."""
        return self._outcomes_by_id[outcome_id]

    def card(self, card_id: str) -> NewsCard:
        """The news card with this id (KeyError if there is none)."""
        return self._cards_by_id[card_id]

    def lever_holders(self, phase: Phase) -> frozenset[SeatId]:
        """The seats in play that hold a lever of ``phase``."""
        return self._holders[phase]

    def kept(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """What ``make`` works out from these rules alone (an example of a move, a part
        of a view), made the first time it is asked for and kept with the rules, which
        never change. ``key`` names it among everything kept."""
        kept: dict[Hashable, Any] = self.__dict__.setdefault("_kept", {})
        if key not in kept:
            kept[key] = make()
        return kept[key]  # type: ignore[no-any-return]

    def role_seats(self, role: Role) -> tuple[SeatId, ...]:
        """The seats that play ``role`` (one, or the buyers)."""
        if role == "buyers":
            return self.roles.buyers
        seat: SeatId = getattr(self.roles, role)
        return (seat,)

    def levers_for(self, purpose: Purpose) -> tuple[str, ...]:
        """The ids of the levers for ``purpose`` (a mechanic's or a tag, game/tags.py),
        in the file's order."""
        return self._levers_by_purpose.get(purpose, ())

    def track_tagged(self, tag: TrackTag) -> str | None:
        """The id of the track that carries ``tag``, if one does."""
        return next((tid for tid, t in self.tracks.items() if tag in t.tags), None)

    def flags_set_for(self, purpose: Purpose) -> frozenset[str]:
        """The flags that the levers for ``purpose`` set: how a bot sees they were used."""
        return frozenset(
            f for lid in self.levers_for(purpose) for f in self.levers[lid].effects.flags
        )

    @cached_property
    def _levers_by_purpose(self) -> dict[Purpose, tuple[str, ...]]:
        found: dict[Purpose, tuple[str, ...]] = {}
        for lid, lever in self.levers.items():
            for purpose in lever.purposes:
                found[purpose] = (*found.get(purpose, ()), lid)
        return found

    # Looked up at every action: indexed once (the model is frozen, so they stay right).
    @cached_property
    def _holders(self) -> dict[Phase, frozenset[SeatId]]:
        in_play = set(self.seat_ids)
        return {
            phase: frozenset(
                s
                for lv in self.levers.values()
                if lv.phase == phase
                for s in lv.seats
                if s in in_play
            )
            for phase in Phase
        }

    @cached_property
    def _seats_by_id(self) -> dict[SeatId, Seat]:
        return {s.id: s for s in self.seats}

    @cached_property
    def _names(self) -> dict[SeatId, str]:
        return {s.id: s.name for s in self.seats}

    @cached_property
    def plural_seats(self) -> frozenset[SeatId]:
        """The seats whose names take a plural verb ("Investors pass")."""
        return frozenset(s.id for s in self.seats if s.plural)

    @cached_property
    def _outcomes_by_id(self) -> dict[str, Outcome]:
        return {o.id: o for o in self.outcomes}

    @cached_property
    def _cards_by_id(self) -> dict[str, NewsCard]:
        return {c.id: c for c in self.news.cards}

    # -- cross-reference checks ----------------------------------------------------------

    def problems(self) -> list[tuple[str, str]]:
        """Every inconsistency between parts of the file, as (place, message)."""
        return list(_cross_checks(self))


def _mechanic_problems(lever: Lever) -> Iterator[tuple[str, str]]:
    """What the lever's mechanic needs of it (options, a phase, ...), as (field, problem)."""
    # Here, not at the top: the mechanics are rules of play, made from the state and the
    # scenario this module defines.
    from divestiture.game.mechanics import MECHANICS

    return MECHANICS[lever.mechanic].problems(lever)


def _cross_checks(sc: Scenario) -> Iterator[tuple[str, str]]:
    seats = {s.id for s in sc.seats}
    tracks = set(sc.tracks)
    outcome_ids = {o.id for o in sc.outcomes} | {k.value for k in OutcomeKind}
    flags_set = {f for lv in sc.levers.values() for f in lv.effects.flags}
    flags_set |= {f for c in sc.news.cards for f in c.effects.flags}

    r = sc.rounds
    if len(r.names) < r.count:
        yield "rounds.names", f"names {len(r.names)} rounds but count is {r.count}"
    for phase in (Phase.NEWS, Phase.NEGOTIATE, Phase.GOVERNMENT, Phase.RESOLVE):
        if phase not in r.phases:
            yield "rounds.phases", f"phase '{phase}' is not described"
    yield from _check_changes("rounds.drift", r.drift, sc)

    roles = sc.roles
    for name, seat in (("seller", roles.seller), ("president", roles.president)):
        if seat not in seats:
            yield f"roles.{name}", f"'{seat}' is not a seat"
    if roles.regulator not in seats:
        yield "roles.regulator", f"'{roles.regulator}' is not a seat"
    for i, b in enumerate(roles.buyers):
        if b not in seats:
            yield f"roles.buyers.{i}", f"'{b}' is not a seat"

    for mname in Moves.field_names():
        move: Move = getattr(sc.moves, mname)
        for i, s in enumerate(move.seats):
            if s not in seats:
                yield f"moves.{mname}.seats.{i}", f"'{s}' is not a seat"
    for mname in ("propose", "sign", "reject", "withdraw"):
        move = getattr(sc.moves, mname)
        for i, s in enumerate(move.seats):
            if s in seats and s not in sc.parties:
                yield f"moves.{mname}.seats.{i}", f"'{s}' cannot be party to a term sheet"

    for lid, lv in sc.levers.items():
        where = f"levers.{lid}"
        for i, s in enumerate(lv.seats):
            if s not in seats:
                yield f"{where}.seats.{i}", f"'{s}' is not a seat"
        yield from _check_effects(f"{where}.effects", lv.effects, sc)
        for req in lv.requires.tracks:
            if req not in tracks:
                yield f"{where}.requires.tracks.{req}", f"'{req}' is not a track"
        for i, f in enumerate((*lv.requires.flags_all,)):
            if f not in flags_set:
                yield f"{where}.requires.flags_all.{i}", f"no lever or card ever sets flag '{f}'"
        for field, problem in _mechanic_problems(lv):
            yield f"{where}.{field}", problem

    ts = sc.term_sheets
    if ts.price_max <= ts.price_min:
        yield "term_sheets.price_max", f"{ts.price_max} is not above price_min {ts.price_min}"

    card_ids = [c.id for c in sc.news.cards]
    for i, c in enumerate(sc.news.cards):
        if card_ids.count(c.id) > 1:
            yield f"news.cards.{i}.id", f"'{c.id}' is used by more than one card"
        yield from _check_effects(f"news.cards.{i}.effects", c.effects, sc)
    if sc.news.first is not None and sc.news.first not in card_ids:
        yield "news.first", f"'{sc.news.first}' is not a card"
    if len(sc.news.cards) < r.count + 1:
        yield (
            "news.cards",
            f"{len(sc.news.cards)} cards cannot cover {r.count} rounds and an extension",
        )

    for seat in sc.seat_ids:
        if seat not in sc.briefs:
            yield "briefs", f"seat '{seat}' has no brief"
        if seat not in sc.scoring:
            yield "scoring", f"seat '{seat}' has no scoring"
    for seat in sc.briefs:
        if seat not in seats:
            yield f"briefs.{seat}", f"'{seat}' is not a seat"
    yield from _check_brief_draws(sc)
    for seat, by_phase in sc.absent.items():
        for phase, default in by_phase.items():
            where = f"absent.{seat}.{phase}"
            if seat not in seats:
                yield f"absent.{seat}", f"'{seat}' is not a seat"
            elif default == "rule_on_deal" and not {"clear", "block"} <= {
                purpose
                for lv in sc.levers.values()
                if seat in lv.seats and lv.phase == phase
                for purpose in lv.purposes
            }:
                yield where, f"'{seat}' holds no levers to clear and block a deal in {phase}"
    parties = set(sc.parties)
    for seat in sc.deal_utility.half:
        if seat not in parties:
            yield f"deal_utility.half.{seat}", f"'{seat}' is not the seller or a buyer"
    for seat, objectives in sc.scoring.items():
        if seat not in seats:
            yield f"scoring.{seat}", f"'{seat}' is not a seat"
            continue
        brief = sc.briefs.get(seat, {})
        for i, ob in enumerate(objectives):
            where = f"scoring.{seat}.{i}"
            for f in ob.weight_from:
                if f not in brief:
                    yield f"{where}.weight_from.{f}", f"'{f}' is not in {seat}'s brief"
            for key in ob.by_outcome:
                if key not in outcome_ids:
                    yield f"{where}.by_outcome.{key}", f"'{key}' is not an outcome"
            if ob.metric in ("track_low", "track_high") and ob.track not in tracks:
                yield f"{where}.track", f"metric '{ob.metric}' needs a track, got '{ob.track}'"
            for field in _METRIC_BRIEF_FIELDS.get(ob.metric, ()):
                if field not in brief:
                    yield f"{where}.metric", f"'{ob.metric}' needs '{field}' in {seat}'s brief"
            if ob.metric in _METRIC_NEEDS_SPREAD and ob.spread is None:
                yield f"{where}.spread", f"metric '{ob.metric}' needs a spread"

    for i, out in enumerate(sc.outcomes):
        for j, b in enumerate(out.buyers):
            if b not in roles.buyers:
                yield f"outcomes.{i}.buyers.{j}", f"'{b}' is not a buyer"
    kinds = {o.kind for o in sc.outcomes}
    for kind in OutcomeKind:
        if kind not in kinds:
            yield "outcomes", f"no outcome of kind '{kind}'"
    if sc.endings.ban_flag not in flags_set:
        yield "endings.ban_flag", f"no lever or card ever sets flag '{sc.endings.ban_flag}'"
    if ts.value_track not in tracks:
        yield "term_sheets.value_track", f"'{ts.value_track}' is not a track"
    for scope in Scope:
        if scope not in sc.scope_names:
            yield "scope_names", f"scope '{scope}' has no name"
    for mitigation in Mitigation:
        if mitigation not in sc.mitigation_names:
            yield "mitigation_names", f"'{mitigation}' has no name"
    for algorithm in Algorithm:
        if algorithm not in sc.algorithm_names:
            yield "algorithm_names", f"'{algorithm}' has no name"
    yield from _check_bots(sc)
    yield from _check_track_tags(sc)
    yield from _check_lever_tags(sc)
    yield from _check_role_briefs(sc)
    if sc.deal_risk.track not in tracks:
        yield "deal_risk.track", f"'{sc.deal_risk.track}' is not a track"
    if sc.due_diligence.reveals not in sc.briefs.get(roles.seller, {}):
        yield "due_diligence.reveals", f"'{sc.due_diligence.reveals}' is not in the seller's brief"
    for name in ("on_ban", "on_stalemate", "on_deal"):
        yield from _check_effects(f"endings.{name}.effects", getattr(sc.endings, name).effects, sc)
    yield from _check_debrief(sc)


def _check_debrief(sc: Scenario) -> Iterator[tuple[str, str]]:
    real = sc.debrief.real
    if real is not None and real.outcome not in {o.id for o in sc.outcomes}:
        yield "debrief.real.outcome", f"'{real.outcome}' is not an outcome"
    for situation, template in sc.debrief.questions.items():
        for problem in template_problems(situation, template):
            yield f"debrief.questions.{situation}", problem


def _check_bots(sc: Scenario) -> Iterator[tuple[str, str]]:
    bots = sc.bots
    for level in ("easy", "normal", "hard"):
        if level not in bots.difficulties:
            yield "bots.difficulties", f"difficulty '{level}' is missing"
    for seat in sc.seat_ids:
        if len(bots.personalities.get(seat, {})) < 2:
            yield f"bots.personalities.{seat}", "needs at least two personalities"
    for seat, table in bots.personalities.items():
        if seat not in {s.id for s in sc.seats}:
            yield f"bots.personalities.{seat}", f"'{seat}' is not a seat"
        roles = [r for r in ROLES if seat in sc.role_seats(r)]
        known = frozenset().union(*(ROLE_TRAITS[r] for r in roles))
        for pid, p in table.items():
            if p.curve not in bots.curves:
                yield f"bots.personalities.{seat}.{pid}.curve", f"'{p.curve}' is not a curve"
            for trait in sorted(set(p.traits) - known):
                whose = " and ".join(f"{ROLE_WORDS[r]}'s bot" for r in roles)
                yield (
                    f"bots.personalities.{seat}.{pid}.traits.{trait}",
                    f"no bot reads '{trait}' (the traits of {whose}: {', '.join(sorted(known))})"
                    if roles
                    else f"no bot reads '{trait}': the bot of a seat with no role has no traits",
                )


def _check_track_tags(sc: Scenario) -> Iterator[tuple[str, str]]:
    """The bots read one track for each tag they need (game/tags.py)."""
    lobbying = any("lobbying" in lv.tags for lv in sc.levers.values())
    needed = {*REQUIRED_TRACK_TAGS, *(("political_pressure",) if lobbying else ())}
    for tag in TRACK_TAGS:
        carriers = [tid for tid, t in sc.tracks.items() if tag in t.tags]
        for tid in carriers[1:]:
            yield (
                f"tracks.{tid}.tags",
                f"'{tag}' is on {carriers[0]} already: the bots read one track for it",
            )
        if not carriers and tag in needed:
            yield "tracks", f"no track is tagged '{tag}': {TRACK_TAG_READERS[tag]}"


def _check_lever_tags(sc: Scenario) -> Iterator[tuple[str, str]]:
    """A lever's tags fit it: a plain-effects lever, held by a seat whose bot uses it,
    setting the flags the bots look for; an advice lever's options each say what they
    recommend."""
    first: dict[str, str] = {}
    for lid, lv in sc.levers.items():
        where = f"levers.{lid}"
        if lv.tags and lv.mechanic != "effects":
            yield (
                f"{where}.tags",
                f"a lever with mechanic '{lv.mechanic}' is used for it: tags are for "
                "plain-effects levers",
            )
            continue
        for i, tag in enumerate(lv.tags):
            at = f"{where}.tags.{i}"
            if tag in SINGLE_LEVER_TAGS:
                if tag in first:
                    yield at, f"'{tag}' is on {first[tag]} already: the bots use one lever for it"
                first.setdefault(tag, lid)
            roles = LEVER_TAG_ROLES[tag]
            if not {s for r in roles for s in sc.role_seats(r)} & set(lv.seats):
                who = " or ".join(ROLE_WORDS[r] for r in roles)
                yield at, f"'{tag}' is for a lever {who} holds (roles), and no such seat holds it"
            if tag in FLAG_LEVER_TAGS and not lv.effects.flags:
                yield at, f"'{tag}' needs a flag in the effects: the bots see the lever used by it"
            if tag == "ban_order" and sc.endings.ban_flag not in lv.effects.flags:
                yield (
                    at,
                    f"'ban_order' needs the effects to set the ban flag '{sc.endings.ban_flag}'",
                )
        yield from _check_option_tags(where, lv)


def _check_option_tags(where: str, lv: Lever) -> Iterator[tuple[str, str]]:
    advice = lv.mechanic == "brief_president"
    if lv.option_tags and not advice:
        yield f"{where}.option_tags", "only a lever with mechanic 'brief_president' tags options"
        return
    seen: dict[str, str] = {}
    for option, tag in lv.option_tags.items():
        if option not in lv.options:
            yield f"{where}.option_tags.{option}", f"'{option}' is not one of the lever's options"
        elif tag in seen:
            yield f"{where}.option_tags.{option}", f"'{tag}' is on option '{seen[tag]}' already"
        seen.setdefault(tag, option)
    for option in lv.options if advice else ():
        if option not in lv.option_tags:
            yield (
                f"{where}.option_tags",
                f"option '{option}' has no tag: the regulator's bot picks its advice by tag "
                f"({', '.join(OPTION_TAGS)})",
            )


_KIND_WORDS: dict[BriefKind, str] = {
    "number": "a number range, {min, max}",
    "choice": "a choice of data and governance terms, {choose_from, pick}",
}


def _check_brief_draws(sc: Scenario) -> Iterator[tuple[str, str]]:
    """Every draw ``above`` another names a number drawn before it; and no draw can
    contradict the brief: the seller's floor rises with the scope, and a buyer's value
    never falls as the scope widens."""
    for seat, brief in sc.briefs.items():
        drawn: set[str] = set()
        for name, spec in brief.items():
            above = spec.above if isinstance(spec, NumberRange) else None
            if above is not None and (
                above not in drawn or not isinstance(brief[above], NumberRange)
            ):
                yield (
                    f"briefs.{seat}.{name}.above",
                    f"'{above}' is not a number of {seat}'s brief drawn before it",
                )
            drawn.add(name)
    seller = sc.briefs.get(sc.roles.seller, {})
    floors = [(s, seller.get(f"reservation_{s.value}")) for s in Scope]
    for (narrow, low), (wide, high) in itertools.pairwise(floors):
        if not isinstance(low, NumberRange) or not isinstance(high, NumberRange):
            continue
        if high.above == f"reservation_{narrow.value}" and high.min >= 0:
            continue  # drawn that much above the narrower floor: it always rises
        if high.above is None and low.above is None and high.min >= low.max:
            continue
        yield (
            f"briefs.{sc.roles.seller}.reservation_{wide.value}",
            f"could be drawn below reservation_{narrow.value}: the floor must rise with "
            f"the scope (draw it with above: reservation_{narrow.value} and a min of 0 or more)",
        )
    for buyer in sc.roles.buyers:
        for name, spec in sc.briefs.get(buyer, {}).items():
            if name.startswith("scope_bonus_") and isinstance(spec, NumberRange) and spec.min < 0:
                yield (
                    f"briefs.{buyer}.{name}.min",
                    f"{spec.min:g} would make a wider scope worth less to {buyer}",
                )


def _check_role_briefs(sc: Scenario) -> Iterator[tuple[str, str]]:
    """Each seat's brief has the fields its role's bot reads, of the kind it reads."""
    for role, needs in ROLE_BRIEF_NEEDS.items():
        for seat in sc.role_seats(role):
            brief = sc.briefs.get(seat)
            if brief is None:
                continue  # reported: the seat has no brief
            for field, kind in needs.items():
                spec = brief.get(field)
                wanted = NumberRange if kind == "number" else Choice
                if spec is None:
                    yield (
                        f"briefs.{seat}",
                        f"'{field}' is missing: {ROLE_WORDS[role]}'s bot needs it "
                        f"({_KIND_WORDS[kind]})",
                    )
                elif not isinstance(spec, wanted):
                    yield (
                        f"briefs.{seat}.{field}",
                        f"{ROLE_WORDS[role]}'s bot reads it as " + (_KIND_WORDS[kind]),
                    )
            extras = BUYER_BRIEF_EXTRAS if role == "buyers" else frozenset()
            for field in sorted(extras & set(brief)):
                if not isinstance(brief[field], NumberRange):
                    yield (
                        f"briefs.{seat}.{field}",
                        f"a buyer's bot reads it as {_KIND_WORDS['number']}",
                    )
            essential = brief.get("essential") if role == "regulator" else None
            if isinstance(essential, Choice):
                for i, term in enumerate(essential.choose_from):
                    if term not in Mitigation.__members__.values():
                        yield (
                            f"briefs.{seat}.essential.choose_from.{i}",
                            f"'{term}' is not a data or governance term "
                            f"({', '.join(m.value for m in Mitigation)})",
                        )


_METRIC_BRIEF_FIELDS: dict[str, tuple[str, ...]] = {
    "risk_tolerance": ("risk_tolerance",),
    "essential_mitigations": ("essential",),
}
_METRIC_NEEDS_SPREAD = frozenset({"risk_tolerance"})


def _check_effects(where: str, effects: Effects, sc: Scenario) -> Iterator[tuple[str, str]]:
    yield from _check_changes(f"{where}.tracks", effects.tracks, sc)


def _check_changes(
    where: str, changes: dict[str, TrackChange], sc: Scenario
) -> Iterator[tuple[str, str]]:
    for tid, change in changes.items():
        track = sc.tracks.get(tid)
        if track is None:
            yield f"{where}.{tid}", f"'{tid}' is not a track"
            continue
        for op in ("set", "at_least", "at_most"):
            v = getattr(change, op)
            if v is not None and not track.min <= v <= track.max:
                yield (
                    f"{where}.{tid}.{op}",
                    f"{v} is outside {tid}'s range {track.min}..{track.max}",
                )


# --- loading ---------------------------------------------------------------------------


class ScenarioError(Exception):
    """A rules file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a rules file.

    Raises:
        ScenarioError: the file is missing, is not YAML, or breaks the rules format;
            every problem is listed with its place in the file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(p, ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(p, [f"cannot read file: {e}"]) from None
    return parse_scenario(text, p, source_dir=p.parent)


def parse_scenario(
    text: str, path: Path = Path("<rules>"), source_dir: Path | None = None
) -> Scenario:
    """Validate the YAML ``text`` of a rules file (``path`` is used in messages).

    With ``source_dir``, the scenario's source article is read from there and every
    news quote and lever source must appear in it word for word.
    """
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ScenarioError(path, [f"not valid YAML: {where}{problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(path, ["the file must be a YAML mapping of sections"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        problems = [_pydantic_problem(err) for err in e.errors()]
        root = yaml.compose(text, Loader=_LOADER)  # only now: for the problems' line numbers
        raise ScenarioError(path, [_with_line(root, w, m) for w, m in problems]) from None
    found = scenario.problems()
    if source_dir is not None:
        found += _check_quotes(scenario, source_dir / scenario.source)
    if found:
        root = yaml.compose(text, Loader=_LOADER)
        raise ScenarioError(path, [_with_line(root, w, m) for w, m in found])
    return scenario


# libyaml's parser when PyYAML has it (about seven times faster), else the pure one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def _normalise(text: str) -> str:
    text = text.translate(_QUOTES)
    return " ".join(text.split())


def _check_quotes(sc: Scenario, source: Path) -> list[tuple[str, str]]:
    """News quotes and lever sources must be the article's own words."""
    try:
        article = _normalise(source.read_text(encoding="utf-8"))
    except OSError:
        return [("source", f"cannot read the source article '{source}'")]
    problems = [
        (f"news.cards.{i}.quote", f"card '{c.id}' quotes words that are not in {source.name}")
        for i, c in enumerate(sc.news.cards)
        if _normalise(c.quote) not in article
    ]
    problems += [
        (f"levers.{lid}.source", f"'{lv.source[:40]}...' is not in {source.name}")
        for lid, lv in sc.levers.items()
        if lv.source and _normalise(lv.source) not in article
    ]
    return problems


def _pydantic_problem(err: Any) -> tuple[str, str]:
    # Drop the union-member names pydantic inserts in a location (e.g. 'NumberRange').
    loc = [str(x) for x in err["loc"] if not re.fullmatch(r"[A-Z]\w*|function-\w+.*", str(x))]
    msg = str(err["msg"]).removeprefix("Value error, ")
    field = re.match(r"^(\w+): ", msg)
    if err["type"] == "value_error" and field:
        loc.append(field.group(1))
        return ".".join(loc), msg[field.end() :]
    if err["type"] in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        msg = f"{err['input']!r}: {msg.lower()}"
    elif err["type"] == "missing":
        msg = "is missing"
    elif err["type"] == "unexpected_keyword_argument":  # a field the rules do not have
        msg = "is not a known field"
    elif "input" in err and not isinstance(err["input"], dict | list):
        msg = f"{err['input']!r}: {msg}"
    return ".".join(loc) or "(top)", msg


def _with_line(root: yaml.Node | None, where: str, message: str) -> str:
    line = _line_of(root, where.split(".")) if root is not None else None
    at = f" (line {line})" if line is not None else ""
    return f"{where}: {message}{at}"


def _line_of(node: yaml.Node, path: list[str]) -> int | None:
    """The 1-based line where ``path`` (dotted keys and list indexes) is written."""
    line = node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
            line = node.start_mark.line + 1
        else:
            return line
    return line


SCENARIO_DIR = shipped_folder("rules")
DEFAULT_SCENARIO = SCENARIO_DIR / "tiktok_2020.yaml"
