"""One table as the teacher's console shows it: where the game stands, who sits where
(here or away, or a bot), who the table waits for, the deals, and every seat's score
at the end. Read off the facilitator's own view of the game and the room's people."""

from __future__ import annotations

from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId, SheetStatus
from divestiture.game.views import GameView, view_for
from divestiture.game.wording import terms_text
from divestiture.server.protocol import DealStatus, SeatStatus, Student, TableStatus
from divestiture.server.rooms import Room

LAST_LINES = 4  # the lines of play each table shows
# Rejected, withdrawn, replaced and lapsed sheets are left out.
SHOWN_DEALS = frozenset(
    {
        SheetStatus.OPEN,
        SheetStatus.SIGNED,
        SheetStatus.CLEARED,
        SheetStatus.BLOCKED,
        SheetStatus.CLOSED,
    }
)


def table_status(room: Room, n: int = 0) -> TableStatus:
    """``room`` as the console shows it; ``n`` is its table number in its class."""
    state = room.state
    view = view_for(state, FACILITATOR, with_legal=False)
    timer = room.timer.message()
    return TableStatus(
        n=n,
        room=room.code,
        title=view.title,
        day=view.round_name,
        round=view.round,
        deadline=view.deadline,
        deadline_day=view.deadline_name,
        phase=view.phase.value,
        started=view.started,
        paused=view.paused,
        over=state.over,
        outcome=view.outcome_name,
        seconds_left=timer.seconds_left if room.timer.timed else None,
        timer_running=timer.running and room.timer.timed,
        seats_locked=room.seats_locked,
        spectators=sum(1 for m in room.members if m.role == SPECTATOR),
        seats=_seats(room, view),
        deals=_deals(room, view),
        news=state.deck,
        last=tuple(f"{item.text}" for item in view.feed[-LAST_LINES:]),
    )


def _seats(room: Room, view: GameView) -> tuple[SeatStatus, ...]:
    scores = {s.seat: s.total for s in view.scores} if room.state.over else {}
    here: dict[SeatId, dict[str, list[str]]] = {s: {} for s in room.state.seats}
    for m in room.members:
        if m.role in here:
            here[SeatId(m.role)].setdefault(m.name, []).append(m.address)
    out = []
    for info in view.seats:
        seat = info.id
        names = [*room.holders[seat], *(n for n in here[seat] if n not in room.holders[seat])]
        students = tuple(
            Student(
                name=name,
                connected=name in here[seat],
                address=", ".join(here[seat][name]) if name in here[seat] else None,
            )
            for name in names
        )
        bot = room.bots.get(seat)
        out.append(
            SeatStatus(
                seat=seat,
                name=info.name,
                students=students,
                bot=None if bot is None else bot.personality or "bot",
                to_act=info.waiting and view.started and not view.paused and not room.state.over,
                score=None if seat not in scores else round(scores[seat], 1),
            )
        )
    return tuple(out)


def _deals(room: Room, view: GameView) -> tuple[DealStatus, ...]:
    sc = room.scenario
    return tuple(
        DealStatus(
            id=sheet.id,
            status=sheet.status,
            parties=tuple(sc.seat_name(p) for p in sheet.parties),
            terms=terms_text(sc, sheet.terms, closed=sheet.status != SheetStatus.OPEN),
            signed_by=tuple(sc.seat_name(p) for p in sheet.signatures),
        )
        for sheet in view.sheets
        if sheet.status in SHOWN_DEALS
    )
