"""How `orctl apply` shows its progress on stderr: a line per change in logs, a status line on a TTY.

Changes that run at once finish in any order; both displays keep plan order: the log prints a
change's line once every change before it has one (later ones wait in a buffer), and the
terminal line counts what is done and names what is in flight, lowest plan index first.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable

import click

from openrouter_iac.apply import ChangeOutcome
from openrouter_iac.plan.model import Change
from openrouter_iac.render.printable import printable

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}

ESTIMATE_AFTER_S = 3.0
"""Below this, an estimate is noise; above it, a long apply says how long it still needs."""


class LineProgress:
    """One line per change, in plan order (logs, CI)."""

    def __init__(self, echo: Callable[[str], None] | None = None) -> None:
        self._echo = echo or (lambda line: click.echo(line, err=True))
        self._next = 1
        self._waiting: dict[int, str | None] = {}  # index -> its line (None: not attempted, no line)

    def started(self, index: int, total: int, change: Change) -> None:
        return None

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        symbol = SYMBOLS[outcome.action]
        seconds = f"({outcome.seconds:.2f}s)"
        if outcome.status == "done":
            line = f"{symbol} {printable(outcome.address)} ... {outcome.detail} {seconds}"
        else:  # the time before the reason, which may go on with a hint line
            line = f"{symbol} {printable(outcome.address)} ... FAILED {seconds}: {outcome.reason}"
        self._release(index, line)

    def skipped(self, index: int, total: int, change: Change) -> None:
        self._release(index, None)  # the report lists it; the log goes on with the changes after it

    def tick(self) -> None:
        return None

    def _release(self, index: int, line: str | None) -> None:
        self._waiting[index] = line
        while self._next in self._waiting:
            ready = self._waiting.pop(self._next)
            if ready is not None:
                self._echo(ready)
            self._next += 1


class LiveProgress:
    """A single redrawn status line on a terminal: done/total, what is in flight, the time taken
    and, for long applies, an estimate of what is left. Failures stay on screen."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, width: Callable[[], int] | None = None) -> None:
        self._clock = clock
        self._began = clock()
        self._width = width or (lambda: shutil.get_terminal_size((100, 20)).columns)
        self._in_flight: dict[int, Change] = {}
        self._done = 0
        self._total = 0

    def started(self, index: int, total: int, change: Change) -> None:
        self._total = total
        self._in_flight[index] = change
        self._draw()

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        self._total = total
        self._in_flight.pop(index, None)
        self._done += 1
        if outcome.status == "failed":
            click.echo(f"\r\x1b[K! {printable(outcome.address)} ... FAILED: {outcome.reason}", err=True)
        if self._done == total:
            click.echo(f"\r\x1b[K[{total}/{total}] done in {self._clock() - self._began:.1f}s", err=True)
        else:
            self._draw()

    def skipped(self, index: int, total: int, change: Change) -> None:
        return None

    def tick(self) -> None:
        self._draw()

    def line(self) -> str:
        elapsed = self._clock() - self._began
        parts = [f"[{self._done}/{self._total}]"]
        flying = [self._in_flight[i] for i in sorted(self._in_flight)]
        if len(flying) == 1:
            parts.append(f"{SYMBOLS[flying[0].action]} {printable(flying[0].address)} ...")
        elif flying:
            first = flying[0]
            address = printable(first.address)
            parts.append(f"{len(flying)} in flight: {SYMBOLS[first.action]} {address} and {len(flying) - 1} more")
        clock = f"{elapsed:.0f}s"
        if elapsed >= ESTIMATE_AFTER_S and 0 < self._done < self._total:
            left = elapsed / self._done * (self._total - self._done)
            clock += f", about {_duration(left)} left"
        parts.append(f"({clock})")
        return " ".join(parts)

    def _draw(self) -> None:
        if not self._total or self._done == self._total:
            return
        line = self.line()
        room = max(20, self._width() - 1)  # a wrapped line cannot be redrawn in place
        if len(line) > room:
            line = line[: room - 1] + "…"
        click.echo(f"\r\x1b[K{line}", nl=False, err=True)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def progress_for_stderr() -> LineProgress | LiveProgress:
    return LiveProgress() if sys.stderr.isatty() else LineProgress()
