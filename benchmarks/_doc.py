"""Write one generated section of a docs page, between its markers, leaving the rest."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def write_section(page: str, name: str, body: str, title: str) -> Path:
    """Replace the section ``name`` of ``docs/<page>`` (adding the page or section if new)."""
    path = DOCS / page
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {title}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def machine() -> str:
    """One line about where a measurement was made."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return f"Python {platform.python_version()} on {platform.machine()}, commit {commit or '?'}"
