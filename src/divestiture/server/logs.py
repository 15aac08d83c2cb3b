"""The server's log: one logger, and every line it writes is one line.

Names, room codes, error messages and action descriptions come from clients.
A newline in a display name must not forge a second log line, so the filter
escapes control characters in every message of this logger (the traceback of
``log.exception`` is the formatter's, and stays as it is).
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import Counter

log = logging.getLogger("divest.server")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b``, ...)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (a newline, an escape, a NUL...)."""
    return _CONTROL.search(text) is not None


class OneLine(logging.Filter):
    """Escapes control characters in a record's message, arguments filled in."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if has_control(message):
            record.msg, record.args = printable(message), None
        return True


log.addFilter(OneLine())


class Tally:
    """Refusals counted by code and written as one log line a period (and a last one
    when ``flush`` is called), not one line each: a client sending garbage as fast as it
    can would otherwise fill the disk with the log. The first is written at once."""

    def __init__(self, noun: str, where: str, every: float = 60.0) -> None:
        self.noun = noun  # "frame"
        self.where = where  # "from 10.0.0.5:51234"
        self.every = every
        self.counts: Counter[str] = Counter()
        self._last = ""  # the last refusal's code and message, as an example
        self._written = -math.inf

    def add(self, code: str, message: str) -> None:
        """Count a refusal; write the line if a period has passed since the last."""
        self.counts[code] += 1
        self._last = f"{code}: {message}"
        if time.monotonic() - self._written >= self.every:
            self.flush()

    def flush(self) -> None:
        """Write what was counted since the last line, if anything."""
        if not self.counts:
            return
        total = sum(self.counts.values())
        codes = ", ".join(f"{code} {n}" for code, n in self.counts.most_common())
        log.info(
            "refused %d %s%s %s: %s (the last: %s)",
            total,
            self.noun,
            "" if total == 1 else "s",
            self.where,
            codes,
            self._last[:160],
        )
        self.counts.clear()
        self._written = time.monotonic()
