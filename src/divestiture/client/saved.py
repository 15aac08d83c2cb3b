"""The seats this client can come back to: each seat's token, kept on disk.

Once the teacher closes a room's seats, a seat's token (the ``token`` of the
server's ``joined``) is the only way back into it. The client keeps each one in a
small JSON file: a classroom seat in the user's config directory, keyed by the
server's address and the room code (``ws://192.168.1.20:8765/K7QM2``: the table's
room, even when the student typed their class's code, which the seat notes as
``via`` so that typing it again finds the seat); a solo
game beside the games themselves, in the solo data directory, keyed by its room
code, with when it was played and where it stood, for the lobby to list.

The file is read whole and written whole, atomically (a new file in the same
directory, then a rename over the old one), and made readable by its owner only.
A missing file is an empty one; a file that cannot be read, or is not what it
should be, is passed over with one line in the log and replaced when a seat is
next saved: the student joins as new, nothing crashes. Tokens are secrets: no
log line, message or ``repr`` here ever shows one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from divestiture.game.views import GameView

log = logging.getLogger("divest.client")

SEATS_FILE = "seats.json"  # classroom seats, in the user's config directory
GAMES_FILE = "games.json"  # solo games, in the solo data directory
_FORMAT = 1  # the file's layout: {"format": 1, "seats": {key: SavedSeat}}


@dataclass(frozen=True, slots=True)
class SavedSeat:
    """A seat held in a room, and what the lobby says about it."""

    seat: str
    token: str = field(repr=False)  # a secret: never printed
    name: str = ""
    joined: float = 0.0  # when the seat was joined (time.time())
    played: float = 0.0  # when it was last seen in play
    stands: str = ""  # where the game stood then: "Wednesday, day 3 of 5", or its outcome
    over: bool = False
    # The code the student typed, when the seat is in another room: their class's (the
    # class seated them at this table), or the table's they were moved from.
    via: str = ""


_TYPES: dict[str, tuple[type, ...]] = {
    "seat": (str,),
    "token": (str,),
    "name": (str,),
    "joined": (int, float),
    "played": (int, float),
    "stands": (str,),
    "over": (bool,),
    "via": (str,),
}


def solo_games(data_dir: Path | None) -> list[tuple[str, SavedSeat]]:
    """The solo games kept in ``data_dir`` (room code, seat), last played first."""
    if data_dir is None:
        return []
    games = SeatFile(data_dir / GAMES_FILE).all()
    return sorted(games.items(), key=lambda g: (g[1].played, g[0]), reverse=True)


def seat_key(server: str, room: str) -> str:
    """The key of a classroom seat: the server's address and the room code, as one
    address (``ws://192.168.1.20:8765/K7QM2``), the same however they were typed."""
    return f"{server.strip().rstrip('/').lower()}/{room.strip().upper()}"


def room_of(key: str) -> str:
    """The room code in a classroom seat's key."""
    return key.rsplit("/", 1)[-1]


def held_at(saved: Mapping[str, SavedSeat], server: str, code: str) -> tuple[str, SavedSeat] | None:
    """The seat (its key, and it) this user holds on ``server`` in room ``code``, or at
    a table of class ``code`` (the latest joined, if several); None if neither."""
    if not code.strip():
        return None
    key = seat_key(server, code)
    if key in saved:
        return key, saved[key]
    code, on = code.strip().upper(), seat_key(server, "")
    through = [(k, s) for k, s in saved.items() if s.via == code and k.startswith(on)]
    return max(through, key=lambda found: found[1].joined, default=None)


def standing(view: GameView) -> tuple[str, bool]:
    """Where the game of ``view`` stands, in words, and whether it is over."""
    if view.outcome is not None:
        return view.outcome_name or view.outcome, True
    return f"{view.round_name}, day {view.round} of {view.deadline}", False


class SeatFile:
    """Saved seats in one JSON file, keyed by a string. Safe to use from several threads
    (the connection's keeps a token, the window's notes where the game stands)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._told = False  # that there is no file yet (said once)

    @classmethod
    def for_classroom(cls) -> SeatFile:
        """The classroom seats of this user, in the platform's config directory."""
        from platformdirs import user_config_path

        return cls(user_config_path("divestiture", appauthor=False) / SEATS_FILE)

    def get(self, key: str) -> SavedSeat | None:
        with self._lock:
            return self._read().get(key)

    def all(self) -> dict[str, SavedSeat]:
        with self._lock:
            return self._read()

    def put(self, key: str, saved: SavedSeat) -> None:
        """Keep ``saved`` under ``key`` (replacing what was there)."""
        with self._lock:
            seats = self._read()
            seats[key] = saved
            self._write(seats)

    def update(self, key: str, **changes: Any) -> None:
        """Change some fields of the seat under ``key`` (nothing if there is none)."""
        with self._lock:
            seats = self._read()
            old = seats.get(key)
            if old is not None and (new := replace(old, **changes)) != old:
                seats[key] = new
                self._write(seats)

    def forget(self, key: str) -> None:
        with self._lock:
            seats = self._read()
            if seats.pop(key, None) is not None:
                self._write(seats)

    # -- the file ------------------------------------------------------------------------

    def _read(self) -> dict[str, SavedSeat]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if not self._told:
                self._told = True
                log.info("no saved seats yet in %s (it is made when a seat is joined)", self.path)
            return {}
        except (OSError, UnicodeError) as e:
            log.warning("could not read the saved seats in %s (%s): joining as new", self.path, e)
            return {}
        try:
            data = json.loads(text)
        except ValueError as e:  # say where it broke, never what it holds
            log.warning(
                "%s is not valid JSON (line %s): its saved seats are passed over, and the"
                " file is written again when a seat is next saved",
                self.path,
                getattr(e, "lineno", "?"),
            )
            return {}
        seats = data.get("seats") if isinstance(data, dict) else None
        if not isinstance(seats, dict) or data.get("format") != _FORMAT:
            log.warning(
                "%s is not a file of saved seats (format %s): it is passed over, and"
                " written again when a seat is next saved",
                self.path,
                _FORMAT,
            )
            return {}
        kept = {k: s for k, v in seats.items() if (s := _seat(v)) is not None}
        if len(kept) < len(seats):
            log.warning(
                "%s: %d saved seat(s) were incomplete and are passed over",
                self.path,
                len(seats) - len(kept),
            )
        return kept

    def _write(self, seats: dict[str, SavedSeat]) -> None:
        text = json.dumps(
            {"format": _FORMAT, "seats": {k: asdict(s) for k, s in seats.items()}},
            indent=1,
            sort_keys=True,
        )
        folder = self.path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkstemp makes the file readable and writable by this user only.
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as e:
            log.warning(
                "could not save the seats in %s (%s): a seat joined now cannot be resumed"
                " after the client quits",
                self.path,
                e.strerror or type(e).__name__,
            )


def _seat(raw: object) -> SavedSeat | None:
    """A saved seat from its JSON, or None if a field is missing or of the wrong type."""
    if not isinstance(raw, dict):
        return None
    known = {f.name for f in fields(SavedSeat)}
    values = {k: v for k, v in raw.items() if k in known}
    for name, kinds in _TYPES.items():
        if name in values and not isinstance(values[name], kinds):
            return None
    if not values.get("seat") or not values.get("token"):
        return None
    return SavedSeat(**values)
