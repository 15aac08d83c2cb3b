"""CFIUS's bot: bring the risk to its tolerance with a deal that lasts.

Traits (rules: bots.personalities.cfius.*.traits):
  slack               it clears deals projected up to this much above its tolerance
  extra_requirements  how many mitigations it asks for beyond its essential ones
  order_at            clock (0..1) from which it orders the divestiture
  global_order        chance the order covers the global business
  ban_advice          1 to advise a ban when the risk is high and no deal is near
"""

from __future__ import annotations

from divestiture.game.actions import Action, UseLever
from divestiture.game.bots.base import ScriptedBot
from divestiture.game.bots.deals import number, projected_risk
from divestiture.game.types import Mitigation, SheetStatus
from divestiture.game.views import GameView
from divestiture.game.wording import option_name, safeguard_names


class RegulatorBot(ScriptedBot):
    """Opens the review, sets requirements, orders divestiture and judges signed deals."""

    def tolerance(self, view: GameView) -> float:
        return number(self.brief(view), "risk_tolerance", 3.0) + self.traits.get("slack", 0)

    def requirements(self, view: GameView) -> tuple[Mitigation, ...]:
        essential = self.brief(view).get("essential", ())
        wanted = [Mitigation(m) for m in essential] if isinstance(essential, tuple) else []
        extra = [m for m in Mitigation if m not in wanted]
        self.rng.shuffle(extra)
        wanted += extra[: int(self.traits.get("extra_requirements", 0))]
        return tuple(sorted(wanted))

    def negotiate(self, view: GameView) -> Action:
        if view.required_mitigations and "told" not in self.once and self.allowed(view, "message"):
            self.once.add("told")
            names = ", ".join(
                map(_in_a_sentence, safeguard_names(self.sc, view.required_mitigations))
            )
            text = self.line("requirements", mitigations=names)
            if text:
                parties = tuple(self.sc.parties)
                return self.message(parties, text, "make sure the parties know what we need")
        said = self.chatter(view)
        if said is not None:
            return said
        return self.pass_(view, "the review goes on")

    def government(self, view: GameView) -> Action:
        if self.allowed(view, "open_review"):
            return UseLever(
                lever="open_review", rationale="start the review of the 2017 acquisition"
            )
        if not view.required_mitigations and self.allowed(view, "set_mitigations"):
            wanted = self.requirements(view)
            return UseLever(
                lever="set_mitigations",
                mitigations=wanted,
                rationale=f"a deal must carry {', '.join(safeguard_names(self.sc, wanted))}",
            )
        asked = "briefing_requested" in view.flags and "briefed" not in self.once
        if asked and self.allowed(view, "brief_president"):
            self.once.add("briefed")
            advice = self._advice(view)
            return UseLever(
                lever="brief_president",
                option=advice,
                rationale=f"the President asked: {option_name(self.sc, advice)}",
            )
        if self.clock(view) >= self.traits.get("order_at", 0.5) and self.allowed(
            view, "order_divestiture"
        ):
            scope = "global" if self.rng.random() < self.traits.get("global_order", 0) else "us"
            if self.lever_ok(view, "order_divestiture", option=scope):
                return UseLever(
                    lever="order_divestiture",
                    option=scope,
                    rationale=f"order divestiture of {option_name(self.sc, scope)}",
                )
        return self.pass_(view, "no step needed this round")

    def _advice(self, view: GameView) -> str:
        if any(s.status in (SheetStatus.OPEN, SheetStatus.SIGNED) for s in view.sheets):
            return "clear_a_deal"
        risk = self.track(view, self.sc.deal_risk.track)
        if risk > self.tolerance(view) + 2 and self.traits.get("ban_advice", 0) >= 1:
            return "ban"
        return "divest"

    def resolve(self, view: GameView) -> Action:
        for deal in view.sheets:
            if deal.status != SheetStatus.SIGNED:
                continue
            risk = projected_risk(self.sc, self.track(view, self.sc.deal_risk.track), deal.terms)
            late = view.rounds_left == 0
            limit = self.tolerance(view) + (1 if late else 0)
            if risk <= limit and self.lever_ok(view, "clear_deal", sheet=deal.id):
                return UseLever(
                    lever="clear_deal",
                    sheet=deal.id,
                    rationale=f"{deal.id} brings the risk to {risk}, within {limit:.0f}",
                )
            if self.lever_ok(view, "block_deal", sheet=deal.id):
                text = self.line("block", sheet=deal.id)
                if text:
                    self.then_say(deal.parties, text, f"explain the block of {deal.id}")
                why = "misses our requirements" if risk <= limit else f"leaves the risk at {risk}"
                return UseLever(lever="block_deal", sheet=deal.id, rationale=f"{deal.id} {why}")
        return self.pass_(view, "nothing to judge")


def _in_a_sentence(name: str) -> str:
    """A label as it reads inside a sentence: 'Security committee' -> 'security committee',
    while 'US data storage' keeps its capitals."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]
