"""The engine stays pure: no I/O, no clock, no global random (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import divestiture.game

GAME = Path(divestiture.game.__file__).parent
FORBIDDEN_MODULES = {
    "asyncio",
    "websockets",
    "pygame",
    "pygame_gui",
    "sqlite3",
    "aiosqlite",
    "socket",
    "time",
    "datetime",
    "os",
    "subprocess",
    "threading",
    "requests",
    "urllib",
}
# The loader reads rules files; nothing else in game/ touches the file system.
LOADERS = {"scenario.py"}


def _engine_files() -> list[Path]:
    return list(GAME.rglob("*.py"))


def test_engine_imports_no_io_module() -> None:
    """No module of game/ imports an I/O, clock or network module."""
    bad = []
    for path in _engine_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    assert bad == []


def test_engine_uses_no_global_random() -> None:
    """Randomness comes only from seeded random.Random instances, never random.choice etc."""
    bad = []
    for path in _engine_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "random"
                and node.attr not in {"Random"}
            ):
                bad.append(f"{path.name}:{node.lineno}: random.{node.attr}")
    assert bad == []


def test_engine_opens_no_files() -> None:
    """Only the rules loader reads files; nothing in the engine prints or reads input."""
    banned_names = {"open", "print", "input"}
    banned_methods = {"read_text", "write_text", "read_bytes", "write_bytes"}
    bad = []
    for path in _engine_files():
        if path.name in LOADERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in banned_names:
                bad.append(f"{path.name}:{node.lineno}: {func.id}()")
            if isinstance(func, ast.Attribute) and func.attr in banned_methods:
                bad.append(f"{path.name}:{node.lineno}: .{func.attr}()")
    assert bad == []
