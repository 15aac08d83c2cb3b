"""The regulator's bot (roles: regulator): bring the risk to its tolerance with a deal
that lasts.

Traits (rules: bots.personalities.<regulator>.*.traits):
  slack               it clears deals projected up to this much above its tolerance
  extra_requirements  how many mitigations it asks for beyond its essential ones
  order_at            clock (0..1) from which it orders the divestiture
  global_order        chance the order covers the global business
  ban_advice          1 to advise a ban when the risk is high and no deal is near
"""

from __future__ import annotations

from divestiture.game.actions import Action, UseLever
from divestiture.game.bots.base import ScriptedBot, in_a_sentence
from divestiture.game.tags import OptionTag
from divestiture.game.types import Mitigation, Scope, SheetStatus
from divestiture.game.valuation import number, projected_risk
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
                map(in_a_sentence, safeguard_names(self.sc, view.required_mitigations))
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
        review = self.usable("review")
        if review is not None:
            first_step = f"{in_a_sentence(self.sc.levers[review].name)}: the first step"
            return UseLever(lever=review, rationale=self.reason("review", first_step))
        require = self.usable("require")
        if not view.required_mitigations and require is not None:
            wanted = self.requirements(view)
            return UseLever(
                lever=require,
                mitigations=wanted,
                rationale=f"a deal must carry {', '.join(safeguard_names(self.sc, wanted))}",
            )
        advice = self._advice(view)
        if advice is not None:
            lever, option = advice
            self.once.add("briefed")
            return UseLever(
                lever=lever,
                option=option,
                rationale=f"the President asked: {option_name(self.sc, option)}",
            )
        order = self.usable("order")
        if order is not None and self.clock(view) >= self.traits.get("order_at", 0.5):
            scope = (
                Scope.GLOBAL if self.rng.random() < self.traits.get("global_order", 0) else Scope.US
            )
            if self.lever_ok(view, order, option=scope.value):
                return UseLever(
                    lever=order,
                    option=scope.value,
                    rationale=f"order divestiture of {option_name(self.sc, scope.value)}",
                )
        return self.pass_(view, "no step needed this round")

    def _advice(self, view: GameView) -> tuple[str, str] | None:
        """The advice lever and its option, once the president has asked for advice (the
        flags its lever tagged ``ask_advice`` sets) and it has not been given: to clear a
        deal on the table, to ban when the risk is high, else to order the sale."""
        asked = not self.sc.flags_set_for("ask_advice").isdisjoint(view.flags)
        lever = self.usable("advise")
        if not asked or "briefed" in self.once or lever is None:
            return None
        wanted: OptionTag
        if any(s.status in (SheetStatus.OPEN, SheetStatus.SIGNED) for s in view.sheets):
            wanted = "advise_deal"
        elif (
            self.track(view, self.sc.deal_risk.track) > self.tolerance(view) + 2
            and self.traits.get("ban_advice", 0) >= 1
        ):
            wanted = "advise_ban"
        else:
            wanted = "advise_order"
        advise = self.sc.levers[lever]
        option = advise.option_for(wanted) or advise.option_for("advise_order")
        return None if option is None else (lever, option)

    def resolve(self, view: GameView) -> Action:
        clear, block = self.usable("clear"), self.usable("block")
        for deal in view.sheets:
            if deal.status != SheetStatus.SIGNED:
                continue
            risk = projected_risk(self.sc, self.track(view, self.sc.deal_risk.track), deal.terms)
            late = view.rounds_left == 0
            limit = self.tolerance(view) + (1 if late else 0)
            if risk <= limit and clear is not None and self.lever_ok(view, clear, sheet=deal.id):
                return UseLever(
                    lever=clear,
                    sheet=deal.id,
                    rationale=f"{deal.id} brings the risk to {risk}, within {limit:.0f}",
                )
            if block is not None and self.lever_ok(view, block, sheet=deal.id):
                text = self.line("block", sheet=deal.id)
                if text:
                    self.then_say(deal.parties, text, f"explain the block of {deal.id}")
                why = "misses our requirements" if risk <= limit else f"leaves the risk at {risk}"
                return UseLever(lever=block, sheet=deal.id, rationale=f"{deal.id} {why}")
        return self.pass_(view, "nothing to judge")
