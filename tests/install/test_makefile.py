"""The Makefile finds a Python 3.11 or newer by itself, refuses an older one saying what to
do, and makes .venv again when the Python that made it is not the one chosen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
VENV_ID = Path(".venv") / ".made-by"

pytestmark = [
    pytest.mark.skipif(MAKE is None, reason="make is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="the Makefile is for POSIX shells"),
]

# A Python that says it is another version: the real interpreter, told to report it.
FAKE = """#!/bin/sh
if [ "$1" = "-c" ]; then
    code="$2"; shift 2
    exec {real} -c "import sys
sys.version_info = ({major}, {minor}, {micro}, 'final', 0)
sys.version = '{major}.{minor}.{micro} (stand-in)'
$code" "$@"
fi
exec {real} "$@"
"""


def _path_with(tmp_path: Path, pythons: dict[str, str]) -> str:
    """A PATH holding only the named stand-in Pythons (name -> version) and the tools the
    recipes use, so the machine's own pythons are out of sight."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, version in pythons.items():
        major, minor, micro = version.split(".")
        script = bin_dir / name
        script.write_text(
            FAKE.format(real=sys.executable, major=major, minor=minor, micro=micro),
            encoding="utf-8",
        )
        script.chmod(0o755)
    for tool in ("rm", "cat"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def _make(
    tmp_path: Path, path: str, *args: str, target: str = str(VENV_ID)
) -> subprocess.CompletedProcess[str]:
    """``make TARGET`` with the project's Makefile in an empty folder, on ``path`` alone."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    assert MAKE is not None
    return subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(ROOT / "Makefile"), target, *args],
        cwd=work,
        env={"PATH": path, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_only_a_python_3_10_is_refused_with_its_version_and_what_to_do(tmp_path: Path) -> None:
    """With only Python 3.10 on PATH, make stops before making anything, naming 3.10."""
    run = _make(tmp_path, _path_with(tmp_path, {"python3": "3.10.13", "python3.10": "3.10.13"}))
    assert run.returncode != 0
    assert "3.10.13" in run.stderr
    assert "needs Python 3.11 or newer" in run.stderr
    assert "PYTHON=" in run.stderr
    assert not (tmp_path / "work" / ".venv").exists()


def test_an_older_python_named_by_hand_is_refused(tmp_path: Path) -> None:
    """PYTHON=python3.10 is refused even when a newer Python is on PATH."""
    path = _path_with(tmp_path, {"python3.10": "3.10.13", "python3.12": "3.12.1"})
    run = _make(tmp_path, path, "PYTHON=python3.10")
    assert run.returncode != 0
    assert "PYTHON=python3.10 is Python 3.10.13" in run.stderr
    assert not (tmp_path / "work" / ".venv").exists()


def test_no_python_at_all_says_so(tmp_path: Path) -> None:
    """With no Python on PATH, make says none was found and how to go on."""
    run = _make(tmp_path, _path_with(tmp_path, {}))
    assert run.returncode != 0
    assert "none was found on PATH" in run.stderr


def test_only_a_python_3_12_is_found_and_named(tmp_path: Path) -> None:
    """With python3.12 and no python3 or python3.11 on PATH, make picks 3.12 and says so;
    a second run keeps that .venv and says nothing."""
    path = _path_with(tmp_path, {"python3.12": "3.12.1"})
    first = _make(tmp_path, path)
    assert first.returncode == 0, first.stderr
    assert "making .venv with python3.12 (Python 3.12.1)" in first.stdout
    made_by = tmp_path / "work" / VENV_ID
    assert made_by.read_text(encoding="utf-8").startswith("3.12.1 ")

    again = _make(tmp_path, path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""


def test_the_newest_python_is_preferred_to_older_ones(tmp_path: Path) -> None:
    """Without python3, python3.13 is chosen before python3.12."""
    run = _make(tmp_path, _path_with(tmp_path, {"python3.12": "3.12.1", "python3.13": "3.13.0"}))
    assert run.returncode == 0, run.stderr
    assert "making .venv with python3.13 (Python 3.13.0)" in run.stdout


def test_a_venv_made_by_another_python_is_made_again(tmp_path: Path) -> None:
    """A .venv whose record names another Python is removed and made with the chosen one."""
    made_by = tmp_path / "work" / VENV_ID
    made_by.parent.mkdir(parents=True)
    made_by.write_text("3.11.7 /elsewhere\n", encoding="utf-8")
    (made_by.parent / "left-over").write_text("", encoding="utf-8")
    run = _make(tmp_path, _path_with(tmp_path, {"python3.12": "3.12.1"}))
    assert run.returncode == 0, run.stderr
    assert ".venv was made by another Python; making it again with python3.12" in run.stdout
    assert made_by.read_text(encoding="utf-8").startswith("3.12.1 ")
    assert not (made_by.parent / "left-over").exists()


def test_a_half_made_venv_is_made_again(tmp_path: Path) -> None:
    """A .venv that no run of make finished (no record of its Python) is made again."""
    (tmp_path / "work" / ".venv" / "bin").mkdir(parents=True)
    run = _make(tmp_path, _path_with(tmp_path, {"python3.12": "3.12.1"}))
    assert run.returncode == 0, run.stderr
    assert "making it again with python3.12" in run.stdout
    assert (tmp_path / "work" / VENV_ID).is_file()
