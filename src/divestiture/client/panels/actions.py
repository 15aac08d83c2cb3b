"""The action bar: this seat's levers, the composer and "Done for this phase".

A lever button's tooltip says what the lever does to the public tracks (from
its effects in the rules). A lever that takes a choice (a scope, a signed deal,
a set of mitigations), and every official action, opens a small window to
choose and confirm; a simple, repeatable lever (lobbying) acts at once.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UICheckBox, UIDropDownMenu, UITextBox, UIWindow

from divestiture.client import intents, theme
from divestiture.client.describe import lever_tooltip, option_label
from divestiture.client.layout import centred
from divestiture.client.panels import dismissed, oid
from divestiture.game.actions import Action, Pass, UseLever
from divestiture.game.scenario import Scenario
from divestiture.game.types import Mitigation
from divestiture.game.views import GameView

_RIGHT_W = 420
_LEFT = 130  # where the first lever button starts, after the bar's caption


def lever_uses(view: GameView) -> dict[str, list[UseLever]]:
    """The legal uses of each lever, in the order the view lists them."""
    out: dict[str, list[UseLever]] = {}
    for a in view.legal:
        if isinstance(a, UseLever):
            out.setdefault(a.lever, []).append(a)
    return out


def fit(text: str, width: int, size: int = 13) -> str:
    """``text`` cut with an ellipsis to fit a button ``width`` pixels wide."""
    f = theme.font(size)
    if f.size(text)[0] <= width:
        return text
    while text and f.size(text + "\u2026")[0] > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


class ActionBar:
    """Buttons along the bottom of the table screen."""

    def __init__(
        self, manager: pygame_gui.UIManager, rect: pygame.Rect, open_composer: Callable[[], None]
    ) -> None:
        self.manager = manager
        self.rect = rect
        self.open_composer = open_composer
        y = rect.y + 14
        right = rect.right - 12
        self.pass_button = UIButton(
            pygame.Rect(right - 210, y, 210, 36),
            "Done for this phase (P)",
            manager,
            object_id=oid("@primary", "#pass"),
            tool_tip_text="Pass: you are finished for this phase. "
            "You can still send private messages.",
        )
        self.compose_button = UIButton(
            pygame.Rect(right - 210 - 8 - 190, y, 190, 36),
            "Compose term sheet (C)",
            manager,
            object_id=oid(None, "#compose"),
            tool_tip_text="Write a new term sheet",
        )
        self.levers: dict[UIButton, tuple[str, list[UseLever]]] = {}
        self._kept: dict[tuple[str, int], UIButton] = {}  # hidden, by (lever, width)
        self._key: object = None
        self.window: LeverWindow | None = None
        self.scenario: Scenario | None = None
        self.view: GameView | None = None

    def show(self, view: GameView, scenario: Scenario, can_compose: bool) -> None:
        self.view, self.scenario = view, scenario
        for button, ok in (
            (self.pass_button, any(isinstance(a, Pass) for a in view.legal)),
            (self.compose_button, can_compose),
        ):
            if ok:
                button.enable()  # type: ignore[no-untyped-call]
            else:
                button.disable()  # type: ignore[no-untyped-call]
        uses = lever_uses(view)
        key = tuple((k, tuple(v)) for k, v in uses.items())
        if key == self._key:
            return
        self._key = key
        # A lever's button is kept, hidden, while its lever is not legal: the same
        # levers come back every day, and making a button costs far more than showing
        # one. A lever's button is as wide in a phase as the seat's levers of that
        # phase leave room for, so it need not be made again when another one goes.
        kept = {lever_id: b for b, (lever_id, _) in self.levers.items()}
        for lever_id, b in kept.items():
            if lever_id not in uses:
                self._keep(lever_id, b)
        self.levers.clear()
        width = self.lever_width(len(self._phase_levers(view, scenario) | set(uses)))
        for i, (lever_id, examples) in enumerate(uses.items()):
            had = kept.get(lever_id)
            if had is not None and had.relative_rect.w == width:
                b = had
            else:
                if had is not None:
                    self._keep(lever_id, had)
                b = self._button(scenario, lever_id, width)
            x = self.rect.x + _LEFT + i * (width + 8)
            if b.relative_rect.x != x:
                b.set_relative_position((x, self.rect.y + 14))
            if not b.visible:
                b.show()  # type: ignore[no-untyped-call]
            self.levers[b] = (lever_id, examples)

    def _keep(self, lever_id: str, b: UIButton) -> None:
        b.hide()  # type: ignore[no-untyped-call]
        key = (lever_id, int(b.relative_rect.w))
        if key in self._kept:
            b.kill()  # type: ignore[no-untyped-call]
        else:
            self._kept[key] = b

    def lever_width(self, count: int) -> int:
        """How wide each of ``count`` lever buttons is."""
        room = self.rect.w - _RIGHT_W - (self.rect.x + _LEFT) - 12
        return min(250, (room - 8 * (max(1, count) - 1)) // max(1, count))

    def _phase_levers(self, view: GameView, scenario: Scenario) -> set[str]:
        return {
            lever_id
            for lever_id, lever in scenario.levers.items()
            if view.viewer in lever.seats and lever.phase == view.phase
        }

    def _button(self, scenario: Scenario, lever_id: str, width: int) -> UIButton:
        """A hidden button for ``lever_id`` at ``width``: a kept one, or a new one."""
        b = self._kept.pop((lever_id, width), None)
        if b is None:
            lever = scenario.levers[lever_id]
            b = UIButton(
                pygame.Rect(self.rect.x + _LEFT, self.rect.y + 14, width, 36),
                fit(lever.name, width - 20),
                self.manager,
                tool_tip_text=lever_tooltip(scenario, lever),
                object_id=oid("@lever", f"#lever_{lever_id}"),
                visible=0,
            )
        return b

    def prepare(self) -> bool:
        """Make one hidden lever button ahead of need (the screen calls this in frames
        with no new view): this seat's levers of every phase, each as wide as in its
        phase. False if there is nothing left to make."""
        if self.view is None or self.scenario is None:
            return False
        view, scenario = self.view, self.scenario
        have = {(lever_id, int(b.relative_rect.w)) for b, (lever_id, _) in self.levers.items()}
        have |= set(self._kept)
        for phase in dict.fromkeys(lever.phase for lever in scenario.levers.values()):
            mine = [
                lever_id
                for lever_id, lever in scenario.levers.items()
                if view.viewer in lever.seats and lever.phase == phase
            ]
            width = self.lever_width(len(mine))
            for lever_id in mine:
                if (lever_id, width) not in have:
                    self._kept[(lever_id, width)] = self._button(scenario, lever_id, width)
                    return True
        return False

    def draw_base(self, surface: pygame.Surface) -> None:
        """The bar's background (what never changes)."""
        pygame.draw.rect(surface, theme.BG_DEEP, self.rect)
        pygame.draw.line(surface, theme.LINE, self.rect.topleft, self.rect.topright)

    def draw(self, surface: pygame.Surface) -> None:
        """The bar's caption (on its background, under the widgets)."""
        from divestiture.client.draw import label

        caption = "Your levers" if self.levers else "No levers now"
        view = self.view
        if view is not None and view.outcome is None and not (view.started and not view.paused):
            # The teacher holds play: nothing here can be used until then.
            caption = "Paused: no levers" if view.started else "No levers before the start"
        label(
            surface,
            caption.upper(),
            (self.rect.x + 16, self.rect.y + 18),
            11,
            theme.TEXT_DIM,
            bold=True,
        )
        if self.view is not None:
            hint = self.view.phase.value.capitalize() + " phase"
            label(surface, hint, (self.rect.x + 16, self.rect.y + 34), 12, theme.TEXT_FAINT)

    def button_for_lever(self, lever_id: str) -> UIButton | None:
        return next((b for b, (lid, _) in self.levers.items() if lid == lever_id), None)

    def handle(self, event: pygame.event.Event) -> bool:
        if self.window is not None and self.window.handle(event):
            if self.window.done:
                self.window.kill()
                self.window = None
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return False
        if event.ui_element is self.pass_button:
            intents.post(intents.SendAction(Pass()))
            return True
        if event.ui_element is self.compose_button:
            self.open_composer()
            return True
        if event.ui_element in self.levers and self.scenario is not None and self.view:
            lever_id, examples = self.levers[event.ui_element]
            lever = self.scenario.levers[lever_id]
            simple = len(examples) == 1 and not lever.official and not lever.once
            if simple:
                intents.post(intents.SendAction(examples[0]))
            else:
                self.close_window()
                self.window = LeverWindow(
                    self.manager, self.scenario, self.view, lever_id, examples
                )
            return True
        return False

    def close_window(self) -> bool:
        if self.window is None:
            return False
        self.window.kill()
        self.window = None
        return True

    def kill(self) -> None:
        self.close_window()
        for b in (*self.levers, *self._kept.values(), self.pass_button, self.compose_button):
            b.kill()  # type: ignore[no-untyped-call]
        self.levers.clear()
        self._kept.clear()


class LeverWindow:
    """Choose how to use a lever (option, deal or mitigations) and confirm."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        scenario: Scenario,
        view: GameView,
        lever_id: str,
        examples: list[UseLever],
    ) -> None:
        self.lever_id = lever_id
        self.examples = examples
        self.done = False
        lever = scenario.levers[lever_id]
        self.mitigation_mode = lever.mechanic == "set_mitigations"
        h = 330 if self.mitigation_mode else 260
        rect = centred(manager.window_resolution, 520, h)
        self.window = UIWindow(rect, manager, lever.name, object_id=oid(None, "#lever_window"))
        box = self.window
        UITextBox(
            lever_tooltip(scenario, lever), pygame.Rect(10, 10, 480, 110), manager, container=box
        )
        self.checks: dict[Mitigation, UICheckBox] = {}
        self.choice: UIDropDownMenu | None = None
        y = 130
        if self.mitigation_mode:
            current = set(view.required_mitigations)
            for i, m in enumerate(Mitigation):
                self.checks[m] = UICheckBox(
                    pygame.Rect(14 + (i % 2) * 240, y + (i // 2) * 32, 22, 22),
                    scenario.mitigation_names[m],
                    manager,
                    container=box,
                    initial_state=m in current or not current,
                )
            y += 72
        elif len(examples) > 1:
            options: list[str | tuple[str, str]] = [
                (fit(option_label(scenario, view, e), 440), str(i)) for i, e in enumerate(examples)
            ]
            self.choice = UIDropDownMenu(
                options,
                options[0],
                pygame.Rect(10, y, 480, 32),
                manager,
                container=box,
                object_id=oid(None, "#lever_choice"),
            )
            y += 44
        self.cancel = UIButton(pygame.Rect(270, y + 8, 100, 34), "Cancel", manager, container=box)
        self.use = UIButton(
            pygame.Rect(380, y + 8, 110, 34),
            "Use",
            manager,
            container=box,
            object_id=oid("@primary", "#lever_use"),
        )

    def chosen(self) -> Action | None:
        """The action the window's current choice makes (None if nothing is chosen)."""
        if self.mitigation_mode:
            picked = tuple(m for m, c in self.checks.items() if c.get_state() is True)
            return UseLever(lever=self.lever_id, mitigations=picked) if picked else None
        if self.choice is not None:
            return self.examples[int(self.choice.selected_option[1])]
        return self.examples[0]

    def choose(self, index: int) -> None:
        """Pick the ``index``-th use (autoplay and tests)."""
        if self.choice is not None:
            self.choice.selected_option = self.choice.options_list[index]  # type: ignore[assignment]

    def handle(self, event: pygame.event.Event) -> bool:
        if dismissed(event, self.window, self.cancel):
            self.done = True
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return False
        if event.ui_element is self.use:
            action = self.chosen()
            if action is not None:
                intents.post(intents.SendAction(action))
                self.done = True
            return True
        return False

    def kill(self) -> None:
        self.window.kill()  # type: ignore[no-untyped-call]
