"""The White House's bot: look decisive, get US ownership and the credit, keep the young calm.

Its agenda mixes the personality's ``hawk`` trait with the brief's secret
hawkishness, so a dealmaker bot with a hawkish brief still leans hard.

Traits (rules: bots.personalities.white_house.*.traits):
  hawk          0 (dealmaker) .. 1 (hawk)
  eo_at         clock (0..1) from which it signs the executive order if no deal is signed
  entity_list   chance of adding ByteDance to the entity list in the last round without a deal
  extend        chance of extending the deadline on its last day with no deal before CFIUS
                (never while the order it signed would bite, if it leans hawkish)
  endorse_risk  highest projected security risk of a deal it will endorse
"""

from __future__ import annotations

from divestiture.game.actions import Action, UseLever
from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.deals import number, projected_risk
from divestiture.game.state import TermSheet
from divestiture.game.types import BEFORE_CFIUS, SheetStatus
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
                return self.message((seller,), text, "the order is signed: press ByteDance to sell")
        said = self.chatter(view)
        if said is not None:
            return said
        return self.pass_(view, "the negotiators have the floor")

    def government(self, view: GameView) -> Action:
        deal = self._deal_to_judge(view)
        if deal is not None:
            return self._judge(view, deal)
        flag = self.sc.endings.ban_flag
        # Offers under way are private to their parties: what the President sees is
        # whether a signed deal is before CFIUS.
        pending = any(s.status in BEFORE_CFIUS for s in view.sheets)
        if flag not in view.flags and self.allowed(view, "sign_executive_order"):
            threshold = self.traits.get("eo_at", 0.5) * (1.2 - 0.4 * self.hawkishness(view))
            # A threat needs time to work: only a hawk signs on the last day.
            in_time = view.rounds_left >= 1 or self.hawkishness(view) > 0.6
            if self.clock(view) >= threshold and in_time:
                self.queue_statement("sign_eo", "the executive order")
                return UseLever(
                    lever="sign_executive_order",
                    rationale=f"no deal by {view.round_name}: the ban becomes the deadline",
                )
        last_day = view.rounds_left == 0 and not pending and self.allowed(view, "extend_deadline")
        # A President who leans hawkish and has signed the order wants it to bite: it
        # does not put the ban off for one more day of talks.
        wants_ban = flag in view.flags and self.hawkishness(view) > 0.5
        if last_day and not wants_ban and self.rng.random() < self.traits.get("extend", 0):
            return UseLever(
                lever="extend_deadline",
                rationale="no deal before CFIUS yet: one more day for talks",
            )
        if (
            view.rounds_left <= 1
            and self.allowed(view, "add_entity_list")
            and self.rng.random() < self.traits.get("entity_list", 0) * self.hawkishness(view) * 2
        ):
            return UseLever(
                lever="add_entity_list", rationale="no deal in sight: tighten the screws"
            )
        if view.round == 1 and self.allowed(view, "request_briefing"):
            return UseLever(lever="request_briefing", rationale="hear CFIUS before deciding")
        return self.pass_(view, "wait and see")

    def queue_statement(self, situation: str, decision: str) -> None:
        """Queue a public line for ``situation`` (rules: bots.lines), explaining ``decision``."""
        text = self.line(situation, public=True)
        if text:
            self.queue.append(self.statement(text, f"explain {decision} in public"))

    def _deal_to_judge(self, view: GameView) -> TermSheet | None:
        judged = {*view.endorsed, *view.opposed}
        for sheet in view.sheets:
            if sheet.status in (SheetStatus.SIGNED, SheetStatus.CLEARED) and sheet.id not in judged:
                return sheet
        return None

    def _judge(self, view: GameView, deal: TermSheet) -> Action:
        risk = projected_risk(self.sc, self.track(view, self.sc.deal_risk.track), deal.terms)
        bar = self.traits.get("endorse_risk", 5) + (0.5 - self.hawkishness(view)) * 4
        if risk <= bar and self.lever_ok(view, "endorse_deal", sheet=deal.id):
            self.queue_statement("endorse", "the endorsement")
            return UseLever(
                lever="endorse_deal",
                sheet=deal.id,
                rationale=f"{deal.id} brings the risk to {risk}: take the credit",
            )
        if self.hawkishness(view) > 0.5 and self.lever_ok(view, "oppose_deal", sheet=deal.id):
            self.queue_statement("oppose", "the opposition to the deal")
            return UseLever(
                lever="oppose_deal",
                sheet=deal.id,
                rationale=f"{deal.id} leaves the risk at {risk}: not good enough",
            )
        return self.pass_(view, f"let CFIUS judge {deal.id}")
