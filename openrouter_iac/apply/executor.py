"""Run a plan's changes, one writer call each, independent ones at once, stopping at the first failure.

The order comes from the plan's dependency graph (:mod:`openrouter_iac.plan.graph`): a change
starts once every change it depends on is done, at most ``parallelism`` at a time, lowest plan
index first. With ``parallelism=1`` that is exactly the plan order, run in the calling thread.
After a failure or a stop signal no change starts; those in flight finish. The report lists every
change in plan order.
"""

from __future__ import annotations

import heapq
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from openrouter_iac.apply.interrupt import Interrupted
from openrouter_iac.apply.report import ApplyReport, ChangeOutcome, LeftBehindKey
from openrouter_iac.errors import OrctlError, internal_error_message, redact
from openrouter_iac.live.writer import Writer, WriteResult
from openrouter_iac.live.writer_keys import KeyHandOffError
from openrouter_iac.plan.graph import ChangeGraph, dependency_graph
from openrouter_iac.plan.model import Change, Plan

_log = logging.getLogger(__name__)

_POLL_S = 0.2
"""How often the coordinating thread wakes while changes are in flight (signals, the TTY clock)."""


class Progress(Protocol):
    """Told about each change as it starts and ends (the CLI draws it on stderr), in the order it
    happens (changes finish out of plan order when several run at once). Always called from the
    thread that called :func:`execute`, never from a worker."""

    def started(self, index: int, total: int, change: Change) -> None: ...

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None: ...

    def skipped(self, index: int, total: int, change: Change) -> None:
        """Not attempted (after a failure or a stop signal); told once the run is over."""
        ...

    def tick(self) -> None:
        """Nothing happened for a moment while changes are in flight (a clock may be redrawn)."""
        ...


class NoProgress:
    def started(self, index: int, total: int, change: Change) -> None:
        return None

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        return None

    def skipped(self, index: int, total: int, change: Change) -> None:
        return None

    def tick(self) -> None:
        return None


def execute(
    plan: Plan,
    writer: Writer,
    *,
    progress: Progress | None = None,
    replan: Callable[[], Plan] | None = None,
    clock: Callable[[], float] = time.monotonic,
    should_stop: Callable[[], str | None] | None = None,
    parallelism: int = 1,
    graph: ChangeGraph | None = None,
) -> ApplyReport:
    """Apply ``plan`` through ``writer``, up to ``parallelism`` changes at once. After the last
    change, ``replan`` (if given) re-reads the account and the report says whether it converged.
    ``should_stop`` is asked before each change starts; when it names a signal no change starts
    any more (those in flight always finish)."""
    if parallelism < 1:
        raise ValueError("parallelism must be at least 1")
    run = _Run(plan, writer, progress or NoProgress(), clock, should_stop, graph or dependency_graph(plan.changes))
    began = clock()
    if parallelism == 1:
        run.serially()
    else:
        run.concurrently(parallelism)
    report = run.report
    report.changes_seconds = round(clock() - began, 3)
    if not report.failed and report.interrupted is None and replan is not None:
        after = replan()
        report.converged = not after.has_changes
        report.remaining = [f"{c.action} {c.address}" + (f" ({c.reason})" if c.reason else "") for c in after.changes]
    report.finished_at = datetime.now(UTC)
    return report


class _Run:
    """The state of one apply: which changes wait, run, are done. Touched by one thread only (the
    coordinator); workers only call the writer and hand back what happened."""

    def __init__(
        self,
        plan: Plan,
        writer: Writer,
        progress: Progress,
        clock: Callable[[], float],
        should_stop: Callable[[], str | None] | None,
        graph: ChangeGraph,
    ) -> None:
        if len(graph.changes) != len(plan.changes) or not graph.is_forward():
            raise ValueError("the dependency graph is not the plan's")
        self.changes = plan.changes
        self.writer = writer
        self.progress = progress
        self.clock = clock
        self.should_stop = should_stop
        self.graph = graph
        self.report = ApplyReport(plan_fingerprint=plan.fingerprint, warnings=list(plan.warnings))
        self.outcomes: list[ChangeOutcome | None] = [None] * len(self.changes)
        self.waiting_for = [len(graph.needs(i)) for i in range(len(self.changes))]
        self.ready = [i for i, n in enumerate(self.waiting_for) if n == 0]
        heapq.heapify(self.ready)
        self.began: dict[int, float] = {}
        self.stopped = False
        self.kept: dict[int, ApplyReport] = {}
        """What each change adds to the report (orphans, warnings), merged in plan order at the end."""

    @property
    def total(self) -> int:
        return len(self.changes)

    def may_start(self) -> bool:
        """Whether another change may start: not after a failure or a stop signal."""
        if not self.stopped and self.should_stop is not None:
            self.report.interrupted = self.should_stop()
            self.stopped = self.report.interrupted is not None
        return not self.stopped

    def start(self) -> int:
        index = heapq.heappop(self.ready)
        self.progress.started(index + 1, self.total, self.changes[index])
        self.began[index] = self.clock()
        return index

    def finish(self, index: int, result: WriteResult | BaseException) -> None:
        change = self.changes[index]
        self.kept[index] = ApplyReport(plan_fingerprint=self.report.plan_fingerprint)
        outcome = _outcome(change, result, self.kept[index])
        outcome.seconds = round(self.clock() - self.began.pop(index), 3)
        self.outcomes[index] = outcome
        if outcome.status == "failed":
            self.stopped = True
        for waiting in self.graph.unblocks(index):
            self.waiting_for[waiting] -= 1
            if self.waiting_for[waiting] == 0:
                heapq.heappush(self.ready, waiting)
        self.progress.finished(index + 1, self.total, outcome)

    def close(self) -> None:
        for index, change in enumerate(self.changes):
            outcome = self.outcomes[index]
            if outcome is None:
                outcome = ChangeOutcome(address=change.address, action=change.action, status="not_attempted")
                self.progress.skipped(index + 1, self.total, change)
            self.report.outcomes.append(outcome)
            if index in self.kept:
                kept = self.kept[index]
                self.report.left_behind.extend(kept.left_behind)
                self.report.removed_orphans.extend(kept.removed_orphans)
                self.report.warnings.extend(kept.warnings)

    # -- the two schedules ----------------------------------------------------------------------

    def serially(self) -> None:
        """Plan order in this thread: exactly what apply always did."""
        while self.ready and self.may_start():
            index = self.start()
            self.finish(index, _attempt(self.writer, self.changes[index]))
        self.close()

    def concurrently(self, parallelism: int) -> None:
        jobs: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        results: queue.SimpleQueue[tuple[int, WriteResult | BaseException]] = queue.SimpleQueue()

        def work() -> None:
            while (index := jobs.get()) is not None:
                results.put((index, _attempt(self.writer, self.changes[index])))

        # Daemon threads: a second signal ends the process at once, as it does in a serial run.
        workers = [
            threading.Thread(target=work, name=f"orctl-apply-{n}", daemon=True)
            for n in range(min(parallelism, self.total))
        ]
        for worker in workers:
            worker.start()
        in_flight = 0
        try:
            while True:
                while self.ready and in_flight < parallelism and self.may_start():
                    jobs.put(self.start())
                    in_flight += 1
                if in_flight == 0:
                    break
                try:
                    index, result = results.get(timeout=_POLL_S)
                except queue.Empty:
                    self.progress.tick()
                    continue
                in_flight -= 1
                self.finish(index, result)
        finally:
            for _ in workers:
                jobs.put(None)
        self.close()


def _attempt(writer: Writer, change: Change) -> WriteResult | BaseException:
    """The writer's result or the exception it raised (handed to the coordinator as a value)."""
    try:
        return writer.apply(change)
    except Interrupted:
        raise  # a second signal (serial runs: it arrives in this thread) stops at once
    except Exception as exc:
        return exc


def _outcome(change: Change, result: WriteResult | BaseException, report: ApplyReport) -> ChangeOutcome:
    if isinstance(result, KeyHandOffError):
        if result.key_hash:
            report.left_behind.append(
                LeftBehindKey(address=change.address, key_hash=result.key_hash, disabled=result.disabled)
            )
        return _failed(change, str(result))
    if isinstance(result, OrctlError):
        return _failed(change, str(result))
    if isinstance(result, BaseException):
        # A bug, not an API answer: stop like any failure, so the report of what was done survives.
        _log.debug("internal error applying %s", change.address, exc_info=result)
        return _failed(change, internal_error_message(result))
    report.removed_orphans.extend(result.orphans_removed)
    report.warnings.extend(f"{change.address}: {note}" for note in result.notes)
    return ChangeOutcome(
        address=change.address, action=change.action, status="done", detail=result.detail, notes=result.notes
    )


def _failed(change: Change, reason: str) -> ChangeOutcome:
    # Errors are already redacted; redact again in case a message was built from an API body.
    return ChangeOutcome(address=change.address, action=change.action, status="failed", error=redact(reason))
