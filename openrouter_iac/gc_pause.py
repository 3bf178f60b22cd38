"""Pausing the cyclic garbage collector while a large, cycle-free structure is built.

A plan of a 20,000-key account makes a few hundred thousand objects (parsed JSON, spec models,
changes) and frees almost none until it ends; the collector's passes over them, each one longer
as the heap grows, were about a third of the plan's CPU. The objects hold no reference cycles
worth collecting meanwhile, so reading the account and building the plan run with it paused;
the previous state is restored afterwards (a pause inside a pause is a no-op).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
