"""The packages are layers: game <- debrief <- server <- client <- cli, each importing only
from those below it (ARCHITECTURE.md). Read from the source, so a new module is held to it too.

``debrief`` (the debrief report and the grades) sits just above the engine: it reads games
through ``game`` alone and does no I/O, so the server (for the console) and the command line
(``divest debrief``) both call it; reading a server's store into its records is the server's
(``server/debrief_source.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

import divestiture

PACKAGE = Path(divestiture.__file__).parent
# Lowest first; the modules at the package's top (its version, its shipped data) are
# below them all, and ``python -m divestiture`` above them all.
LAYERS = ("game", "debrief", "server", "client", "cli")


def _layer(module: str) -> int:
    """Where a module of the package sits: -1 for the package's own top-level modules."""
    parts = module.split(".")
    if parts[1:2] == ["__main__"]:
        return len(LAYERS)
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module]
            # ``from divestiture import game`` imports the subpackage itself.
            if node.module == "divestiture":
                found += [f"divestiture.{a.name}" for a in node.names]
    return [name for name in found if name.split(".")[0] == "divestiture"]


def test_each_package_imports_only_from_the_layers_below_it() -> None:
    """No module of game/ imports debrief/, server/, client/ or cli/; debrief/ none of server/,
    client/ or cli/; server/ none of client/ or cli/; client/ none of cli/."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(p for p in parts if p != "__init__")
        here = _layer(module)
        wrong += [f"{module} imports {name}" for name in _imports(path) if _layer(name) > here]
    assert wrong == []


def test_the_layers_are_all_there() -> None:
    """The check reads every layer (a renamed package would otherwise pass unread)."""
    assert all((PACKAGE / layer / "__init__.py").is_file() for layer in LAYERS)
