"""The server's log: one logger, and every line it writes is one line.

Names, room codes, error messages and action descriptions come from clients.
A newline in a display name must not forge a second log line, so the filter
escapes control characters in every message of this logger (the traceback of
``log.exception`` is the formatter's, and stays as it is).
"""

from __future__ import annotations

import logging
import re

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
