"""SIGINT and SIGTERM during apply: finish the changes in flight, then stop and say what was done.

A change cut in the middle (a key created but not yet named) is what the next plan has to
repair; stopping between changes leaves nothing to repair. A second signal stops at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class Interrupted(Exception):
    """A stop signal arrived before any change was made (or a second one during a change)."""

    def __init__(self, name: str, exit_code: int, *, mid_change: bool = False) -> None:
        self.name = name
        self.exit_code = exit_code
        self.mid_change = mid_change
        super().__init__(name)

    def describe(self) -> str:
        if self.mid_change:
            return (
                f"Interrupted by a second {self.name}: stopped inside a change. "
                "Run orctl plan to see what is left (a half-made key is found and replaced)."
            )
        return f"Interrupted by {self.name} before any change was made; nothing was written."


def exit_code_for(name: str) -> int:
    """128 + the signal number, as shells report a process stopped by that signal."""
    number = next(num for num, label in SIGNALS.items() if label == name)
    return 128 + int(number)


class StopRequest:
    """Set by a signal handler; the executor asks it before each change."""

    def __init__(self) -> None:
        self.signal_name: str | None = None

    def __call__(self) -> str | None:
        return self.signal_name


_EARLY = StopRequest()
"""The signal of the read phase (signal handlers are process-wide, so this is too)."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Until the write phase: a signal raises :class:`Interrupted` (nothing was written yet)."""

    _EARLY.signal_name = None

    def handler(signum: int, frame: FrameType | None) -> None:
        name = SIGNALS[signal.Signals(signum)]
        _EARLY.signal_name = name  # kept in case the raise below is swallowed
        raise Interrupted(name, exit_code_for(name))

    with _handlers(handler):
        yield


@contextmanager
def stop_between_changes() -> Iterator[StopRequest]:
    """During the write phase: the first signal asks for a stop after the changes in flight
    (no change starts any more; those running, up to --parallelism, finish)."""
    request = StopRequest()
    if _EARLY.signal_name is not None:
        # A signal of the read phase whose exception Python swallowed (it landed in a finalizer or
        # an import-lock callback, where exceptions are only printed): stop before any write.
        raise Interrupted(_EARLY.signal_name, exit_code_for(_EARLY.signal_name))

    def handler(signum: int, frame: FrameType | None) -> None:
        name = SIGNALS[signal.Signals(signum)]
        if request.signal_name is not None:  # asked twice: stop now
            raise Interrupted(name, exit_code_for(name), mid_change=True)
        request.signal_name = name

    with _handlers(handler):
        yield request


@contextmanager
def _handlers(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only (tests run commands from worker threads)
        return
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
