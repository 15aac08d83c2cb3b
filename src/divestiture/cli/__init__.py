"""The ``divest`` command line: the edge between a terminal and the game."""
