"""The debrief report and the grades of a class (or of one room): from plain records of
its tables (scenario, seed, options, the action log, who held each seat, the bots), every
table replayed and analysed, the class compared with games between bots, and all of it
written as one self-contained HTML page (``report_html``) and as grade rows (``grades``).

A layer of its own between the engine and the server: it imports only ``divestiture.game``,
the standard library and matplotlib (drawn to SVG text, never to a display), and does no
I/O, so ``divest debrief`` and, later, the server's console (off its event loop, in a
thread) call the same pure functions. Reading a server's store into these records is the
server's (``divestiture.server.debrief_source``).
"""

from divestiture.debrief.build import ClassDebrief, build
from divestiture.debrief.grades import GradeRow, grade_rows
from divestiture.debrief.records import BotRecord, ClassInput, TableInput
from divestiture.debrief.report import report_html

__all__ = [
    "BotRecord",
    "ClassDebrief",
    "ClassInput",
    "GradeRow",
    "TableInput",
    "build",
    "grade_rows",
    "report_html",
]
