"""The term-sheet composer: a window of fields that only lets a valid offer out.

Every change re-reads the fields into a ``Draft`` and asks ``compose.problems``
what is wrong; the reasons are listed under the fields and the Propose button
stays disabled until there are none.

What the regulator has published constrains a deal too: beside the scope, any
divestiture it ordered; beside the safeguards, the ones it requires, each marked.
A valid sheet that would not meet them is still sent, but only after the
composer has said why it would be blocked, and the button reads "Send anyway".
"""

from __future__ import annotations

from html import escape

import pygame
import pygame_gui
from pygame_gui.elements import (
    UIButton,
    UICheckBox,
    UIDropDownMenu,
    UILabel,
    UITextBox,
    UITextEntryLine,
    UIWindow,
)

from divestiture.client import compose, intents
from divestiture.client.compose import Draft
from divestiture.client.layout import centred
from divestiture.client.panels import dismissed, oid
from divestiture.game.scenario import Scenario
from divestiture.game.types import Algorithm, Mitigation, Scope, SeatId
from divestiture.game.views import GameView
from divestiture.game.wording import capitalised

_CHANGES = (
    pygame_gui.UI_TEXT_ENTRY_CHANGED,
    pygame_gui.UI_DROP_DOWN_MENU_CHANGED,
    pygame_gui.UI_CHECK_BOX_CHECKED,
    pygame_gui.UI_CHECK_BOX_UNCHECKED,
)
_NUMBERS = list("0123456789")


class Composer:
    """The composer window for one draft (a new sheet or a counter-offer)."""

    def __init__(
        self, manager: pygame_gui.UIManager, scenario: Scenario, view: GameView, draft: Draft
    ) -> None:
        self.manager = manager
        self.scenario = scenario
        self.view = view
        self.done = False
        title = f"Counter-offer to {draft.replaces}" if draft.replaces else "New term sheet"
        rect = centred(manager.window_resolution, 700, 624)
        self.window = UIWindow(rect, manager, title, object_id=oid(None, "#composer"))
        self._build(draft)
        self.refresh()

    # -- building ------------------------------------------------------------------------

    def _label(self, text: str, x: int, y: int, w: int = 150) -> None:
        UILabel(
            pygame.Rect(x, y, w, 30),
            text,
            self.manager,
            container=self.window,
            object_id=oid("@heading"),
        )

    def _note(self, x: int, y: int, w: int, name: str) -> UILabel:
        """A line that says what the regulator asks of a field (set in ``refresh``)."""
        return UILabel(
            pygame.Rect(x, y, w, 20), " ", self.manager, container=self.window,
            object_id=oid("@note", f"#{name}"),
        )  # fmt: skip

    def _entry(
        self, x: int, y: int, w: int, text: str, name: str, *, numeric: bool = True
    ) -> UITextEntryLine:
        e = UITextEntryLine(
            pygame.Rect(x, y, w, 30),
            self.manager,
            container=self.window,
            object_id=oid(None, f"#{name}"),
        )
        if numeric:
            e.set_allowed_characters(_NUMBERS)
        e.set_text(text)
        return e

    def _build(self, draft: Draft) -> None:
        sc, m = self.scenario, self.manager
        seller = sc.seat(sc.roles.seller).name
        x, fx = 16, 170
        y = 12
        self._label("Buyers", x, y)
        self.buyer_checks: dict[SeatId, UICheckBox] = {}
        self.stakes: dict[SeatId, UITextEntryLine] = {}
        chosen = dict(draft.buyers)
        for i, seat in enumerate(sc.roles.buyers):
            bx = fx + i * 250
            self.buyer_checks[seat] = UICheckBox(
                pygame.Rect(bx, y + 4, 22, 22),
                sc.seat(seat).name,
                m,
                container=self.window,
                initial_state=seat in chosen,
                object_id=oid(None, f"#buyer_{seat}"),
            )
            self.stakes[seat] = self._entry(bx + 130, y, 56, chosen.get(seat, "0"), f"stake_{seat}")
            UILabel(pygame.Rect(bx + 188, y, 24, 30), "%", m, container=self.window)
        y += 40
        self._label(f"{seller} keeps", x, y)
        self.seller_stake = self._entry(fx, y, 56, draft.seller_stake, "seller_stake")
        UILabel(pygame.Rect(fx + 58, y, 200, 30), "% of the business", m, container=self.window)
        y += 40
        self._label("Scope", x, y)
        self.scope_options = [(sc.scope_names.get(s, s.value), s.value) for s in Scope]
        self.scope = self._dropdown(self.scope_options, draft.scope, fx, y, 500, name="scope")
        self.scope_note = self._note(fx, y + 32, 514, "scope_order")
        y += 60
        self._label("Price", x, y)
        UILabel(pygame.Rect(fx, y, 16, 30), "$", m, container=self.window)
        self.price = self._entry(fx + 16, y, 80, draft.price, "price")
        rules = sc.term_sheets
        UILabel(
            pygame.Rect(fx + 100, y, 330, 30),
            f"billion  (${rules.price_min}B to ${rules.price_max}B)",
            m,
            container=self.window,
        )
        y += 40
        self._label("Algorithm", x, y)
        self.algo_options = [(capitalised(sc.algorithm_names[a]), a.value) for a in Algorithm]
        self.algorithm = self._dropdown(
            self.algo_options, draft.algorithm, fx, y, 300, name="algorithm"
        )
        y += 40
        self._label("Safeguards", x, y, 150)
        self.mitigations: dict[Mitigation, UICheckBox] = {}
        self.required: dict[Mitigation, UILabel] = {}  # "required", beside each it requires
        for i, mit in enumerate(Mitigation):
            r = pygame.Rect(fx + (i % 2) * 250, y + 4 + (i // 2) * 30, 22, 22)
            self.mitigations[mit] = UICheckBox(
                r,
                sc.mitigation_names[mit],
                m,
                container=self.window,
                initial_state=mit.value in draft.mitigations,
                object_id=oid(None, f"#mit_{mit.value}"),
            )
            self.required[mit] = UILabel(
                pygame.Rect(r.x + 168, r.y - 4, 76, 30), " ", m, container=self.window,
                object_id=oid("@required", f"#required_{mit.value}"),
            )  # fmt: skip
        self.requirements_note = self._note(fx, y + 64, 514, "requirements")
        y += 94
        self._label("Rounds to close", x, y)
        self.rounds_options = [
            (f"{n} day{'s' if n > 1 else ''}", str(n))
            for n in range(1, rules.rounds_to_close_max + 1)
        ]
        self.rounds = self._dropdown(
            self.rounds_options, draft.rounds_to_close, fx, y, 120, name="rounds"
        )
        y += 40
        self._label("Cover note", x, y)
        self.note = self._entry(fx, y, 500, draft.note, "note", numeric=False)
        self.note.set_text_length_limit(rules.message_max_chars)
        y += 44
        self.problems_box = UITextBox(
            "",
            pygame.Rect(x, y, 652, 112),
            m,
            container=self.window,
            object_id=oid("@problems", "#problems"),
        )
        y += 122
        self.cancel = UIButton(
            pygame.Rect(420, y, 110, 36),
            "Cancel",
            m,
            container=self.window,
            object_id=oid(None, "#composer_cancel"),
        )
        self.send_text = "Counter" if draft.replaces else "Propose"
        self.propose = UIButton(
            pygame.Rect(540, y, 128, 36),
            self.send_text,
            m,
            container=self.window,
            object_id=oid("@primary", "#propose"),
        )
        self.replaces = draft.replaces

    def _dropdown(
        self, options: list[tuple[str, str]], value: str, x: int, y: int, w: int, *, name: str
    ) -> UIDropDownMenu:
        start = next((o for o in options if o[1] == value), options[0])
        choices: list[str | tuple[str, str]] = [*options]
        return UIDropDownMenu(
            choices,
            start,
            pygame.Rect(x, y, w, 30),
            self.manager,
            container=self.window,
            object_id=oid(None, f"#{name}"),
        )

    # -- reading and checking ------------------------------------------------------------

    def draft(self) -> Draft:
        """The fields as a Draft."""
        buyers = tuple(
            (seat, self.stakes[seat].get_text() or "0")
            for seat, box in self.buyer_checks.items()
            if box.get_state() is True
        )
        return Draft(
            buyers=buyers,
            seller_stake=self.seller_stake.get_text() or "0",
            scope=self.scope.selected_option[1],
            price=self.price.get_text(),
            algorithm=self.algorithm.selected_option[1],
            mitigations=frozenset(
                m.value for m, c in self.mitigations.items() if c.get_state() is True
            ),
            rounds_to_close=self.rounds.selected_option[1],
            note=self.note.get_text(),
            replaces=self.replaces,
        )

    def problems(self) -> list[str]:
        return compose.problems(self.view, self.scenario, self.draft())

    def warnings(self) -> list[str]:
        """Why the regulator would block this sheet once signed ([] if nothing)."""
        return compose.warnings(self.view, self.scenario, self.draft())

    def refresh(self) -> None:
        """Re-check the draft; list the problems, or the offer and what would get it
        blocked; gate Propose; say beside the fields what the regulator asks."""
        self._show_requirements()
        found = self.problems()
        warned = [] if found else self.warnings()
        send = self.send_text
        if found:
            html = "<b>Not ready yet:</b><br>" + "<br>".join(f"\u2022 {escape(p)}" for p in found)
            self.problems_box.change_object_id(oid("@problems", "#problems"))
            self.propose.disable()  # type: ignore[no-untyped-call]
        elif warned:
            html = "<b>This deal would be blocked:</b><br>"
            html += "<br>".join(f"\u2022 {escape(w)}" for w in warned)
            html += "<br>Change the terms, or press <b>Send anyway</b> to propose it as it is."
            self.problems_box.change_object_id(oid("@warn", "#problems"))
            self.propose.enable()  # type: ignore[no-untyped-call]
            send = "Send anyway"
        else:
            d = self.draft()
            scope = self.scenario.scope_names.get(d.scope, d.scope)  # type: ignore[call-overload]
            html = (
                f"<b>Ready.</b> You offer ${escape(d.price)}B for {escape(scope)}. "
                "The other parties see it privately; it is signed by you when sent."
            )
            self.problems_box.change_object_id(oid("@ok", "#problems"))
            self.propose.enable()  # type: ignore[no-untyped-call]
        if self.propose.text != send:
            self.propose.set_text(send)
        self.problems_box.set_text(html)

    def _show_requirements(self) -> None:
        """The regulator's order beside the scope, its requirements beside the safeguards."""
        v, sc = self.view, self.scenario
        notes = (
            (self.scope_note, "#scope_order", compose.scope_order(v, sc), v.divestiture_scope),
            (
                self.requirements_note,
                "#requirements",
                compose.requirements(v, sc),
                v.required_mitigations,
            ),
        )
        for label, name, text, asked in notes:
            if label.text != text:
                label.change_object_id(oid("@required" if asked else "@note", name))
                label.set_text(text)
        for mit, tag in self.required.items():
            text = "required" if mit in v.required_mitigations else " "
            if tag.text != text:
                tag.set_text(text)

    def set_view(self, view: GameView) -> None:
        self.view = view
        self.refresh()

    def fill(self, draft: Draft) -> None:
        """Put ``draft`` into the fields (autoplay types an offer as a player would)."""
        chosen = dict(draft.buyers)
        for seat, box in self.buyer_checks.items():
            box.set_state(seat in chosen)
            self.stakes[seat].set_text(chosen.get(seat, "0"))
        self.seller_stake.set_text(draft.seller_stake)
        self.price.set_text(draft.price)
        self.note.set_text(draft.note)
        for mit, box in self.mitigations.items():
            box.set_state(mit.value in draft.mitigations)
        for menu, options, value in (
            (self.scope, self.scope_options, draft.scope),
            (self.algorithm, self.algo_options, draft.algorithm),
            (self.rounds, self.rounds_options, draft.rounds_to_close),
        ):
            menu.selected_option = next(o for o in options if o[1] == value)
            menu.rebuild()  # type: ignore[no-untyped-call]
        self.replaces = draft.replaces
        self.refresh()

    # -- input ---------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type in _CHANGES and self._mine(event):
            self.refresh()
            return True
        if dismissed(event, self.window, self.cancel):
            self.done = True
            return True
        if event.type != pygame_gui.UI_BUTTON_PRESSED:
            return False
        if event.ui_element is self.propose:
            self.submit()
            return True
        return False

    def submit(self) -> bool:
        """Send the offer if it is valid; otherwise show why and send nothing."""
        if self.problems():
            self.refresh()
            return False
        intents.post(intents.SendAction(compose.to_action(self.draft())))
        self.done = True
        return True

    def _mine(self, event: pygame.event.Event) -> bool:
        element = getattr(event, "ui_element", None)
        fields: list[object] = [
            *self.buyer_checks.values(),
            *self.stakes.values(),
            *self.mitigations.values(),
            self.seller_stake,
            self.scope,
            self.price,
            self.algorithm,
            self.rounds,
            self.note,
        ]
        return any(element is f for f in fields)

    def kill(self) -> None:
        self.window.kill()  # type: ignore[no-untyped-call]
