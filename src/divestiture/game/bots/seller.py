"""The seller's bot (roles: seller): sell above its floor, keep what it can, and above all
avoid a ban.

Traits (rules: bots.personalities.<seller>.*.traits):
  ban_fear          share of what a ban would cost it (brief: ban_loss) it gives up from its
                    floor when a ban is coming at the deadline (all of it, at most)
  propose_at        clock (0..1) from which it makes the first offer itself
  mitigate          1 to use its safeguard levers (tag safeguard) early
  lobby_chance      chance a round of using a lobbying lever when the political
                    pressure is high
  lobby_heat        political pressure (the track tagged political_pressure) from which
                    it lobbies
  widen             1 to put the global business up for sale if the regulator orders a
                    global divestiture
"""

from __future__ import annotations

from divestiture.game.actions import Action, Propose, Reject, Sign, Terms, UseLever
from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.deals import make_terms
from divestiture.game.state import TermSheet
from divestiture.game.types import OPEN, Algorithm, Mitigation, Scope, SeatId, SheetStatus
from divestiture.game.valuation import seller_floor, seller_walkaway
from divestiture.game.views import GameView


class SellerBot(ScriptedBot):
    """Asks high, concedes along its curve, and takes a fair offer before a ban."""

    def ask(self, view: GameView, scope: Scope, algorithm: Algorithm) -> float:
        """The lowest price it would sign for now (worked out once a move)."""
        found = self._move.get((scope, algorithm))
        if found is None:
            found = self._move[(scope, algorithm)] = self._ask(view, scope, algorithm)
        return found

    def _ask(self, view: GameView, scope: Scope, algorithm: Algorithm) -> float:
        ban = 0.0
        if self.sc.endings.ban_flag in view.flags:
            # A ban at the deadline changes everything: the closer, the more of what a ban
            # would cost it (its brief's ban_loss) it gives up. A bot that feels the
            # deadline goes all the way to its walk-away under a ban on the last day.
            urgency = 1.0 if view.rounds_left == 0 else 0.5 if view.rounds_left == 1 else 0.2
            fear = self.traits.get("ban_fear", 0)
            if view.rounds_left == 0:
                fear = max(fear, self.d.deadline_sense)
            ban = min(1.0, fear * urgency)
        floor = seller_walkaway(self.sc, self.brief(view), scope, algorithm, ban)
        # Open above both my floor and the market's price, concede towards the floor.
        market = self.anchor(view, scope) * (1 + self.p.opening / 2)
        opening = max(floor * (1 + self.p.opening), market)
        return floor + (opening - floor) * (1 - self.conceded(view)) + self.bias

    def negotiate(self, view: GameView) -> Action:
        for step in (self._react, self._widen, self._mitigate, self._answer_offers, self._open):
            action = step(view)
            if action is not None:
                return action
        said = self.chatter(view) or self.lobbying(view)
        if said is not None:
            return said
        return self.pass_(view, "waiting for better offers")

    def _react(self, view: GameView) -> Action | None:
        if self.sc.endings.ban_flag in view.flags and "answered the ban" not in self.once:
            self.once.add("answered the ban")
            text = self.line("answer_ban", public=True)
            if text and self.allowed(view, "statement"):
                why = self.reason("answer_ban", "a ban is ordered: answer in public")
                return self.statement(text, why)
        return None

    def _widen(self, view: GameView) -> Action | None:
        ordered = view.divestiture_scope
        if ordered is None or ordered.rank <= view.for_sale.rank:
            return None
        lever = self.usable("for_sale")
        if (
            lever is not None
            and self.traits.get("widen", 0) >= 1
            and self.lever_ok(view, lever, option=ordered.value)
        ):
            regulator = self.name(self.sc.roles.regulator)
            return UseLever(
                lever=lever,
                option=ordered.value,
                rationale=(
                    f"{regulator} ordered divestiture of {self.scope_name(ordered)}: offer it"
                ),
            )
        return None

    def _mitigate(self, view: GameView) -> Action | None:
        """Use a safeguard lever (tag ``safeguard``, in the file's order) from the second
        day, or once the regulator's review (the lever tagged ``review``) is open."""
        if self.traits.get("mitigate", 0) < 1 and self.sc.endings.ban_flag not in view.flags:
            return None
        under_review = not self.sc.flags_set_for("review").isdisjoint(view.flags)
        for lever in self.sc.levers_for("safeguard"):
            if self.allowed(view, lever) and (view.round >= 2 or under_review):
                risk = self.track_name(self.sc.deal_risk.track)
                regulator = self.name(self.sc.roles.regulator)
                return UseLever(lever=lever, rationale=f"lower the {risk} before {regulator} acts")
        return None

    def _answer_offers(self, view: GameView) -> Action | None:
        offers = [o for o in self.offers_to_me(view) if o.proposer != self.seat]
        if not offers or self.pending_deal(view) is not None:
            return None
        best = max(
            offers, key=lambda o: o.terms.price - self.ask(view, o.terms.scope, o.terms.algorithm)
        )
        ask = self.ask(view, best.terms.scope, best.terms.algorithm)
        # Offers are in whole $B: the price it would name itself is good enough to sign.
        if best.terms.price >= round(ask) and self.can_sign(best):
            return Sign(
                sheet=best.id,
                note=self.line("accept") or "",
                rationale=f"${best.terms.price}B meets my ask of ${ask:.0f}B now",
            )
        thread = self.counter_thread(view, best)
        if thread is None:
            return None
        # Keeping the algorithm is one of its objectives: a shrewd seller answers a
        # transfer with a licence, at the licence's (lower) ask.
        algorithm = best.terms.algorithm
        if algorithm == Algorithm.TRANSFER and self.d.deadline_sense >= 0.5:
            algorithm = Algorithm.LICENSE
            ask = self.ask(view, best.terms.scope, algorithm)
        # Never ask more than last time in the same thread; mirror a raised bid.
        previous = self.last_price.get(thread)
        price = ask if previous is None else min(previous, ask)
        raised = best.terms.price - self._their_last(view, best)
        if raised > 0 and previous is not None:
            price = min(price, previous - self.p.tit_for_tat * raised)
        price = max(price, best.terms.price + 1)
        insulting = best.terms.price < 0.6 * seller_floor(self.brief(view), best.terms.scope)
        if insulting and self.allowed(view, "reject"):
            return Reject(
                sheet=best.id,
                note=self.line("reject") or "",
                rationale=f"${best.terms.price}B is an insult",
            )
        self.last_price[thread] = price
        terms = self._terms(view, best, price, algorithm)
        # A buyer with a rival that offers more hears that it is not alone (never what
        # the rival offers).
        rival = self._better_rival(view, best)
        line = self.counter_line(
            thread, terms.price, terms.scope, first="rival" if rival is not None else None
        )
        why = f"counter {best.id} at ${terms.price}B ({self.p.curve}, ask ${ask:.0f}B"
        if rival is not None:
            why += f"; {rival.id} offers more"
        if raised > 0 and previous is not None and terms.price < round(ask):  # it mirrored
            why += f"; the buyer raised ${raised:.0f}B, so I come down too"
        return Propose(terms=terms, replaces=best.id, note=line or "", rationale=why + ")")

    def _better_rival(self, view: GameView, sheet: TermSheet) -> TermSheet | None:
        """Another buyer's offer, still open or made today, that comes closer to this
        seller's ask than ``sheet`` does (each against the ask for its own terms)."""
        buyers = set(sheet.terms.buyer_seats)

        def short(s: TermSheet) -> float:  # how far below the ask an offer falls
            return self.ask(view, s.terms.scope, s.terms.algorithm) - s.terms.price

        rivals = [
            s
            for s in view.sheets
            if s.proposer != self.seat
            and not buyers & set(s.terms.buyer_seats)
            and (
                s.status == OPEN
                or (s.status == SheetStatus.SUPERSEDED and s.round_proposed == view.round)
            )
        ]
        best = min(rivals, key=short, default=None)
        return best if best is not None and short(best) < short(sheet) else None

    def _their_last(self, view: GameView, sheet: TermSheet) -> float:
        """The price of the previous buyer sheet in the same thread."""
        earlier = [
            s
            for s in view.sheets
            if s.proposer == sheet.proposer
            and s.id != sheet.id
            and s.terms.scope == sheet.terms.scope
        ]
        return earlier[-1].terms.price if earlier else sheet.terms.price

    def _terms(self, view: GameView, base: TermSheet, price: float, algorithm: Algorithm) -> Terms:
        """The counter's terms: the buyer's, with the regulator's requirements, and the
        algorithm kept out of a transfer when the seller can afford to say so."""
        mitigations = set(base.terms.mitigations)
        if self.d.reads_requirements:
            mitigations |= set(view.required_mitigations)
        scope = base.terms.scope if base.terms.scope.rank <= view.for_sale.rank else view.for_sale
        ordered = view.divestiture_scope
        if (
            self.d.reads_requirements
            and ordered is not None
            and scope.rank < ordered.rank <= view.for_sale.rank
        ):
            scope = ordered
        stakes = tuple((b.seat, b.percent) for b in base.terms.buyers)
        return make_terms(self.sc, stakes, scope, price, algorithm, frozenset(mitigations))

    def _open(self, view: GameView) -> Action | None:
        """Make the first offer when no buyer has, once the clock says so."""
        mine = [s for s in view.sheets if s.status == OPEN]
        if mine or self.pending_deal(view) or "open" in self.done:
            return None
        if self.clock(view) < self.traits.get("propose_at", 0.5) or not self.allowed(
            view, "propose"
        ):
            return None
        self.done.add("open")
        buyers = self.sc.roles.buyers
        buyer: SeatId = buyers[view.round % len(buyers)]
        scope = Scope.US if view.for_sale.rank >= 0 else view.for_sale
        if view.divestiture_scope and view.divestiture_scope.rank > scope.rank:
            scope = view.divestiture_scope
        if scope.rank > view.for_sale.rank:
            return None
        price = self.ask(view, scope, Algorithm.LICENSE)
        mitigations = (
            frozenset(view.required_mitigations)
            if self.d.reads_requirements
            else frozenset({Mitigation.US_STORAGE})
        )
        terms = make_terms(self.sc, ((buyer, 100),), scope, price, Algorithm.LICENSE, mitigations)
        line = self.line("propose", price=terms.price, scope=self.scope_name(scope))
        return Propose(
            terms=terms,
            note=line or "",
            rationale=f"no offers yet: open to {self.sc.seat_name(buyer)} at ${terms.price}B",
        )

    def reply_scope(self, view: GameView) -> Scope:
        mine = [s for s in view.sheets if self.seat in s.parties and s.status == OPEN]
        return mine[-1].terms.scope if mine else Scope.US

    def price_now(self, view: GameView, scope: Scope) -> float:
        return self.ask(view, scope, Algorithm.LICENSE)
