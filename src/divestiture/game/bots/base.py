"""The scripted bot's frame: it reads only its own seat's view and answers with an action.

A seat's strategy subclasses ``ScriptedBot`` and implements ``negotiate``,
``government`` and ``resolve``; each returns an action built with a one-line
rationale. The frame handles what every seat shares: the concession curve,
slips of an easy bot, lines to say, and what has been done this phase.

A bot names no scenario's seats, tracks, levers or flags: it finds them by role and
tag (game/tags.py), and words its reasons with the names the rules give them.
"""

from __future__ import annotations

from divestiture.game.actions import Action, Message, Pass, Propose, Sign, Statement, UseLever
from divestiture.game.bot_rules import Curve, Difficulty, Personality, Reason
from divestiture.game.bots.deals import chain_root, named_last
from divestiture.game.bots.memory import Memory
from divestiture.game.scenario import Scenario
from divestiture.game.state import TermSheet
from divestiture.game.tags import Purpose, TrackTag
from divestiture.game.types import (
    LIVE_STATUSES,
    NEGOTIATE,
    OPEN,
    PENDING_DEAL,
    Phase,
    Scope,
    SeatId,
    SheetStatus,
)
from divestiture.game.valuation import BriefValues
from divestiture.game.views import GameView

# Where in a round each phase sits, for the clock a bot concedes against.
_PHASE_TIME = {Phase.NEGOTIATE: 0.0, Phase.GOVERNMENT: 0.5, Phase.RESOLVE: 0.8}


class ScriptedBot:
    """A seat's strategy at work on one decision: made from the bot's rules and its
    memory, it decides, and what it then remembers is a new ``Memory``
    (``remembered``). Nothing of it outlives the decision."""

    def __init__(
        self,
        scenario: Scenario,
        seat: SeatId,
        personality: str,
        difficulty: str,
        memory: Memory,
    ) -> None:
        self.sc = scenario
        self.seat = seat
        self.personality_id = personality
        self.difficulty_id = difficulty
        self.p: Personality = scenario.bots.personalities[seat][personality]
        self.d: Difficulty = scenario.bots.difficulties[difficulty]
        self.curve: Curve = scenario.bots.curves[self.p.curve]
        self.rng = memory.generator()
        self.bias = memory.bias  # one misjudgement per game: an easy bot is off, not noisy
        self._phase = memory.phase
        self.done = set(memory.done)  # what this bot did in the current phase
        self.once = set(memory.once)  # what this bot did in the game
        self.last_price = dict(memory.last_price)  # per negotiation thread
        self.said_price = dict(memory.said_price)  # the last price named in each thread
        self.queue = list(memory.queue)  # words to follow a move, sent on the next turn
        self.said = set(memory.said)  # the lines (rules: bots.lines) said in this game
        # Read from the view being decided on:
        self._kinds: set[str] = set()  # the kinds of legal action
        self._tracks: dict[str, int] = {}  # the tracks
        self._signable: set[str] = set()  # the sheets this seat may sign now
        self._counterable: set[str] = set()  # the sheets this seat may counter now
        self._lever_uses: dict[str, list[UseLever]] = {}  # each open lever's legal uses
        self._conceded: float | None = None  # this move's concession, once worked out
        self._move: dict[object, float] = {}  # prices worked out in this move, by question
        self._speakers: dict[SeatId, SeatId] | None = None

    def remembered(self) -> Memory:
        """What this bot remembers after the decision, for the next one."""
        return Memory(
            rng=self.rng.getstate(),
            bias=self.bias,
            phase=self._phase,
            done=frozenset(self.done),
            once=frozenset(self.once),
            last_price=tuple(self.last_price.items()),
            said_price=tuple(self.said_price.items()),
            queue=tuple(self.queue),
            said=frozenset(self.said),
        )

    # -- the entry point ------------------------------------------------------------------

    def act(self, view: GameView) -> Action:
        """Choose this seat's next action from its own view."""
        self._read_legal(view)
        here = (view.round, view.phase)
        if here != self._phase:
            self._phase, self.done = here, set()
        while self.queue:
            queued = self.queue.pop(0)
            if self.allowed(view, queued.type):
                return queued
        if self.d.slip and view.legal and self.rng.random() < self.d.slip:
            slip = self.rng.choice(view.legal)
            if slip.type not in ("message", "statement"):
                return slip.model_copy(update={"rationale": "an unplanned move (difficulty)"})
        if view.phase == NEGOTIATE:
            return self.negotiate(view)
        if view.phase == Phase.GOVERNMENT:
            return self.government(view)
        return self.resolve(view)

    def _read_legal(self, view: GameView) -> None:
        """Sort the view's legal actions into kinds, signable and counterable sheets, and
        each lever's uses, in one pass (this runs at every move of every bot)."""
        kinds: set[str] = set()
        signable: set[str] = set()
        counterable: set[str] = set()
        uses: dict[str, list[UseLever]] = {}
        for a in view.legal:
            # By class, not by the ``type`` tag: the actions are of several classes, so
            # CPython cannot specialise a read of their tag, and each is a full lookup.
            if type(a) is UseLever:
                kinds.add(a.lever)
                uses.setdefault(a.lever, []).append(a)
            elif type(a) is Sign:
                kinds.add("sign")
                signable.add(a.sheet)
            elif type(a) is Propose and a.replaces is not None:
                counterable.add(a.replaces)  # a counter is not a new offer
            else:
                kinds.add(a.type)
        self._kinds, self._signable, self._counterable = kinds, signable, counterable
        self._lever_uses = uses

    def negotiate(self, view: GameView) -> Action:
        return self.pass_(view, "nothing to add")

    def government(self, view: GameView) -> Action:
        return self.pass_(view, "no official action")

    def resolve(self, view: GameView) -> Action:
        return self.pass_(view, "nothing to decide")

    # -- reading the view ----------------------------------------------------------------------

    @property
    def traits(self) -> dict[str, float]:
        return self.p.traits

    def brief(self, view: GameView) -> BriefValues:
        assert view.brief is not None, "a bot plays a seat"
        return view.brief.values

    def clock(self, view: GameView) -> float:
        """How far the game is towards its deadline, 0 at the start and 1 at the end."""
        spent = view.round - 1 + _PHASE_TIME.get(view.phase, 1.0)
        return min(1.0, spent / max(1, view.deadline))

    def conceded(self, view: GameView) -> float:
        """How much of the way to its reservation value this bot has come by now.

        On the last day a bot that feels the deadline (difficulty: deadline_sense)
        goes the rest of the way: a deal at its reservation beats no deal.
        """
        if self._conceded is None:  # the same for every offer weighed in one move
            conceded = self.curve.conceded(self.clock(view))
            if view.rounds_left == 0:
                conceded = max(conceded, self.d.deadline_sense)
            self._conceded = conceded
        return self._conceded

    def track(self, view: GameView, track_id: str) -> int:
        if not self._tracks:
            self._tracks = {t.id: t.value for t in view.tracks}
        return self._tracks[track_id]

    def tagged(self, view: GameView, tag: TrackTag) -> float | None:
        """How far up its range the track tagged ``tag`` stands, 0 at its min and 1 at its
        max (None if no track has the tag)."""
        track_id = self.sc.track_tagged(tag)
        if track_id is None:
            return None
        track = self.sc.tracks[track_id]
        return (self.track(view, track_id) - track.min) / (track.max - track.min)

    def track_name(self, track_id: str) -> str:
        """A track's name as it reads inside a sentence ("security risk")."""
        return in_a_sentence(self.sc.tracks[track_id].name)

    def allowed(self, view: GameView, kind: str) -> bool:
        """Whether some legal action of this kind (a move type or a lever id) is open."""
        return kind in self._kinds

    def usable(self, purpose: Purpose) -> str | None:
        """The first lever for ``purpose`` (its mechanic's, or a tag in the rules) that this
        seat may use now, by its id."""
        return next((lid for lid in self.sc.levers_for(purpose) if lid in self._lever_uses), None)

    def lever_ok(self, view: GameView, lever: str, **params: object) -> bool:
        """Whether this exact lever use is among the legal ones."""
        return any(
            all(getattr(a, k) == v for k, v in params.items())
            for a in self._lever_uses.get(lever, ())
        )

    def can_sign(self, sheet: TermSheet) -> bool:
        """Whether the rules let this seat sign ``sheet`` now (from the view's legal actions)."""
        return sheet.id in self._signable

    def can_counter(self, sheet: TermSheet) -> bool:
        """Whether the rules let this seat answer ``sheet`` with a counter-offer now."""
        return sheet.id in self._counterable

    def counter_thread(self, view: GameView, sheet: TermSheet) -> str | None:
        """The negotiation thread to counter ``sheet`` in, once a phase per thread, if the
        rules let this seat counter it now; the thread counts as answered from here on."""
        thread = chain_root(view.sheets, sheet)
        if f"counter-{thread}" in self.done or not self.can_counter(sheet):
            return None
        self.done.add(f"counter-{thread}")
        return thread

    def sheets(self, view: GameView, *statuses: SheetStatus) -> list[TermSheet]:
        return [s for s in view.sheets if not statuses or s.status in statuses]

    def offers_to_me(self, view: GameView) -> list[TermSheet]:
        """Open sheets I am party to and have not signed."""
        return [
            s
            for s in view.sheets
            if s.status == OPEN and self.seat in s.parties and self.seat not in s.signatures
        ]

    def pending_deal(self, view: GameView) -> TermSheet | None:
        """A signed deal waiting for the regulator's ruling (or cleared, to close), if any."""
        return next(
            (s for s in view.sheets if s.status in PENDING_DEAL),
            None,
        )

    def estimate(self, view: GameView) -> tuple[float, float] | None:
        """The range its last due diligence found, if this seat has done it."""
        if not view.findings:
            return None
        last = view.findings[-1]
        return float(last.low), float(last.high)

    def anchor(self, view: GameView, scope: Scope) -> float:
        """The public market price of a scope: the value track times the rules' anchor."""
        value = self.track(view, self.sc.term_sheets.value_track)
        return value * self.sc.bots.anchors.get(scope, 1.0)

    def scope_name(self, scope: Scope) -> str:
        return self.sc.scope_names.get(scope, scope.value)

    def day(self, view: GameView) -> str:
        return view.deadline_name

    def name(self, seat: SeatId) -> str:
        """A seat's name, as the rules give it."""
        return self.sc.seat_name(seat)

    def reason(self, situation: Reason, default: str) -> str:
        """The reason for a move in the scenario's own words (rules: bots.reasons), else
        ``default``."""
        return self.sc.bots.reasons.get(situation) or default

    # -- acting -------------------------------------------------------------------------------

    def line(self, situation: str, *, public: bool = False, **values: object) -> str | None:
        """A line for the situation: the personality's own first, then the seat's.

        People vary what they say: a line not said yet in this game is taken while there
        is one, and a ``public`` statement is never made twice (None once all are said).
        """
        options = self.p.lines.get(situation) or self.sc.bots.lines.get(self.seat, {}).get(
            situation, ()
        )
        fresh = [o for o in options if o not in self.said]
        if not fresh and (public or not options):
            return None
        text = self.rng.choice(fresh or options)
        self.said.add(text)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return None

    def counter_line(
        self, thread: str, price: int, scope: Scope, first: str | None = None
    ) -> str | None:
        """What to say with a counter in ``thread``: a line for the situation ``first``
        if given and the rules have one, else a line that holds firm when the price is
        the one named there last time ("hold"), else a "counter" line."""
        held = self.said_price.get(thread) == price
        self.said_price[thread] = price
        name = self.scope_name(scope)
        return (
            (self.line(first, price=price, scope=name) if first else None)
            or (self.line("hold", price=price, scope=name) if held else None)
            or self.line("counter", price=price, scope=name)
        )

    def pass_(self, view: GameView, why: str) -> Action:
        return Pass(rationale=why)

    def message(self, to: tuple[SeatId, ...], text: str, why: str) -> Action:
        return Message(to=to, text=text, rationale=why)

    def then_say(self, to: tuple[SeatId, ...], text: str | None, why: str) -> None:
        """Queue a private message to follow the move being made."""
        if text:
            self.queue.append(Message(to=to, text=text, rationale=why))

    def statement(self, text: str, why: str) -> Action:
        return Statement(text=text, rationale=why)

    def lobbying(self, view: GameView) -> Action | None:
        """Use a lobbying lever (tag ``lobbying``), at most once a phase, when the political
        pressure (the track tagged ``political_pressure``) is high (traits:
        ``lobby_chance``, the chance of it, and ``lobby_heat``, the pressure from which
        it does)."""
        lever = self.usable("lobbying")
        pressure = self.sc.track_tagged("political_pressure")
        if (
            lever is not None
            and pressure is not None
            and lever not in self.done
            and self.track(view, pressure) >= self.traits.get("lobby_heat", 5)
            and self.rng.random() < self.traits.get("lobby_chance", 0)
        ):
            self.done.add(lever)
            lever_name = in_a_sentence(self.sc.levers[lever].name)
            why = self.reason("lobbying", f"{self.track_name(pressure)} is high: {lever_name}")
            return UseLever(lever=lever, rationale=why)
        return None

    def chatter(self, view: GameView) -> Action | None:
        """React to the news once a round, and answer the latest message once a phase."""
        if not self.allowed(view, "statement") and not self.allowed(view, "message"):
            return None
        if f"news-{view.round}" not in self.once and self.allowed(view, "statement"):
            self.once.add(f"news-{view.round}")
            if view.news and self.rng.random() < self.p.talk:
                text = self.line("news", public=True, day=self.day(view))
                if text:
                    headline = view.news[-1].headline
                    return self.statement(text, f"reacting to today's news: {headline}")
        if self.allowed(view, "message"):
            sender = self._owed_reply(view)
            if sender is not None:
                self.once.add(f"reply-{view.round}-{sender}")
                if self.rng.random() >= self.p.talk:
                    return None
                text = self.reply_text(view, sender)
                if text:
                    return self.message((sender,), text, f"answering {self.sc.seat_name(sender)}")
        return None

    def _owed_reply(self, view: GameView) -> SeatId | None:
        """A seat that spoke to me last this round, with no deal between us under way."""
        for other, speaker in self._last_speakers(view).items():
            if speaker != other or f"reply-{view.round}-{other}" in self.once:
                continue
            if any(
                {self.seat, other} <= set(s.parties) and self.seat in s.signatures
                for s in view.sheets
                if s.status in LIVE_STATUSES
            ):
                continue
            return other
        return None

    def _last_speakers(self, view: GameView) -> dict[SeatId, SeatId]:
        """Other seat -> who spoke last between us this round."""
        if self._speakers is not None:
            return self._speakers
        last: dict[SeatId, SeatId] = {}
        for m in view.messages:
            if m.round != view.round or m.kind != "chat":
                continue
            if m.sender == self.seat:
                for to in m.to:
                    last[to] = self.seat
            elif self.seat in m.to:
                last[m.sender] = m.sender
        self._speakers = last
        return last

    def reply_text(self, view: GameView, sender: SeatId) -> str | None:
        """What to answer ``sender`` with. A seat that bargains over the price names one
        only to the other side of its deals (``price_reply``); the government and a
        fellow buyer hear a line of their own ("reply_official", "reply_partner")."""
        roles = self.sc.roles
        if self.seat == roles.seller or self.seat in roles.buyers:
            if sender in roles.buyers and self.seat in roles.buyers:
                return self.line("reply_partner")
            if sender in (roles.president, roles.regulator):
                return self.line("reply_official", day=self.day(view))
            return self.price_reply(view, sender)
        return self.line("reply", day=self.day(view))

    def price_reply(self, view: GameView, sender: SeatId) -> str | None:
        """A buyer's or the seller's answer to the other side: in talks under way with
        ``sender``, the price it named last in them (it does not undercut its own offer
        in a message); else the price it would name now."""
        live = next(
            (
                s
                for s in reversed(view.sheets)
                if s.status == OPEN and self.seat in s.parties and sender in s.parties
            ),
            None,
        )
        standing = named_last(view.sheets, live, self.seat) if live is not None else None
        if standing is not None:
            scope, price = standing.terms.scope, standing.terms.price
        else:
            scope = self.reply_scope(view)
            price = round(self.price_now(view, scope))
        return self.line("reply", price=price, scope=self.scope_name(scope), day=self.day(view))

    def reply_scope(self, view: GameView) -> Scope:
        """What a price named in a message is for, when no offer of its own says."""
        return Scope.US

    def price_now(self, view: GameView, scope: Scope) -> float:
        """The price it would name now for ``scope`` (a seller's ask, what a buyer would bid)."""
        raise NotImplementedError(f"{type(self).__name__} names no price")


def in_a_sentence(name: str) -> str:
    """A name from the rules as it reads inside a sentence: 'Security committee' ->
    'security committee', while 'US data storage' keeps its capitals."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]
