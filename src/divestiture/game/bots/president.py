"""The president's bot (roles: president): look decisive, get the business into safe hands
and the credit for it, keep the public calm.

Its agenda mixes the personality's ``hawk`` trait with the brief's secret
hawkishness, so a dealmaker bot with a hawkish brief still leans hard.

Traits (rules: bots.personalities.<president>.*.traits):
  hawk          0 (dealmaker) .. 1 (hawk)
  ban_at        clock (0..1) from which it orders the ban (the lever tagged ban_order),
                sooner the more hawkish
  tighten       chance of a harsher step (the lever tagged tighten) in the last two rounds
                without a deal
  extend        chance of extending the deadline on its last day with no deal before the
                regulator (never while the ban it ordered would bite, if it leans hawkish)
  endorse_risk  highest projected risk of a deal it will endorse
"""

from __future__ import annotations

from divestiture.game.actions import Action, UseLever
from divestiture.game.bots.base import ScriptedBot
from divestiture.game.state import TermSheet
from divestiture.game.types import PENDING_DEAL, SheetStatus
from divestiture.game.valuation import number, projected_risk
from divestiture.game.views import GameView


class PresidentBot(ScriptedBot):
    """Uses the ban as a threat and endorses deals that cut the risk."""

    def hawkishness(self, view: GameView) -> float:
        return 0.5 * self.traits.get("hawk", 0.5) + 0.5 * number(
            self.brief(view), "hawkishness", 0.5
        )

    def negotiate(self, view: GameView) -> Action:
        seller = self.sc.roles.seller
        if (
            self.sc.endings.ban_flag in view.flags
            and "warned" not in self.once
            and self.allowed(view, "message")
        ):
            self.once.add("warned")
            text = self.line("warn", day=self.day(view))
            if text:
                why = f"the order is signed: press {self.name(seller)} to sell"
                return self.message((seller,), text, why)
        said = self.chatter(view)
        if said is not None:
            return said
        return self.pass_(view, "the negotiators have the floor")

    def government(self, view: GameView) -> Action:
        deal = self._deal_to_judge(view)
        if deal is not None:
            return self._judge(view, deal)
        flag = self.sc.endings.ban_flag
        regulator = self.name(self.sc.roles.regulator)
        # Offers under way are private to their parties: what the President sees is
        # whether a signed deal is before the regulator.
        pending = any(s.status in PENDING_DEAL for s in view.sheets)
        ban = self.usable("ban_order")
        if flag not in view.flags and ban is not None:
            threshold = self.traits.get("ban_at", 0.5) * (1.2 - 0.4 * self.hawkishness(view))
            # A threat needs time to work: only a hawk orders the ban on the last day.
            in_time = view.rounds_left >= 1 or self.hawkishness(view) > 0.6
            if self.clock(view) >= threshold and in_time:
                why = self.reason("announce_ban", "explain the ban order in public")
                self.queue_statement("announce_ban", why)
                return UseLever(
                    lever=ban,
                    rationale=f"no deal by {view.round_name}: the ban becomes the deadline",
                )
        extend = self.usable("extend")
        last_day = view.rounds_left == 0 and not pending
        # A President who leans hawkish and has ordered the ban wants it to bite: it
        # does not put the ban off for one more day of talks.
        wants_ban = flag in view.flags and self.hawkishness(view) > 0.5
        if (
            extend is not None
            and last_day
            and not wants_ban
            and self.rng.random() < self.traits.get("extend", 0)
        ):
            return UseLever(
                lever=extend,
                rationale=f"no deal before {regulator} yet: one more day for talks",
            )
        tighten = self.usable("tighten")
        if (
            view.rounds_left <= 1
            and tighten is not None
            and self.rng.random() < self.traits.get("tighten", 0) * self.hawkishness(view) * 2
        ):
            return UseLever(lever=tighten, rationale="no deal in sight: tighten the screws")
        ask = self.usable("ask_advice")
        if view.round == 1 and ask is not None:
            return UseLever(lever=ask, rationale=f"hear {regulator} before deciding")
        return self.pass_(view, "wait and see")

    def queue_statement(self, situation: str, why: str) -> None:
        """Queue a public line for ``situation`` (rules: bots.lines), saying ``why``."""
        text = self.line(situation, public=True)
        if text:
            self.queue.append(self.statement(text, why))

    def _deal_to_judge(self, view: GameView) -> TermSheet | None:
        judged = {*view.endorsed, *view.opposed}
        for sheet in view.sheets:
            if sheet.status in (SheetStatus.SIGNED, SheetStatus.CLEARED) and sheet.id not in judged:
                return sheet
        return None

    def _judge(self, view: GameView, deal: TermSheet) -> Action:
        risk = projected_risk(self.sc, self.track(view, self.sc.deal_risk.track), deal.terms)
        bar = self.traits.get("endorse_risk", 5) + (0.5 - self.hawkishness(view)) * 4
        endorse = self.usable("endorse")
        if risk <= bar and endorse is not None and self.lever_ok(view, endorse, sheet=deal.id):
            self.queue_statement("endorse", "explain the endorsement in public")
            return UseLever(
                lever=endorse,
                sheet=deal.id,
                rationale=f"{deal.id} brings the risk to {risk}: take the credit",
            )
        oppose = self.usable("oppose")
        if (
            self.hawkishness(view) > 0.5
            and oppose is not None
            and self.lever_ok(view, oppose, sheet=deal.id)
        ):
            self.queue_statement("oppose", "explain the opposition to the deal in public")
            return UseLever(
                lever=oppose,
                sheet=deal.id,
                rationale=f"{deal.id} leaves the risk at {risk}: not good enough",
            )
        regulator = self.name(self.sc.roles.regulator)
        return self.pass_(view, f"let {regulator} judge {deal.id}")
