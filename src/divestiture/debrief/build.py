"""Every table of a class replayed and analysed, each seat's score set against the same seat
at the other tables, and the class against games between bots under the same rules.

The figures are the engine's: the scores are ``game.scoring.scores`` of the replayed game,
the deal space is ``game.analysis.analyse`` of the same seed and log (what ``divest
analyze`` prints), and the bots' games are ``game.simulation.play_game``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from divestiture.debrief.records import BotRecord, ClassInput, TableInput
from divestiture.game.actions import Terms
from divestiture.game.analysis import Analysis, DealSpace, analyse
from divestiture.game.engine import apply, start
from divestiture.game.events import Event, NewsDrawn, PhaseBegan, Proposed, Reason
from divestiture.game.narration import event_text
from divestiture.game.scenario import Scenario
from divestiture.game.scoring import SeatScore, scores
from divestiture.game.simulation import game_seeds, play_game, player_factory
from divestiture.game.state import GameState
from divestiture.game.types import FACILITATOR, Phase, SeatId, SheetId

BOT_GAMES = 200  # games between bots the class is compared with
BOT_SEED = 1  # their run's seed: the games of ``divest simulate --games 200 --seed 1``
FACILITATOR_ROW = "facilitator"  # the transcript's filter for the facilitator's controls
TIMER = "timer"
# The lines of the facilitator's controls (and the timer's), which carry no seat.
_CONTROLS = frozenset({"started", "paused", "announcement", "note", "timeout", "news"})


@dataclass(frozen=True, slots=True)
class Offer:
    """A term sheet put on the table."""

    version: int  # the state version it made
    round: int
    seat: SeatId
    sheet: SheetId
    terms: Terms
    counters: SheetId | None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a table's transcript, as the facilitator saw it."""

    version: int
    round: int
    phase: Phase
    who: str  # a seat's id, FACILITATOR_ROW, TIMER, or "" (the game itself: news, phases)
    seats: frozenset[str]  # whom it concerns, for the filter: who acted and who was told
    kind: str  # the event's kind
    text: str
    why: str = ""  # the reason the seat gave (a bot's), for the facilitator


@dataclass(frozen=True, slots=True)
class Standing:
    """A seat's score at one table against the same seat at the class's other tables."""

    rank: int  # 1: the best (tables with the same score share a rank)
    of: int  # how many tables
    percentile: float  # 0 the lowest, 100 the highest; 50 with no other table


@dataclass(frozen=True, slots=True)
class TableDebrief:
    """One table: its game replayed, its scores and its deal space."""

    table: TableInput
    state: GameState  # as it ended (or stands, if it has not ended)
    scores: dict[SeatId, SeatScore]
    analysis: Analysis
    offers: tuple[Offer, ...]
    lines: tuple[Line, ...]
    standings: dict[SeatId, Standing]

    @property
    def n(self) -> int:
        return self.table.n

    @property
    def label(self) -> str:
        """ "Table 3", or "Room ABCDE" for a room on its own."""
        return f"Table {self.n}" if self.n else f"Room {self.table.room}"

    @property
    def over(self) -> bool:
        return self.state.over

    @property
    def deal(self) -> Terms | None:
        """The deal that closed, if one did."""
        closed = self.state.closed_sheet
        sheet = self.state.sheet(closed) if closed else None
        return sheet.terms if sheet is not None else None

    @property
    def first_offer(self) -> Offer | None:
        return self.offers[0] if self.offers else None

    @property
    def shown_space(self) -> DealSpace | None:
        """The deal space the deal map shows: the deal's, else the one whose Nash point
        gains the parties most, else the first."""
        found = self.analysis
        if found.agreed_space is not None:
            return found.agreed_space
        possible = [s for s in found.spaces if s.nash is not None]
        if possible:
            return max(possible, key=_nash_gain)
        return found.spaces[0] if found.spaces else None

    def players(self, seat: SeatId) -> str:
        """Who played ``seat``: the names of its team, or its bot."""
        bot = self.table.bots.get(seat)
        names = self.table.holders.get(seat, ())
        if names:
            return ", ".join(names)
        return bot_name(self.state.scenario, seat, bot) if bot else "nobody"


@dataclass(frozen=True, slots=True)
class Baseline:
    """Games between scripted bots under the class's rules."""

    games: int
    seed: int
    outcomes: dict[str, int]  # outcome id -> games
    scores: dict[SeatId, tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class ClassDebrief:
    """A class's tables, analysed, and the bots' games it is compared with."""

    input: ClassInput
    tables: tuple[TableDebrief, ...]
    baseline: Baseline
    viewer: SeatId | None = None  # a seat's own copy: only the lines that seat saw

    @property
    def scenario(self) -> Scenario:
        return self.input.scenario

    def outcome_counts(self) -> dict[str, int]:
        """Outcome id -> tables (only tables that have ended)."""
        counted = Counter(str(t.state.outcome) for t in self.tables if t.over)
        return {o.id: counted.get(o.id, 0) for o in self.scenario.outcomes}


def bot_name(sc: Scenario, seat: SeatId, bot: BotRecord) -> str:
    """A bot as the grades and the report name it: "bot (Hawk)"."""
    found = sc.bots.personalities.get(seat, {}).get(bot.personality)
    return f"bot ({found.name if found else bot.personality})"


def build(
    record: ClassInput,
    *,
    bot_games: int = BOT_GAMES,
    bot_seed: int = BOT_SEED,
    viewer: SeatId | None = None,
    bots: Baseline | None = None,
) -> ClassDebrief:
    """The debrief of a class: every table replayed and analysed, and ``bot_games`` games
    between bots under the same rules (pure: nothing is read or written), or ``bots``,
    those games played already (``bots_for``). With a ``viewer`` seat, its transcripts
    keep only the lines that seat saw, and only its own reasons: the copy a student of
    that seat takes home."""
    tables = [_table(record.scenario, t, viewer) for t in record.tables]
    standings = _standings(tables)
    done = tuple(
        TableDebrief(t.table, t.state, t.scores, t.analysis, t.offers, t.lines, standings[t.n_key])
        for t in tables
    )
    if bots is None:
        bots = bots_for(record, bot_games, bot_seed)
    return ClassDebrief(record, done, bots, viewer)


def bots_for(record: ClassInput, games: int = BOT_GAMES, seed: int = BOT_SEED) -> Baseline:
    """The games between bots a class is compared with: under its rules and its days."""
    return baseline(record.scenario, games, seed, rounds_of(record))


def rounds_of(record: ClassInput) -> int | None:
    """The days before the deadline a class's tables play (None: the rules')."""
    return record.tables[0].rounds if record.tables else None


def baseline(sc: Scenario, games: int, seed: int, rounds: int | None = None) -> Baseline:
    """``games`` seeded games between scripted bots (personalities drawn per game)."""
    players = player_factory(sc)
    outcomes: Counter[str] = Counter()
    per_seat: dict[SeatId, list[float]] = {s: [] for s in sc.seat_ids}
    for game_seed in game_seeds(seed, games):
        state = play_game(sc, game_seed, players, rounds=rounds).state
        outcomes[str(state.outcome)] += 1
        for seat, score in scores(state).items():
            per_seat[seat].append(score.total)
    return Baseline(
        games,
        seed,
        {o.id: outcomes.get(o.id, 0) for o in sc.outcomes},
        {seat: tuple(values) for seat, values in per_seat.items()},
    )


# --- one table ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Replayed:
    table: TableInput
    state: GameState
    scores: dict[SeatId, SeatScore]
    analysis: Analysis
    offers: tuple[Offer, ...]
    lines: tuple[Line, ...]

    @property
    def n_key(self) -> tuple[int, str]:
        return (self.table.n, self.table.room)


def _table(sc: Scenario, table: TableInput, viewer: SeatId | None = None) -> _Replayed:
    opening = start(sc, table.seed, table.rounds, wait_for_start=table.waits_for_teacher)
    state = opening.state
    where = (1, Phase.NEWS)
    lines: list[Line] = []
    offers: list[Offer] = []
    where = _lines(sc, lines, offers, _seen(opening.events, viewer), 0, "", where)
    for actor, action in table.log:
        step = apply(state, actor, action)
        state = step.state
        who = str(actor)
        if actor == FACILITATOR:
            who = TIMER if action.type == "timeout" else FACILITATOR_ROW
        seen = _seen(step.events, viewer)
        where = _lines(sc, lines, offers, seen, state.version, who, where)
    found = analyse(
        sc,
        table.seed,
        list(table.log),
        rounds=table.rounds,
        wait_for_start=table.waits_for_teacher,
    )
    return _Replayed(table, state, scores(state), found, tuple(offers), tuple(lines))


def _seen(events: tuple[Event, ...], viewer: SeatId | None) -> tuple[Event, ...]:
    """The events ``viewer`` saw (every one with no viewer; a reason is its seat's own)."""
    return events if viewer is None else tuple(e for e in events if e.visible(viewer))


def _lines(  # noqa: PLR0917 - the step's parts, in the order they are read
    sc: Scenario,
    lines: list[Line],
    offers: list[Offer],
    events: tuple[Event, ...],
    version: int,
    who: str,
    where: tuple[int, Phase],
) -> tuple[int, Phase]:
    """The transcript's lines of one step's events (a seat's reason goes with the line of
    what it did), and the offers among them; the day and phase the step ended in."""
    why = ""
    for event in events:
        data = event.data
        if isinstance(data, PhaseBegan):
            where = (data.round, data.phase)
        elif isinstance(data, NewsDrawn) and data.round != where[0]:
            where = (data.round, Phase.NEWS)
        if isinstance(data, Reason):
            why = data.action.rationale
            continue
        if isinstance(data, Proposed):
            offers.append(
                Offer(version, where[0], data.seat, data.sheet, data.terms, data.replaces)
            )
        seat = getattr(data, "seat", None)
        # A line with no seat of its own is the facilitator's (or the timer's) only if it
        # is their control's; the game's own lines (phases, tracks) are nobody's.
        if seat is not None:
            actor = str(seat)
        elif who in (FACILITATOR_ROW, TIMER) and data.kind in _CONTROLS:
            actor = who
        else:
            actor = ""
        concerned = {actor} | set(event.visible_to or ())
        if actor == TIMER:
            concerned.add(FACILITATOR_ROW)
        concerned.discard("")
        lines.append(
            Line(
                version=version,
                round=where[0],
                phase=where[1],
                who=actor,
                seats=frozenset(concerned),
                kind=data.kind,
                text=event_text(sc, data),
                why=why,
            )
        )
        why = ""
    return where


# --- each seat against the same seat at the other tables ------------------------------------


def _standings(tables: list[_Replayed]) -> dict[tuple[int, str], dict[SeatId, Standing]]:
    out: dict[tuple[int, str], dict[SeatId, Standing]] = {t.n_key: {} for t in tables}
    seats = {seat for t in tables for seat in t.scores}
    for seat in seats:
        totals = [(t.n_key, t.scores[seat].total) for t in tables if seat in t.scores]
        for key, total in totals:
            out[key][seat] = standing(total, [v for k, v in totals if k != key])
    return out


def standing(total: float, others: list[float]) -> Standing:
    """A score's rank and percentile among the same seat's scores at the other tables:
    the percentile is the share of the other tables it beats, a tie counting half."""
    above = sum(1 for v in others if v > total)
    if not others:
        return Standing(1, 1, 50.0)
    below = sum(1 for v in others if v < total)
    ties = len(others) - above - below
    return Standing(above + 1, len(others) + 1, 100.0 * (below + 0.5 * ties) / len(others))


def _nash_gain(space: DealSpace) -> float:
    assert space.nash is not None
    gains = [s - w for s, w in zip(space.nash.scores, space.walk_away, strict=True)]
    product = 1.0
    for g in gains:
        product *= g
    return product
