"""Divestiture: a turn-based negotiation game about the 2020 fight over TikTok's US business.

The subpackages, in their layers (each imports only from those before it):
``game`` the pure engine and bots, ``server`` the classroom server, ``client`` the
pygame window, ``cli`` the ``divest`` command. ``rules`` and ``assets`` are data.
"""

from importlib import metadata

try:
    __version__ = metadata.version("divestiture")
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
