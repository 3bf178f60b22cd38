"""Request counters by operation (``METHOD /template``), status and injected fault."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._writes = 0
            self._operations: Counter[str] = Counter()
            self._write_operations: Counter[str] = Counter()
            self._statuses: Counter[int] = Counter()
            self._faults: Counter[str] = Counter()
            self._internal_errors = 0
            self._last_internal_error: str | None = None

    def record(self, operation: str, *, is_write: bool, status: int | None, fault: str | None) -> None:
        with self._lock:
            self._requests += 1
            self._operations[operation] += 1
            if is_write:
                self._writes += 1
                self._write_operations[operation] += 1
            if status is not None:
                self._statuses[status] += 1
            if fault is not None:
                self._faults[fault] += 1

    def record_internal_error(self, description: str) -> None:
        with self._lock:
            self._internal_errors += 1
            self._last_internal_error = description

    @property
    def internal_errors(self) -> tuple[int, str | None]:
        """How many requests failed inside the emulator, and the last one's traceback."""
        with self._lock:
            return self._internal_errors, self._last_internal_error

    def count(self, operation: str) -> int:
        with self._lock:
            return self._operations[operation]

    @property
    def writes(self) -> int:
        with self._lock:
            return self._writes

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "writes": self._writes,
                "operations": dict(sorted(self._operations.items())),
                "write_operations": dict(sorted(self._write_operations.items())),
                "statuses": {str(k): v for k, v in sorted(self._statuses.items())},
                "faults": {
                    name: self._faults[name]
                    for name in ("latency", "throttled", "rate_limited", "error", "dropped", "forbidden", "stalled")
                },
                "internal_errors": self._internal_errors,
                "last_internal_error": self._last_internal_error,
            }
