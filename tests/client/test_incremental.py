"""The table screen brings itself up to date a part at a time: what changed is shown
(in the frames after a view, a piece at a time), what did not is left alone (the same
widgets, not rebuilt)."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest
from pygame_gui.core import ObjectID
from pygame_gui.elements import UITextBox

from divestiture.client import intents, theme
from divestiture.client.net import ViewUpdate
from divestiture.client.panels import oid
from divestiture.client.panels.sheets import card_html
from divestiture.client.panels.textlog import TextLog
from divestiture.client.screens.table import TableScreen
from divestiture.game import (
    DEFAULT_SCENARIO,
    Message,
    Propose,
    Sign,
    Withdraw,
    apply,
    legal_actions,
    load_scenario,
)
from divestiture.game.engine import start
from divestiture.game.simulation import seat_views
from divestiture.game.state import GameState
from divestiture.game.types import SeatId, SheetId
from divestiture.game.views import GameView, view_for

SC = load_scenario(DEFAULT_SCENARIO)
MS, BD = SeatId("microsoft"), SeatId("bytedance")


def _act(state: GameState, seat: SeatId, action: object) -> GameState:
    return apply(state, seat, action).state  # type: ignore[arg-type]


def _offer(state: GameState, seat: SeatId = MS, n: int = 0) -> GameState:
    """``seat`` proposes the ``n``-th example term sheet its legal moves list."""
    offers = [a for a in legal_actions(state, seat) if isinstance(a, Propose) and not a.replaces]
    return _act(state, seat, offers[n % len(offers)])


def _frame(screen: TableScreen, manager: pygame_gui.UIManager, surface: pygame.Surface) -> None:
    """One frame as the app draws it."""
    screen.tick(0.0)
    manager.update(1 / 30)
    screen.draw(surface)
    manager.draw_ui(surface)


def _settle(
    screen: TableScreen, manager: pygame_gui.UIManager, surface: pygame.Surface, most: int = 12
) -> int:
    """Frames until the screen has laid out all its text (each frame lays out at least a
    piece, so a view's text never waits long); how many it took."""
    frames = 0
    while screen.busy():
        _frame(screen, manager, surface)
        frames += 1
        assert frames <= most, "the text of a view took too many frames to show"
    _frame(screen, manager, surface)
    return frames


def _table(display: pygame.Surface, view: GameView) -> tuple[TableScreen, pygame_gui.UIManager]:
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, view, display.get_size())
    _settle(screen, manager, display, most=40)
    return screen, manager


def _same_pixels(surface: pygame.Surface, picture: pygame.Surface, area: pygame.Rect) -> bool:
    """Whether ``area`` of ``surface`` shows what ``area`` of ``picture`` does."""
    return all(
        surface.get_at((x, y))[:3] == picture.get_at((x, y))[:3]
        for x in range(area.x, area.right, 2)
        for y in range(area.y, area.bottom, 2)
    )


def _alone(
    display: pygame.Surface, box: UITextBox, html: str, object_id: ObjectID
) -> pygame.Surface:
    """What a text box of ``box``'s kind, place and width, made afresh with ``html`` on
    a manager of its own, draws (scrolled to its end)."""
    manager = theme.make_manager(display.get_size())
    height = -1 if type(box) is UITextBox else box.rect.h  # a card grows to its text
    rect = pygame.Rect(box.rect.topleft, (box.rect.w, height))
    fresh = type(box)(html, rect, manager, object_id=object_id)
    if fresh.scroll_bar is not None:
        fresh.scroll_bar.set_scroll_from_start_percentage(1.0)
    for _ in range(2):
        manager.update(1 / 30)
    picture = pygame.Surface(display.get_size())
    manager.draw_ui(picture)
    return picture


def _text_area(box: UITextBox) -> pygame.Rect:
    """Inside a text box's shadow and border, left of its scroll bar's room."""
    inner = pygame.Rect(box.rect).inflate(-8, -8)
    inner.w -= 20
    return inner


def _click(
    screen: TableScreen, manager: pygame_gui.UIManager, at: tuple[int, int]
) -> list[intents.Intent]:
    """A real mouse click at ``at``; the intents it posted."""
    pygame.event.clear()
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        manager.process_events(pygame.event.Event(kind, button=1, pos=at))
    for event in pygame.event.get():
        manager.process_events(event)
        screen.handle(event)
    return [e.intent for e in pygame.event.get(intents.INTENT)]


def _html(log: TextLog) -> str:
    return log.box.html_text + log.box.appended_text


def test_a_new_chat_line_shows_and_nothing_else_is_remade(display: pygame.Surface) -> None:
    """A message on the open thread appears at the end of the chat's text box, in the
    frame after the view; the sheet cards, their buttons and the feed are the ones
    shown before, not rebuilt."""
    state = _offer(start(SC, 4).state)
    screen, manager = _table(display, view_for(state, BD))
    screen.chat._select(MS)
    _settle(screen, manager, display)
    card = screen.sheets.cards["ts-1"]
    box, image, buttons = card.box, card.box.image, [b for _, b in card.buttons]
    feed, feed_html = screen.feed.log.box, _html(screen.feed.log)
    thread = screen.chat.log.box

    state = _act(state, MS, Message(to=(BD,), text="We can go to $35B if you keep 0%."))
    screen.receive(ViewUpdate(view_for(state, BD)))
    _frame(screen, manager, display)  # the view's own frame leaves the text to the next
    assert _settle(screen, manager, display) == 1

    log = screen.chat.log
    assert "We can go to $35B if you keep 0%." in log.shown_rows[-1]
    assert log.box is thread and thread.visible
    assert thread.text_box_layout is not None
    assert thread.text_box_layout.plain_text.endswith("We can go to $35B if you keep 0%.")
    alone = _alone(display, thread, _html(log), oid(None, "#thread"))
    assert _same_pixels(display, alone, _text_area(thread))
    kept = screen.sheets.cards["ts-1"]
    assert kept.box is box and kept.box.image is image
    assert [b for _, b in kept.buttons] == buttons and all(b.visible for b in buttons)
    assert screen.feed.log.box is feed and _html(screen.feed.log) == feed_html


def test_a_line_on_another_thread_marks_its_tab(display: pygame.Surface) -> None:
    """A message on a thread that is not open leaves the open thread as it was, puts a
    count on the other thread's tab, and is in that thread's hidden box when it opens."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    screen.chat._select(SeatId("white_house"))
    open_html = _html(screen.chat.log)
    state = _act(state, MS, Message(to=(BD,), text="Call me."))
    screen.receive(ViewUpdate(view_for(state, BD)))
    _settle(screen, manager, display)
    assert _html(screen.chat.log) == open_html
    assert screen.chat.tabs[MS].text.endswith("\u20221")
    other = screen.chat.logs[MS]
    assert not other.box.visible and not other.pending
    assert "Call me." in other.shown_rows[-1]
    screen.chat._select(MS)
    assert other.box.visible and not screen.chat.logs[SeatId("white_house")].box.visible


def test_a_changed_sheet_is_redrawn_and_its_buttons_follow(display: pygame.Surface) -> None:
    """When Microsoft withdraws one of two offers, that card's text box says so and it
    loses its buttons; the other card keeps its text box (not rebuilt) and buttons."""
    state = _offer(_offer(start(SC, 4).state), SeatId("investors"))
    screen, manager = _table(display, view_for(state, BD))
    cards = screen.sheets.cards
    assert list(cards) == ["ts-2", "ts-1"]  # newest first
    assert {"Sign", "Reject"} <= {t for t, _ in cards["ts-1"].buttons}
    other = cards["ts-2"]
    other_box, other_image, other_buttons = other.box, other.box.image, list(other.buttons)
    changed = cards["ts-1"].box
    reject = next(b for t, b in cards["ts-1"].buttons if t == "Reject")
    where = reject.rect.center

    state = _act(state, MS, Withdraw(sheet=SheetId("ts-1")))
    view = view_for(state, BD)
    screen.receive(ViewUpdate(view))
    _settle(screen, manager, display)

    gone = screen.sheets.cards["ts-1"]
    sheet = next(s for s in view.sheets if s.id == "ts-1")
    assert "withdrawn" in gone.html.lower() and not gone.buttons
    assert gone.box is changed and gone.box.html_text == card_html(view, SC, sheet)
    alone = _alone(display, gone.box, gone.html, oid("@card", "#card"))
    assert _same_pixels(display, alone, gone.box.rect.inflate(-8, -8))
    kept = screen.sheets.cards["ts-2"]
    assert kept.box is other_box and kept.box.image is other_image
    assert kept.buttons == other_buttons and all(b.visible for _, b in kept.buttons)
    assert not reject.visible
    assert _click(screen, manager, where) == []  # the hidden Reject sends nothing


def test_a_new_sheet_shows_with_its_buttons(display: pygame.Surface) -> None:
    """A new sheet's card is made in a frame after its view, its text and its buttons
    together; the view's own frame shows the list as it was."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    state = _offer(state)
    screen.receive(ViewUpdate(view_for(state, BD)))
    _frame(screen, manager, display)
    assert screen.sheets.cards == {} and screen.sheets.pending
    _settle(screen, manager, display)
    card = screen.sheets.cards["ts-1"]
    assert card.box.visible and {"Sign", "Reject"} <= {t for t, _ in card.buttons}
    assert all(b.visible for _, b in card.buttons)


def test_a_card_button_sends_its_move(display: pygame.Surface) -> None:
    """A click on a card's Sign button sends that Sign, and only buttons that show can be
    clicked (a hidden spare at the same place sends nothing)."""
    state = _offer(start(SC, 4).state)
    screen, manager = _table(display, view_for(state, BD))
    for _ in range(12):  # idle frames make spare buttons ahead of need
        _frame(screen, manager, display)
    sign = next(b for t, b in screen.sheets.cards["ts-1"].buttons if t == "Sign")
    sent = _click(screen, manager, sign.rect.center)
    assert len(sent) == 1 and isinstance(sent[0], intents.SendAction)
    assert sent[0].action == Sign(sheet=SheetId("ts-1"))
    spare = [b for bs in screen.sheets._spare.values() for b in bs]
    assert spare and not any(b.visible for b in spare)


def test_a_move_no_longer_legal_is_not_sent(display: pygame.Surface) -> None:
    """A card still a frame behind its view sends no move the view no longer allows."""
    state = _offer(start(SC, 4).state)
    screen, manager = _table(display, view_for(state, BD))
    sign = next(b for t, b in screen.sheets.cards["ts-1"].buttons if t == "Sign")
    state = _act(state, MS, Withdraw(sheet=SheetId("ts-1")))
    screen.receive(ViewUpdate(view_for(state, BD)))
    assert screen.sheets.pending and sign.visible  # the card is not redone yet
    assert _click(screen, manager, sign.rect.center) == []


def test_widgets_are_made_ahead_in_frames_with_nothing_else_to_do(
    display: pygame.Surface,
) -> None:
    """Frames with no new view and no text to lay out make one widget ahead of need each
    (a text box's scroll bar, a spare card text box, card button or lever button); a
    frame with a new view, or with text to lay out, makes none beyond what the view
    needs."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    logs = [screen.feed.log, *screen.chat.logs.values()]

    def ready() -> int:
        bars = sum(1 for log in logs if log.box._spare_bar is not None)
        buttons = sum(len(bs) for bs in screen.sheets._spare.values())
        cards = len(screen.sheets._spare_boxes)
        return bars + buttons + cards + len(screen.actions._kept)

    before = ready()
    screen.receive(ViewUpdate(view_for(_offer(state), BD)))
    _frame(screen, manager, display)
    assert ready() <= before
    while screen.busy():
        made = ready()
        _frame(screen, manager, display)
        assert ready() <= made
    for _ in range(3):
        made = ready()
        _frame(screen, manager, display)
        assert ready() == made + 1
    assert screen.feed.log.box._spare_bar is not None  # the feed's bar first


def test_sheets_scroll_with_the_wheel(display: pygame.Surface) -> None:
    """With more cards than fit, pygame_gui's scrolling list scrolls with the wheel, the
    cards' text boxes and their buttons together."""
    state = start(SC, 4).state
    for n in range(3):
        state = _offer(state, MS, n)
    for n in range(2):
        state = _offer(state, SeatId("investors"), n)
    screen, manager = _table(display, view_for(state, BD))
    sheets = screen.sheets
    bar = sheets.scroll.vert_scroll_bar
    assert bar is not None and sheets.scroll.vert_scroll_bar_active
    top = sheets.cards[next(iter(sheets.cards))]
    first = top.buttons[0][1]
    box_y, button_y = top.box.rect.y, first.rect.y
    pygame.mouse.set_pos(sheets.area.center)
    for _ in range(3):
        manager.update(1 / 30)
    wheel = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-3, flipped=False)
    manager.process_events(wheel)
    screen.handle(wheel)
    for _ in range(30):
        _frame(screen, manager, display)
    moved = box_y - top.box.rect.y
    assert moved > 0
    assert button_y - first.rect.y == moved


def test_feed_scrolls_to_new_lines_and_with_the_wheel(display: pygame.Surface) -> None:
    """The feed shows its newest line at the bottom when lines are added; the wheel over
    it scrolls back up."""
    from divestiture.game.actions import Statement

    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    for n in range(12):
        seat = SC.seat_ids[n % 5]
        state = _act(state, seat, Statement(text=f"Statement number {n} about the deal."))
        screen.receive(ViewUpdate(view_for(state, BD)))
        _frame(screen, manager, display)
        _frame(screen, manager, display)
    _settle(screen, manager, display)
    log = screen.feed.log
    bar = log.box.scroll_bar
    assert bar is not None and bar.start_percentage > 0
    assert bar.start_percentage + bar.visible_percentage >= 0.99
    assert "Statement number 11" in log.shown_rows[-1]
    end = bar.start_percentage
    pygame.mouse.set_pos(log.box.rect.center)
    manager.update(1 / 30)
    wheel = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False)
    manager.process_events(wheel)
    screen.handle(wheel)
    before = display.copy()
    for _ in range(30):
        _frame(screen, manager, display)
    assert bar.start_percentage < end
    region = _text_area(log.box)
    assert any(
        display.get_at((x, y)) != before.get_at((x, y))
        for x in range(region.x, region.right, 5)
        for y in range(region.y, region.bottom, 3)
    )


def test_text_can_be_selected_and_copied(
    display: pygame.Surface, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed, the open thread and a card are pygame_gui text boxes: a click and Ctrl+A,
    Ctrl+C copy their text (and open no composer)."""
    from pygame_gui.elements import ui_text_box

    copied: list[str] = []
    monkeypatch.setattr(ui_text_box, "clipboard_copy", copied.append)
    state = _offer(start(SC, 4).state)
    state = _act(state, MS, Message(to=(BD,), text="Sign it today."))
    screen, manager = _table(display, view_for(state, BD))
    screen.chat._select(MS)
    boxes = [screen.feed.log.box, screen.chat.log.box, screen.sheets.cards["ts-1"].box]
    for box in boxes:
        _click(screen, manager, _text_area(box).center)
        for key in (pygame.K_a, pygame.K_c):
            event = pygame.event.Event(pygame.KEYDOWN, key=key, mod=pygame.KMOD_CTRL, unicode="")
            manager.process_events(event)
            screen.handle(event)
        assert box.text_box_layout is not None
        assert copied and copied[-1] == box.text_box_layout.plain_text
        assert screen.composer is None  # Ctrl+C copies; it is not the C shortcut
    assert "Sign it today." in copied[1] and "ts-1" in copied[2]


def test_lever_buttons_keep_their_width_and_come_back(display: pygame.Surface) -> None:
    """A lever's button is as wide while its phase lasts whatever else goes, and the
    same button shows again when its lever is legal again."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    bar = screen.actions
    before = {lever: b for b, (lever, _) in bar.levers.items()}
    assert len(before) >= 2
    widths = {b.relative_rect.w for b in before.values()}
    assert len(widths) == 1
    once = next(
        lever for lever in before if SC.levers[lever].once and not SC.levers[lever].official
    )
    use = next(u for u in bar.levers.values() if u[0] == once)[1][0]
    state = _act(state, BD, use)
    screen.receive(ViewUpdate(view_for(state, BD)))
    _frame(screen, manager, display)
    after = {lever: b for b, (lever, _) in bar.levers.items()}
    assert once not in after
    assert {b.relative_rect.w for b in after.values()} == widths
    assert all(after[lever] is before[lever] for lever in after)
    assert not before[once].visible


def _game_views(seat: SeatId, seed: int) -> list[GameView]:
    """``seat``'s view after every action of a seeded bot game."""
    return seat_views(SC, seed, seat)


@pytest.mark.parametrize(
    ("seat", "seed"), [("bytedance", 3), ("microsoft", 12), ("investors", 10), ("cfius", 3)]
)
def test_every_view_of_a_game_is_shown_as_it_is(
    display: pygame.Surface, seat: str, seed: int
) -> None:
    """Fed each view of a bot game in turn, the table shows that view and no other once
    it has laid out its text (within a few frames): a card per sheet with its text, a
    button per legal move on it that makes that move and sits beside it, cards that do
    not overlap, no stray widgets in the list, the feed's and every thread's lines (only
    the open thread showing), and the legal levers."""
    from divestiture.client.panels.actions import lever_uses
    from divestiture.client.panels.sheets import BUTTON_W, GAP, sheet_moves, shown_sheets
    from divestiture.client.panels.talk import feed_rows
    from divestiture.client.panels.textlog import OLDER

    def shows(log: TextLog) -> bool:
        rows = log.shown_rows
        if not rows:
            return _html(log) == log.empty and not log.rows
        kept = log.rows[len(log.rows) - len(rows) :] == rows
        return kept and _html(log) in ("<br>".join(rows), "<br>".join([OLDER, *rows]))

    views = _game_views(SeatId(seat), seed)
    screen, manager = _table(display, views[0])
    for view in views[1:]:
        screen.receive(ViewUpdate(view))
        _frame(screen, manager, display)
        _settle(screen, manager, display)
        sheets = screen.sheets
        assert list(sheets.cards) == [s.id for s in shown_sheets(view)]
        bottom = 0
        for sheet in shown_sheets(view):
            card = sheets.cards[sheet.id]
            assert card.html == card_html(view, SC, sheet) == card.box.html_text
            assert card.box.visible and card.box.relative_rect.topleft == (0, card.y)
            assert card.y >= bottom
            bottom = card.y + card.height + GAP
            moves = sheet_moves(view, SC, sheet)[:4]
            assert [t for t, _ in card.buttons] == [t for t, _ in moves]
            for j, ((_, b), (_, action)) in enumerate(zip(card.buttons, moves, strict=True)):
                assert sheets.buttons[b] == (sheet, action)
                assert b.visible
                assert b.relative_rect.topleft == (sheets.width - BUTTON_W, card.y + j * 32)
        boxes = [c.box for c in sheets.cards.values()]
        shown = [e for e in sheets.container if e.visible]
        assert all(e in sheets.buttons or e in boxes for e in shown)
        feed = screen.feed.log
        assert feed.rows == tuple(feed_rows(view)) and shows(feed)
        for key, log in screen.chat.logs.items():
            assert log.rows == tuple(screen.chat.thread_rows(key)) and shows(log)
            assert log.box.visible == (key == screen.chat.current)
        levers = {lever for lever, _ in screen.actions.levers.values()}
        assert levers == set(lever_uses(view))
        assert all(b.visible for b in screen.actions.levers)
        hidden = [b for b in screen.actions._kept.values()]
        assert not any(b.visible for b in hidden)
