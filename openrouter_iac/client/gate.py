"""One gate for every request of a run: a cap on requests in flight, and one pause for a 429.

The API limits requests per key, not per thread. When one request is refused with 429 and
``Retry-After``, every other request of the run would be refused too, so they all wait: the
thread that got the 429 holds the gate for the wait it was told, and no request of any thread
starts until every such hold is over. The cap (``--parallelism``) bounds what is in flight at
once across readers, apply workers, the lease and preset publishers alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class RequestGate:
    """Thread-safe. ``max_in_flight=None``: no cap (a client on its own)."""

    def __init__(self, max_in_flight: int | None = None) -> None:
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.max_in_flight = max_in_flight
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight else None
        self._paused = threading.Condition()
        self._holders = 0
        self.pauses = 0
        """How many 429 waits held the gate (for benchmarks and tests)."""

    @contextmanager
    def request(self) -> Iterator[None]:
        """Around one HTTP request: waits while the gate is held, then for a free slot."""
        with self._paused:
            while self._holders:
                self._paused.wait()
        if self._slots is None:
            yield
            return
        with self._slots:
            yield

    def hold(self, seconds: float, sleep: Callable[[float], None]) -> None:
        """Keep every request of the run waiting while ``sleep(seconds)`` runs (after a 429).
        Overlapping holds end together, when the last one does."""
        with self._paused:
            self._holders += 1
            self.pauses += 1
        try:
            sleep(seconds)
        finally:
            with self._paused:
                self._holders -= 1
                if self._holders == 0:
                    self._paused.notify_all()

    @property
    def held(self) -> bool:
        with self._paused:
            return self._holders > 0
