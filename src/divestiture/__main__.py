"""``python -m divestiture``: the ``divest`` command."""

from divestiture.cli.main import main

main()
