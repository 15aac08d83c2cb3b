"""The facilitator's controls of one table, each kept in the table's log.

Start, pause, resume, end the phase, read out the news and announce are the engine's
own actions (``game.moves.facilitator``). The rest change the room rather than the
game (a phase's timer, the seats, a bot, a student moved or removed): each is stored
with the facilitator's note of it in the same transaction (``Room.record``), so a crash
loses neither, and the debrief reads them in the log.

Moving or removing a student also changes what their open connections are: ``run``
returns those changes as ``Effect``s, for the server to make (it owns the connections).
"""

from __future__ import annotations

from dataclasses import dataclass

from divestiture.game.actions import Announce, Pause, PlayNews, StartWeek
from divestiture.game.types import FACILITATOR, SPECTATOR, SeatId
from divestiture.server.protocol import (
    Announcement,
    BotLeaves,
    BotTakes,
    ControlOrder,
    EndPhaseNow,
    MoveStudent,
    PausePlay,
    ReadNews,
    Refusal,
    RemoveStudent,
    ResumePlay,
    Role,
    SeatLock,
    SetTimer,
    StartPlay,
)
from divestiture.server.rooms import Room
from divestiture.server.table import Member


@dataclass(frozen=True, slots=True)
class Moved:
    """An open connection now plays ``role`` in ``room`` (or watches it)."""

    member: Member
    room: Room
    role: Role


@dataclass(frozen=True, slots=True)
class Dismissed:
    """An open connection is closed: its student was taken out of the seat."""

    member: Member
    message: str


Effect = Moved | Dismissed


async def run(
    room: Room, order: ControlOrder, client_id: str, to_room: Room | None = None
) -> list[Effect]:
    """Make the control ``order`` in ``room``; ``to_room`` is the room a student is
    moved to (``MoveStudent.to_room``, found by the caller; None: the same room).

    Raises:
        GameError: the engine refused it (paused already, the game is over...).
        Refusal: it names a seat, student or bot the room does not have.
        StoreError: it could not be stored; nothing changed.
    """
    cid = f"control:{client_id}"
    match order:
        case StartPlay():
            if order.bots_for_empty_seats:
                empty = dict.fromkeys(room.state.seats, room.options.empty_seat_bot)
                await room.add_bots(empty, only_empty=True)
            await room.submit(FACILITATOR, StartWeek(), cid)
        case PausePlay():
            await room.submit(FACILITATOR, Pause(paused=True), cid)
        case ResumePlay():
            await room.submit(FACILITATOR, Pause(paused=False), cid)
        case EndPhaseNow():
            await room.end_phase(room.state.version)
        case SetTimer():
            await room.set_timer(order.phase, order.seconds, cid)
        case ReadNews():
            await room.submit(FACILITATOR, PlayNews(card=order.card), cid)
        case Announcement():
            await room.submit(FACILITATOR, Announce(text=order.text), cid)
        case SeatLock():
            await room.set_seats_locked(order.locked, cid)
        case BotTakes():
            return await _bot_takes(room, order, cid)
        case BotLeaves():
            await room.hand_back(_seat(room, order.seat), cid)
        case MoveStudent():
            return await _move(room, order, cid, to_room or room)
        case RemoveStudent():
            return await _remove(room, order, cid)
    return []


async def _bot_takes(room: Room, order: BotTakes, cid: str) -> list[Effect]:
    """A bot plays the seat from now on; its students, if any, watch."""
    seat = _seat(room, order.seat)
    if seat in room.bots:
        raise Refusal("seat_taken", f"a bot plays {room.seat_word(seat)} already")
    await room.add_bots({seat: order.bot})  # noted in the log
    return [Moved(m, room, SPECTATOR) for m in _in_seat(room, seat)]


async def _move(room: Room, order: MoveStudent, cid: str, to_room: Room) -> list[Effect]:
    """The student's tokens now hold the new seat (stored with the note); a bot playing
    it gives it up first; their open connections sit down there."""
    seat = _seat(room, order.seat)
    name = _holder(room, seat, order.name)
    to_seat = _seat(to_room, order.to_seat)
    if (to_room, to_seat) == (room, seat):
        raise Refusal("invalid_control", f"{name} is in {room.seat_word(seat)} already")
    if to_seat in to_room.bots:
        await to_room.hand_back(to_seat, cid + ":bot")
    where = to_room.seat_word(to_seat)
    if to_room is not room:
        where += f" at table {to_room.code}"
    code, target = room.code, to_room.code

    def done() -> None:
        room.holders[seat].remove(name)
        if name not in to_room.holders[to_seat]:
            to_room.holders[to_seat].append(name)
        to_room.joined.add(to_seat)

    await room.record(
        f"{name} moves from {room.seat_word(seat)} to {where}.",
        cid,
        lambda store: store.move_seat_tokens(code, seat, name, target, to_seat),
        done,
    )
    if to_room is not room:
        await to_room.record(f"{name} joins {where} from table {room.code}.", cid)
    return [Moved(m, to_room, to_seat) for m in _in_seat(room, seat, name)]


async def _remove(room: Room, order: RemoveStudent, cid: str) -> list[Effect]:
    """The student's tokens no longer resume (stored with the note); their open
    connections are closed."""
    seat = _seat(room, order.seat)
    name = _holder(room, seat, order.name)
    code = room.code
    await room.record(
        f"{name} is taken out of {room.seat_word(seat)}.",
        cid,
        lambda store: store.drop_seat_tokens(code, seat, name),
        lambda: room.holders[seat].remove(name),
    )
    message = f"your teacher took you out of {room.seat_word(seat)} in room {room.code}"
    return [Dismissed(m, message) for m in _in_seat(room, seat, name)]


def _seat(room: Room, seat: SeatId) -> SeatId:
    if seat not in room.state.seats:
        seats = ", ".join(room.state.seats)
        raise Refusal("unknown_seat", f"'{seat}' is not a seat (choose from {seats})")
    return seat


def _holder(room: Room, seat: SeatId, name: str) -> str:
    if name not in room.holders[seat]:
        raise Refusal("unknown_student", f"no one called {name} plays {room.seat_word(seat)}")
    return name


def _in_seat(room: Room, seat: SeatId, name: str | None = None) -> list[Member]:
    """The open connections in ``seat`` (of the student ``name``, if given)."""
    return [m for m in room.members if m.role == seat and (name is None or m.name == name)]
