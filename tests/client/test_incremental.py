"""The table screen brings itself up to date a part at a time: what changed is shown,
what did not is left alone (the same widgets, the same pictures)."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest

from game import (
    DEFAULT_SCENARIO,
    Message,
    Propose,
    Sign,
    Withdraw,
    apply,
    legal_actions,
    load_scenario,
)
from game.client import intents, richtext, theme
from game.client.net import ViewUpdate
from game.client.panels.log import BACKGROUND
from game.client.panels.sheets import card_html, card_picture
from game.client.screens.table import TableScreen
from game.engine import start
from game.state import GameState
from game.types import SeatId
from game.views import GameView, view_for

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


def _table(display: pygame.Surface, view: GameView) -> tuple[TableScreen, pygame_gui.UIManager]:
    manager = theme.make_manager(display.get_size())
    screen = TableScreen(manager, SC, view, display.get_size())
    _frame(screen, manager, display)
    return screen, manager


def _same_pixels(surface: pygame.Surface, picture: pygame.Surface, at: tuple[int, int]) -> bool:
    shown = surface.subsurface(pygame.Rect(at, picture.get_size()))
    w, h = picture.get_size()
    return all(
        shown.get_at((x, y))[:3] == picture.get_at((x, y))[:3]
        for x in range(0, w, 3)
        for y in range(0, h, 2)
    )


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


def test_a_new_chat_line_shows_and_nothing_else_is_remade(display: pygame.Surface) -> None:
    """A message on the open thread appears at the bottom of the chat; the sheet cards,
    their buttons and the feed are the ones shown before."""
    state = _offer(start(SC, 4).state)
    screen, manager = _table(display, view_for(state, BD))
    screen.chat._select(MS)
    _frame(screen, manager, display)
    card = screen.sheets.cards["ts-1"]
    picture, buttons = card.picture, [b for _, b in card.buttons]
    feed = screen.feed.box.version

    state = _act(state, MS, Message(to=(BD,), text="We can go to $35B if you keep 0%."))
    screen.receive(ViewUpdate(view_for(state, BD)))
    _frame(screen, manager, display)

    box = screen.chat.box
    assert "We can go to $35B if you keep 0%." in box.rows[-1]
    row = richtext.render(box.rows[-1], box.text.w, BACKGROUND)
    assert _same_pixels(display, row, box.text.topleft)  # the only line, at the top
    kept = screen.sheets.cards["ts-1"]
    assert kept.picture is picture and [b for _, b in kept.buttons] == buttons
    assert all(b.visible for b in buttons)
    assert screen.feed.box.version == feed


def test_a_line_on_another_thread_marks_its_tab(display: pygame.Surface) -> None:
    """A message on a thread that is not open leaves the open thread as it was and puts
    a count on the other thread's tab."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    screen.chat._select(SeatId("white_house"))
    rows = screen.chat.box.rows
    state = _act(state, MS, Message(to=(BD,), text="Call me."))
    screen.receive(ViewUpdate(view_for(state, BD)))
    _frame(screen, manager, display)
    assert screen.chat.box.rows == rows
    assert screen.chat.tabs[MS].text.endswith("\u20221")


def test_a_changed_sheet_is_redrawn_and_its_buttons_follow(display: pygame.Surface) -> None:
    """When Microsoft withdraws one of two offers, that card is drawn again, says so and
    loses its buttons; the other card moves up as the same picture with the same buttons."""
    state = _offer(_offer(start(SC, 4).state), SeatId("investors"))
    screen, manager = _table(display, view_for(state, BD))
    cards = screen.sheets.cards
    assert list(cards) == ["ts-2", "ts-1"]  # newest first
    assert {"Sign", "Reject"} <= {t for t, _ in cards["ts-1"].buttons}
    other = cards["ts-2"]
    other_picture, other_buttons = other.picture, list(other.buttons)
    reject = next(b for t, b in cards["ts-1"].buttons if t == "Reject")
    where = reject.rect.center

    state = _act(state, MS, Withdraw(sheet="ts-1"))
    view = view_for(state, BD)
    screen.receive(ViewUpdate(view))
    _frame(screen, manager, display)

    gone = screen.sheets.cards["ts-1"]
    sheet = next(s for s in view.sheets if s.id == "ts-1")
    assert "withdrawn" in gone.html.lower() and not gone.buttons
    area = screen.sheets.area
    at = (area.x, area.y + gone.y - screen.sheets.scroller.offset())
    drawn = card_picture(card_html(view, SC, sheet), gone.picture.get_width())
    assert _same_pixels(display, drawn, at)
    kept = screen.sheets.cards["ts-2"]
    assert kept.picture is other_picture and kept.buttons == other_buttons
    assert all(b.visible for _, b in kept.buttons)
    assert not reject.visible
    assert _click(screen, manager, where) == []  # the hidden Reject sends nothing


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
    assert sent[0].action == Sign(sheet="ts-1")
    spare = [b for bs in screen.sheets._spare.values() for b in bs]
    assert spare and not any(b.visible for b in spare)


def test_spare_buttons_are_made_in_frames_with_no_new_view(display: pygame.Surface) -> None:
    """Frames with nothing new make one spare button each; a frame with a new view makes
    none beyond what the view needs."""
    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))

    def spares() -> int:
        return sum(len(bs) for bs in screen.sheets._spare.values())

    before = spares()
    screen.receive(ViewUpdate(view_for(_offer(state), BD)))
    _frame(screen, manager, display)
    assert spares() <= before
    made = spares()
    _frame(screen, manager, display)
    assert spares() == made + 1


def test_sheets_scroll_and_hide_buttons_out_of_sight(display: pygame.Surface) -> None:
    """With more cards than fit, the list scrolls with the wheel; a card's buttons move
    with it and those scrolled out of the list are hidden."""
    state = start(SC, 4).state
    for n in range(3):
        state = _offer(state, MS, n)
    for n in range(2):
        state = _offer(state, SeatId("investors"), n)
    screen, manager = _table(display, view_for(state, BD))
    sheets = screen.sheets
    assert sheets.scroller.bar.visible and sheets.scroller.offset() == 0
    top = sheets.cards[next(iter(sheets.cards))]
    first = top.buttons[0][1]
    assert first.visible
    pygame.mouse.set_pos(sheets.area.center)
    for _ in range(3):
        manager.update(1 / 30)
    wheel = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-3, flipped=False)
    manager.process_events(wheel)
    screen.handle(wheel)
    for _ in range(30):
        _frame(screen, manager, display)
    offset = sheets.scroller.offset()
    assert offset > 0
    assert first.relative_rect.y == top.y - offset or not first.visible
    for card in sheets.cards.values():
        for j, (_, b) in enumerate(card.buttons):
            y = card.y + j * 32 - offset
            assert b.visible == (y + 28 > 0 and y < sheets.area.h)


def test_feed_scrolls_to_new_lines_and_with_the_wheel(display: pygame.Surface) -> None:
    """The feed shows its newest line at the bottom when lines are added; the wheel over
    it scrolls back up."""
    from game.actions import Statement

    state = start(SC, 4).state
    screen, manager = _table(display, view_for(state, BD))
    for n in range(12):
        seat = SC.seat_ids[n % 5]
        state = _act(state, seat, Statement(text=f"Statement number {n} about the deal."))
        screen.receive(ViewUpdate(view_for(state, BD)))
        _frame(screen, manager, display)
    box = screen.feed.box
    end = box.scroller.offset()
    assert end > 0 and end == box.scroller.height - box.text.h
    assert "Statement number 11" in box.rows[-1]
    pygame.mouse.set_pos(box.text.center)
    manager.update(1 / 30)
    wheel = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False)
    manager.process_events(wheel)
    screen.handle(wheel)
    before = display.copy()
    for _ in range(30):
        _frame(screen, manager, display)
    assert box.scroller.offset() < end
    region = box.text
    assert any(
        display.get_at((x, y)) != before.get_at((x, y))
        for x in range(region.x, region.right, 5)
        for y in range(region.y, region.bottom, 3)
    )


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


@pytest.mark.parametrize(
    ("html", "lines"),
    [
        ("plain", [[("plain", False, False)]]),
        (
            "<b>bold</b> and <i>it &amp; al</i>",
            [[("bold", True, False), (" and ", False, False), ("it & al", False, True)]],
        ),
        (
            "one<br>two<br/>three",
            [[("one", False, False)], [("two", False, False)], [("three", False, False)]],
        ),
        (
            "<font color='#E69F00'>\u25cf</font> x",
            [[("\u25cf", False, False), (" x", False, False)]],
        ),
    ],
)
def test_richtext_reads_the_panels_markup(
    html: str, lines: list[list[tuple[str, bool, bool]]]
) -> None:
    """The markup subset the panels write becomes lines of styled runs."""
    parsed = richtext.parse(html)
    assert [[(r.text, r.bold, r.italic) for r in line] for line in parsed] == lines
    if "font" in html:
        assert parsed[0][0].colour == (0xE6, 0x9F, 0x00)


def test_richtext_wraps_inside_its_width(display: pygame.Surface) -> None:
    """Wrapped rows never run past the width; a word longer than a row is broken."""
    text = "An emergency-powers order is on the table " * 4 + "x" * 80
    rows = richtext.wrap(richtext.parse(text), 200, 13)
    assert len(rows) > 4
    for row in rows:
        width = sum(theme.font(13, r.bold, r.italic).size(r.text.rstrip(" "))[0] for r in row)
        assert width <= 200
    surface = richtext.render(text, 200, BACKGROUND)
    assert surface.get_height() == len(rows) * richtext.row_height(13)


def _game_views(seat: SeatId, seed: int) -> list[GameView]:
    """``seat``'s view after every action of a seeded bot game."""
    from game.simulation import play_game, player_factory

    record = play_game(SC, seed, player_factory(SC))
    state = start(SC, seed).state
    views = [view_for(state, seat)]
    for who, action in record.log:
        state = apply(state, who, action).state
        if not state.over:
            views.append(view_for(state, seat))
    return views


@pytest.mark.parametrize(
    ("seat", "seed"), [("bytedance", 3), ("microsoft", 12), ("investors", 10), ("cfius", 3)]
)
def test_every_view_of_a_game_is_shown_as_it_is(
    display: pygame.Surface, seat: str, seed: int
) -> None:
    """Fed each view of a bot game in turn, the table always shows that view and no
    other: a card per sheet with its text, a button per legal move on it that makes
    that move and sits beside it (or is hidden when scrolled away), no stray buttons,
    the feed's and the thread's lines, and the legal levers."""
    from game.client.panels.actions import lever_uses
    from game.client.panels.sheets import sheet_moves, shown_sheets
    from game.client.panels.talk import feed_rows

    views = _game_views(SeatId(seat), seed)
    screen, manager = _table(display, views[0])
    for view in views[1:]:
        screen.receive(ViewUpdate(view))
        _frame(screen, manager, display)
        _frame(screen, manager, display)
        sheets = screen.sheets
        assert list(sheets.cards) == [s.id for s in shown_sheets(view)]
        offset = sheets.scroller.offset()
        for sheet in shown_sheets(view):
            card = sheets.cards[sheet.id]
            assert card.html == card_html(view, SC, sheet)
            moves = sheet_moves(view, SC, sheet)[:4]
            assert [t for t, _ in card.buttons] == [t for t, _ in moves]
            for j, ((_, b), (_, action)) in enumerate(zip(card.buttons, moves, strict=True)):
                assert sheets.buttons[b] == (sheet, action)
                y = card.y + j * 32 - offset
                assert b.visible == (y + 28 > 0 and y < sheets.area.h)
                assert not b.visible or b.relative_rect.y == y
        shown = [e for e in sheets.box.elements if e.visible]
        assert all(b in sheets.buttons for b in shown)
        assert screen.feed.box.rows == tuple(feed_rows(view))
        assert screen.chat.box.rows == tuple(screen.chat.thread_rows(screen.chat.current))
        levers = {lever for lever, _ in screen.actions.levers.values()}
        assert levers == set(lever_uses(view))
        assert all(b.visible for b in screen.actions.levers)
        hidden = [b for b in screen.actions._kept.values()]
        assert not any(b.visible for b in hidden)
