"""A buyer's bot (roles: buyers): buy below its value, on terms the regulator clears.

In a joint bid the two buyers speak with one voice: a counter names no more than the
partner last named in those talks. A buyer the partner holds well below what it would
pay alone leaves the bid, tells the partner, and from then on neither bids jointly.
While a signed deal is before the regulator a buyer makes and answers no offers.

Traits (rules: bots.personalities.<buyer>.*.traits):
  bid_at          clock (0..1) from which it makes an offer itself
  joint           chance an offer of its own is a joint bid with the other buyer
  joint_share     its percent of a joint bid
  exploit         share of its value it holds back with the ban threat (the track tagged
                  ban_threat) at the top of its range, in proportion below that
  transfer        1 to want the algorithm outright, 0 for a licence
  scope           widest scope it bids for (0 us, 1 us_plus, 2 global)
  all_mitigations 1 to carry every data and governance term, whatever the regulator asks
  mess            public outcry (the track tagged public_outcry) at or above which it
                  walks away
  lobby_chance    chance of using a lobbying lever in a phase when the political
                  pressure is high (a seat that holds one)
  lobby_heat      political pressure (the track tagged political_pressure) from which
                  it lobbies
"""

from __future__ import annotations

from divestiture.game.actions import Action, Propose, Reject, Sign, Terms, UseLever, Withdraw
from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.deals import chain_root, make_terms, named_last, share_of
from divestiture.game.state import TermSheet
from divestiture.game.types import (
    LIVE_STATUSES,
    OPEN,
    Algorithm,
    Mitigation,
    Scope,
    SeatId,
    SheetStatus,
)
from divestiture.game.valuation import buyer_value, number
from divestiture.game.views import GameView


class BuyerBot(ScriptedBot):
    """Bids up along its curve towards its value, never past it or past its capital."""

    def ceiling(self, view: GameView, terms: Terms) -> float:
        """The most it would pay now for the whole business on these terms."""
        share = share_of(terms, self.seat)
        return self.limit(view, terms.scope, terms.algorithm, len(terms.mitigations), share)

    def limit(
        self, view: GameView, scope: Scope, algorithm: Algorithm, mitigations: int, share: float
    ) -> float:
        """The ceiling of terms with this scope, algorithm, number of data and governance
        terms, and this buyer's share of the price (worked out once a move)."""
        key = (scope, algorithm, mitigations, share)
        found = self._move.get(key)
        if found is not None:
            return found
        value = buyer_value(self.brief(view), scope, algorithm, mitigations) + self.bias
        threat = self.tagged(view, "ban_threat") or 0.0
        value *= 1 - self.traits.get("exploit", 0) * threat
        # Open below the market's price for the scope, concede towards my own value.
        opening = min(value, self.anchor(view, scope) * (1 - self.p.opening))
        limit = opening + (value - opening) * self.conceded(view)
        capital = number(self.brief(view), "capital", 0.0)
        if capital and share:
            limit = min(limit, capital / share)
        self._move[key] = limit
        return limit

    def outcry(self, view: GameView) -> int | None:
        """The public outcry (the track tagged ``public_outcry``), if the rules have one."""
        track_id = self.sc.track_tagged("public_outcry")
        return None if track_id is None else self.track(view, track_id)

    def negotiate(self, view: GameView) -> Action:
        # While a signed deal is before the regulator, no other sheet can close: a buyer
        # makes and answers no offers until the regulator has ruled.
        pending = self.pending_deal(view)
        steps = [self._stay_out, self._walk, self._investigate]
        if pending is None:
            steps += [self._answer_offers, self._open]
        for step in steps:
            action = step(view)
            if action is not None:
                return action
        said = self.chatter(view) or self.lobbying(view)
        if said is not None:
            return said
        if pending is not None:
            regulator = self.name(self.sc.roles.regulator)
            return self.pass_(view, f"{pending.id} is before {regulator}: wait for its ruling")
        mine = any(s.proposer == self.seat and s.status == OPEN for s in view.sheets)
        return self.pass_(view, "my offer stands" if mine else "waiting for the right moment")

    def _walk(self, view: GameView) -> Action | None:
        """Take back an offer of its own whose price has gone past what it would pay."""
        for sheet in self._own_offers(view):
            if sheet.terms.price > self.ceiling(view, sheet.terms) + self.sc.bots.walk_margin:
                return self._withdraw(view, sheet, "the price is now above my value")
        return None

    def _own_offers(self, view: GameView) -> list[TermSheet]:
        if not self.allowed(view, "withdraw"):
            return []
        return [s for s in view.sheets if s.status == OPEN and s.proposer == self.seat]

    def _withdraw(self, view: GameView, sheet: TermSheet, why: str) -> Withdraw:
        note = self.line("withdraw", sheet=sheet.id) or ""
        return Withdraw(sheet=sheet.id, note=note, rationale=why)

    def _investigate(self, view: GameView) -> Action | None:
        if not self.d.investigates or self.estimate(view) is not None:
            return None
        lever = self.usable("investigate")
        if lever is not None and not self.offers_to_me(view):
            seller = self.name(self.sc.roles.seller)
            return UseLever(lever=lever, rationale=f"learn {seller}'s floor before bidding")
        return None

    def _stay_out(self, view: GameView) -> Action | None:
        """While the public outcry is past what it stands, a buyer makes no deal: it
        tells the others in its talks once, takes back its own offers and turns down those
        made to it (so no one waits on a bid it will not sign), then passes, saying why."""
        outcry = self.outcry(view)
        if outcry is None or outcry < self.traits.get("mess", 10):
            return None
        track = self.track_name(str(self.sc.track_tagged("public_outcry")))
        why = f"{track} at {outcry} is a political mess: I stay out of any deal"
        partners = {
            p
            for s in view.sheets
            if s.status in LIVE_STATUSES and self.seat in s.parties
            for p in s.parties
        } - {self.seat}
        if partners and "stepped back" not in self.once and self.allowed(view, "message"):
            self.once.add("stepped back")
            text = self.line("step_back")
            if text:
                return self.message(tuple(sorted(partners)), text, why)
        own = self._own_offers(view)
        if own:
            return self._withdraw(view, own[0], why)
        for sheet in self.offers_to_me(view):
            if sheet.proposer != self.seat and self.allowed(view, "reject"):
                return Reject(sheet=sheet.id, rationale=why)
        return self.pass_(view, why)

    def _answer_offers(self, view: GameView) -> Action | None:
        offers = [o for o in self.offers_to_me(view) if o.proposer != self.seat]
        # Once the buyers have parted ways, a joint sheet is left to lapse.
        if any(len(o.terms.buyers) > 1 for o in offers) and self._joint_over(view):
            offers = [o for o in offers if len(o.terms.buyers) == 1]
        if not offers:
            return None
        best = max(offers, key=lambda o: self.ceiling(view, o.terms) - o.terms.price)
        limit = self.ceiling(view, best.terms)
        asked = best.terms.price
        if self.can_sign(best):
            if asked <= round(limit):  # offers are in whole $B, as it would name its own
                why = f"${asked}B is within my ${limit:.0f}B now"
            elif asked <= self._held(chain_root(view.sheets, best), limit):
                why = f"${asked}B is no more than the price I named before (limit ${limit:.0f}B)"
            else:
                why = ""
            if why:
                return Sign(sheet=best.id, note=self.line("accept") or "", rationale=why)
        thread = self.counter_thread(view, best)
        if thread is None:
            return None
        # The counter carries terms of its own (the regulator's requirements, what is for
        # sale now): its price is worked out from what those terms are worth to this buyer.
        scope, mitigations = self._counter_shape(view, best.terms)
        share = share_of(best.terms, self.seat)  # the counter keeps the offer's stakes
        limit = self.limit(view, scope, best.terms.algorithm, len(mitigations), share)
        previous = self.last_price.get(thread)
        price = min(max(limit, self._held(thread, limit)), best.terms.price - 1)
        stakes = tuple((b.seat, b.percent) for b in best.terms.buyers)
        # In a joint bid the buyers speak with one voice: no more than a partner has
        # said in these talks that it will join in.
        partner = self._partner_offer(view, best, scope)
        if partner is not None and partner.terms.price < price:
            alone = self._alone(view, best, thread, mitigations, partner)
            if alone is not None:
                return alone
            price = partner.terms.price
        else:
            partner = None  # no partner holds this price down
        self.last_price[thread] = price
        terms = make_terms(self.sc, stakes, scope, price, best.terms.algorithm, mitigations)
        line = self.counter_line(thread, terms.price, terms.scope)
        partner_name = self.sc.seat_name(partner.proposer) if partner is not None else None
        why = self._counter_reason(best, terms.price, limit, previous, partner_name)
        return Propose(terms=terms, replaces=best.id, note=line or "", rationale=why)

    def _alone(
        self,
        view: GameView,
        best: TermSheet,
        thread: str,
        mitigations: frozenset[Mitigation],
        partner: TermSheet,
    ) -> Propose | None:
        """Leave a joint bid whose ``partner`` (its last offer in ``thread``, the talks
        ``best`` is in) holds it far below what this buyer would pay on its own: counter
        ``best`` alone, for the whole of it, with the counter's ``mitigations`` (and bid
        alone from then on)."""
        scope = partner.terms.scope  # the counter's, as the partner's offer is for it
        solo = self.limit(view, scope, best.terms.algorithm, len(mitigations), 1.0)
        price = min(solo, best.terms.price - 1)
        if round(price) <= partner.terms.price + self.sc.bots.walk_margin:  # whole $B
            return None
        self.once.add("alone")
        self.last_price[thread] = price
        stakes = ((self.seat, 100),)
        terms = make_terms(self.sc, stakes, scope, price, best.terms.algorithm, mitigations)
        name = self.sc.seat_name(partner.proposer)
        line = self.line("go_alone", price=terms.price, scope=self.scope_name(scope))
        # The partner cannot see the new sheet: it hears from this buyer directly.
        self.then_say((partner.proposer,), self.line("part_ways"), f"tell {name} I bid alone now")
        return Propose(
            terms=terms,
            replaces=best.id,
            note=line or "",
            rationale=(
                f"go alone at ${terms.price}B: {name} would go no further than "
                f"${partner.terms.price}B ({self.p.curve}, limit ${solo:.0f}B)"
            ),
        )

    def _held(self, thread: str, limit: float) -> float:
        """The price this buyer holds at in ``thread`` whatever its limit now: the price
        it named there last, while that is within the rules' walk margin of ``limit``
        (never bidding less than last time in the same talks, unless the limit has
        fallen so far that holding would mean taking the bid back); else 0."""
        previous = self.last_price.get(thread)
        if previous is not None and round(previous) <= limit + self.sc.bots.walk_margin:
            return previous  # offers are whole $B
        return 0.0

    def _counter_reason(
        self,
        sheet: TermSheet,
        price: int,
        limit: float,
        previous: float | None,
        partner: str | None,
    ) -> str:
        """Why a counter to ``sheet`` names ``price``: the buyer's limit now, a price it
        holds a little above that limit (named before, a partner's, or just under the
        sheet's own), a bid lowered as the limit fell, or the most a partner in a joint
        bid would go to."""
        curve = f"{self.p.curve}, limit ${limit:.0f}B"
        if partner:
            because = f"as far as {partner} would go"
        elif previous is not None and price == round(previous):
            because = "the price named before"
        else:
            because = f"just under the ${sheet.terms.price}B offered"
        if price > round(limit):
            return f"hold at ${price}B, {because} ({curve} now)"
        if partner:
            return f"counter {sheet.id} at ${price}B, {because} ({curve})"
        if previous is not None and price < round(previous):
            return f"lower to ${price}B from ${previous:.0f}B: my limit fell ({curve} now)"
        return f"counter {sheet.id} at ${price}B ({curve})"

    def _partner_offer(self, view: GameView, sheet: TermSheet, scope: Scope) -> TermSheet | None:
        """The lowest of the last offers for ``scope`` that the fellow buyers of the joint
        ``sheet`` made in its talks (None when it is no joint bid, or no partner has made
        one for that scope)."""
        offers = [
            found
            for b in sheet.terms.buyers
            if b.seat != self.seat
            for found in (named_last(view.sheets, sheet, b.seat),)
            if found is not None and found.terms.scope == scope
        ]
        return min(offers, key=lambda s: s.terms.price, default=None)

    def _mitigations(self, view: GameView, base: frozenset[Mitigation]) -> frozenset[Mitigation]:
        chosen = set(base)
        if self.traits.get("all_mitigations", 0) >= 1:
            chosen |= set(Mitigation)
        if self.d.reads_requirements:
            chosen |= set(view.required_mitigations)
        return frozenset(chosen)

    def _counter_shape(self, view: GameView, base: Terms) -> tuple[Scope, frozenset[Mitigation]]:
        """The scope and the data and governance terms of a counter to ``base``."""
        # The seller may have narrowed what is for sale since the sheet was made.
        scope = base.scope if base.scope.rank <= view.for_sale.rank else view.for_sale
        return scope, self._mitigations(view, base.mitigations)

    def _open(self, view: GameView) -> Action | None:
        """Put an offer on the table when this buyer has none alive."""
        live = [s for s in view.sheets if self.seat in s.parties and s.status in LIVE_STATUSES]
        if live or "open" in self.done or not self.allowed(view, "propose"):
            return None
        if self.clock(view) < self.traits.get("bid_at", 0):
            return None
        self.done.add("open")
        scope = self._scope(view)
        if scope is None:
            return None
        other = next((b for b in self.sc.roles.buyers if b != self.seat), None)
        joint = (
            other is not None
            and not self._joint_over(view)
            and self.rng.random() < self.traits.get("joint", 0)
        )
        stakes: tuple[tuple[SeatId, int], ...] = ((self.seat, 100),)
        if joint and other is not None:
            share = int(self.traits.get("joint_share", 50))
            stakes = ((self.seat, share), (other, 100 - share))
        algorithm = Algorithm.TRANSFER if self.traits.get("transfer", 0) >= 1 else Algorithm.LICENSE
        mitigations = self._mitigations(view, frozenset({Mitigation.US_STORAGE}))
        price = self._bid(view, scope, algorithm, len(mitigations), stakes[0][1] / 100)
        terms = make_terms(self.sc, stakes, scope, price, algorithm, mitigations)
        key = "joint" if joint else "propose"
        line = self.line(key, price=terms.price, scope=self.scope_name(scope), share=stakes[0][1])
        kind = "a joint offer" if joint else "an offer"
        return Propose(
            terms=terms,
            note=line or "",
            rationale=f"open {kind} at ${terms.price}B for {self.scope_name(scope)}",
        )

    def _joint_over(self, view: GameView) -> bool:
        """Whether joint bids with the other buyer are over for this game: one was turned
        down (by the seller, or by a partner leaving the talks), or one of the two left
        one to bid alone. From then on this buyer bids alone."""
        if "alone" in self.once:
            return True
        others = set(self.sc.roles.buyers) - {self.seat}
        # The sheets answered by a counter this seat is party to.
        answered = {s.replaces for s in view.sheets if s.replaces and self.seat in s.parties}
        for s in view.sheets:
            if len(s.terms.buyers) < 2 or not others & set(s.parties):
                continue
            if s.status == SheetStatus.REJECTED:
                return True
            # Countered by a sheet this seat is not party to (one it cannot see, or a
            # signed deal made public): one of the others went on without it.
            if s.status == SheetStatus.SUPERSEDED and s.id not in answered:
                return True
        return False

    def _scope(self, view: GameView) -> Scope | None:
        wanted = min(int(self.traits.get("scope", 0)), view.for_sale.rank)
        if view.divestiture_scope is not None:
            if view.divestiture_scope.rank > view.for_sale.rank:
                return None
            wanted = max(wanted, view.divestiture_scope.rank)
        return list(Scope)[wanted]

    def reply_scope(self, view: GameView) -> Scope:
        return self._scope(view) or Scope.US

    def price_now(self, view: GameView, scope: Scope) -> float:
        # What it would bid alone now, never its limit where it would bid less.
        mitigations = self._mitigations(view, frozenset({Mitigation.US_STORAGE}))
        return self._bid(view, scope, Algorithm.LICENSE, len(mitigations), 1.0)

    def _bid(
        self, view: GameView, scope: Scope, algorithm: Algorithm, mitigations: int, share: float
    ) -> float:
        """The price it opens at for such terms: its limit, but knowing roughly where
        the seller's floor is (due diligence), not far above that floor."""
        price = self.limit(view, scope, algorithm, mitigations, share)
        found = self.estimate(view)
        if found is not None and scope == Scope.US:
            price = min(price, found[1] + 1)
        return price
