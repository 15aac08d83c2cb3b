"""The built wheel is the whole game: installed into a fresh environment outside the
repository, every command works from any directory, with nothing read from a checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pydantic
import pytest

from divestiture import __version__

ROOT = Path(__file__).resolve().parents[2]
# What a class needs at run time, as the wheel must hold it.
SHIPPED = [
    "divestiture/rules/tiktok_2020.yaml",
    "divestiture/rules/tiktok_2020_article.txt",
    "divestiture/assets/theme.json",
    "divestiture/assets/fonts/DejaVuSans.ttf",
    "divestiture/assets/fonts/DejaVuSans-Bold.ttf",
    "divestiture/assets/fonts/DejaVuSans-Oblique.ttf",
    "divestiture/assets/fonts/DejaVuSans-BoldOblique.ttf",
    "divestiture/assets/fonts/LICENSE-DejaVu.txt",
    "divestiture/py.typed",
    "divestiture/server/web/console.html",
    "divestiture/server/web/console.css",
    "divestiture/server/web/console.js",
    "divestiture/server/web/join.html",
    "divestiture/server/web/join.css",
    "divestiture/server/web/favicon.svg",
]


@dataclass(frozen=True)
class Installed:
    python: Path
    divest: Path
    site: Path  # the fresh environment's site-packages
    home: Path  # a directory with no checkout in it, to run commands from


def _scripts(venv: Path) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built as ``pip wheel`` builds it for pipx or PyPI, from a copy of what it is
    made of (setuptools builds in the source folder and would leave build/ in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("divestiture-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel installed into a fresh venv outside the repository.

    The libraries it needs come from the test environment through a ``.pth`` file (no
    download); ``pip check`` then proves the wheel's own requirements are met by them.
    """
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = _scripts(venv) / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    libraries = Path(pydantic.__file__).resolve().parents[1]
    (site / "libraries.pth").write_text(f"{libraries}\n", encoding="utf-8")
    pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", str(wheel)], check=True)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    home = tmp_path_factory.mktemp("elsewhere")
    return Installed(python, _scripts(venv) / "divest", site, home)


def _run(app: Installed, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "HOME": str(app.home),  # the platform's data folders, away from the user's own
        "XDG_DATA_HOME": str(app.home / "data"),
    }
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(app.divest), *args],
        cwd=app.home,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_wheel_holds_the_rules_the_article_the_theme_and_the_fonts(wheel: Path) -> None:
    """Everything the game reads at run time is inside the wheel, under divestiture/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [n for n in SHIPPED if n not in names] == []


def test_the_wheel_installs_one_import_package(wheel: Path) -> None:
    """The only top-level import name is the project's own: no generic ``game`` or ``server``."""
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"divestiture"}


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Installed) -> None:
    """``divestiture`` imports from the fresh environment, with no game or server beside it."""
    where = subprocess.run(
        [str(installed.python), "-c", "import divestiture; print(divestiture.__file__)"],
        cwd=installed.home,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(installed.site.resolve())
    assert not (installed.site / "game").exists()
    assert not (installed.site / "server").exists()


def test_version_comes_from_the_package_metadata(installed: Installed) -> None:
    """``divest --version`` prints the version the wheel was built with."""
    run = _run(installed, "--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"divest, version {__version__}"


def test_rules_check_with_no_path_checks_the_shipped_scenario(installed: Installed) -> None:
    """``divest rules check`` finds the scenario inside the installed package."""
    run = _run(installed, "rules", "check")
    assert run.returncode == 0, run.stderr
    assert "valid scenario 'tiktok_2020'" in run.stdout


def test_play_prints_a_games_story(installed: Installed) -> None:
    """``divest play --seed 1`` plays a bots' game to its end from an installed wheel."""
    run = _run(installed, "play", "--seed", "1")
    assert run.returncode == 0, run.stderr
    assert "== Monday ==" in run.stdout and "OUTCOME: " in run.stdout, run.stdout[-2000:]


def test_simulate_runs_games(installed: Installed) -> None:
    """``divest simulate --games 5 --seed 1`` prints its tables of outcomes and scores."""
    run = _run(installed, "simulate", "--games", "5", "--seed", "1")
    assert run.returncode == 0, run.stderr
    assert "5 games in" in run.stderr and "Scores" in run.stdout


def test_screenshot_draws_with_the_shipped_fonts(installed: Installed) -> None:
    """``divest screenshot`` draws a table with the theme and fonts from the package."""
    out = installed.home / "table.png"
    run = _run(installed, "screenshot", "--seat", "cfius", "--seed", "1", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def serving(installed: Installed) -> Iterator[subprocess.Popen[str]]:
    """``divest serve`` from the installed wheel, on a free port, stopped afterwards."""
    env = {**os.environ, "HOME": str(installed.home)}
    process = subprocess.Popen(
        [str(installed.divest), "serve", "--port", "0", "--data", str(installed.home / "games")],
        cwd=installed.home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(10)


def test_serve_starts_and_names_its_version(
    serving: subprocess.Popen[str], installed: Installed
) -> None:
    """``divest serve`` runs from the wheel and its banner carries the package's version."""
    assert serving.stderr is not None
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline and "server on ws://" not in line:
        line = serving.stderr.readline()
        assert line or serving.poll() is None, "divest serve exited"
    assert f"Divestiture {__version__} server on ws://" in line
