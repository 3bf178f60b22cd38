"""A fixed pool of request workers that serves urgent work first.

Reading an account is a set of short chains (a list's next page can only be asked for once the
previous one arrived) among many independent reads. With a plain FIFO queue each hop of a chain
waits behind every read queued meanwhile, so the chains, not the request count, set the wall
time. Serving chain hops first keeps the workers busy and the chains short.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

URGENT = 0
NORMAL = 1

_Job = tuple[int, int, Callable[[], Any] | None, Future[Any] | None]


class PriorityPool:
    def __init__(self, workers: int, name: str) -> None:
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._order = itertools.count()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{index}", daemon=True) for index in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, work: Callable[[], Any], priority: int = NORMAL) -> Future[Any]:
        future: Future[Any] = Future()
        self._queue.put((priority, next(self._order), work, future))
        return future

    def shutdown(self) -> None:
        for _ in self._threads:
            self._queue.put((NORMAL + 1, next(self._order), None, None))  # after all real work
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        while True:
            _, _, work, future = self._queue.get()
            if work is None or future is None:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work())
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)
