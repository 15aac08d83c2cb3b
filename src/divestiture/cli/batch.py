"""Settings for long batch runs (simulations, benchmarks) in this process."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def batch_gc() -> Iterator[None]:
    """Collect cycles rarely while many games run.

    The engine's objects are immutable trees without reference cycles, so reference
    counting frees them; the cyclic collector would mostly scan live objects for
    nothing (measured: about 6% of a simulation's time). Restored afterwards.
    """
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
