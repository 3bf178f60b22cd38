"""Counts of the HTTP requests a client sent, for benchmarks and request-budget tests."""

from __future__ import annotations

import threading
from collections import Counter


class RequestStats:
    """Thread-safe counters. Every attempt counts, retries included (they cost the same)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_route: Counter[str] = Counter()
        self._retries = 0

    def record(self, method: str, path: str, *, retry: bool) -> None:
        with self._lock:
            self._by_route[f"{method} {path}"] += 1
            if retry:
                self._retries += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._by_route.values())

    @property
    def retries(self) -> int:
        with self._lock:
            return self._retries

    @property
    def by_route(self) -> dict[str, int]:
        """A copy keyed by ``"METHOD /path"`` (the path as called, without the query)."""
        with self._lock:
            return dict(self._by_route)

    def reset(self) -> None:
        with self._lock:
            self._by_route.clear()
            self._retries = 0

    def __repr__(self) -> str:
        return f"RequestStats(total={self.total}, retries={self.retries}, by_route={self.by_route})"
