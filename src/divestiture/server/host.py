"""The host token: only who holds it opens rooms on a server (the teacher, not a student).

``divest serve`` makes one the first time it runs on a data directory and keeps it
across restarts, printing it at every start. The store keeps only its SHA-256
digest, as it does every token, and checks a ``create_room`` against that. The
token itself, which must be printed again at the next start, is kept in a file of
its own beside the store, readable by its owner only: the SQLite file is made
readable by everyone the umask allows, and is copied for a debrief
(``divest analyze``), so it holds no token that works. Delete the file to get a
new token at the next start.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from divestiture.server.lobby import new_token
from divestiture.server.logs import log

HOST_TOKEN_FILE = "host_token"  # in the server's data directory, beside the store
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")  # what new_token() makes: 192 bits, URL-safe


def host_token(data_dir: Path) -> str:
    """The host token of ``data_dir``: the one kept there, or a new one, kept from now on.

    Raises:
        OSError: the data directory cannot be written.
    """
    path = data_dir / HOST_TOKEN_FILE
    try:
        kept = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        kept = ""
    except (OSError, UnicodeDecodeError) as e:
        log.warning("%s cannot be read (%s); a new host token replaces it", path, e)
        kept = ""
    if _TOKEN.match(kept):
        _owner_only(path)
        return kept
    if kept:
        log.warning("%s does not hold a host token; a new one replaces it", path)
    token = new_token()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written whole under another name and then renamed: a crash leaves the old file
    # or the new one, never half of one. Made 0600 from the start (where the platform
    # has modes; on Windows the user's data directory is the user's alone).
    part = path.with_name(f"{HOST_TOKEN_FILE}.new")
    with contextlib.suppress(FileNotFoundError):
        part.unlink()
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)
    return token


def _owner_only(path: Path) -> None:
    """Make a kept token's file readable by its owner only, if it is more (copied in
    from elsewhere, say)."""
    if os.name != "posix":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(0o600)
        log.warning("%s was readable by others (mode %o); it is 0600 now", path, mode)
