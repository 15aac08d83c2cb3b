"""The data shipped inside the package: the rules with their article, the fonts, the theme.

Read through ``importlib.resources``, so the same code finds them in a checkout, an
editable install, a wheel installed by pip or pipx, or a bundled app.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped_folder(name: str) -> Path:
    """The package's data folder ``name`` (``rules`` or ``assets``) on disk.

    Raises:
        RuntimeError: the package was installed zipped, where its files have no paths
            (the rules loader and the fonts are read by path).
    """
    folder = files(__package__ or "divestiture").joinpath(name)
    if not isinstance(folder, Path):
        raise RuntimeError(
            f"divestiture's {name} folder is not on disk ({folder}): install unzipped"
        )
    return folder
