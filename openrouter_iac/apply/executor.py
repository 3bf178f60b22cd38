"""Run a plan's changes in order, one writer call each, stopping at the first failure."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from openrouter_iac.apply.report import ApplyReport, ChangeOutcome, LeftBehindKey
from openrouter_iac.errors import OrctlError, internal_error_message, redact
from openrouter_iac.live.writer import Writer
from openrouter_iac.live.writer_keys import KeyHandOffError
from openrouter_iac.plan.model import Change, Plan

_log = logging.getLogger(__name__)


class Progress(Protocol):
    """Told about each change as it starts and ends (the CLI draws it on stderr)."""

    def started(self, index: int, total: int, change: Change) -> None: ...

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None: ...


class NoProgress:
    def started(self, index: int, total: int, change: Change) -> None:
        return None

    def finished(self, index: int, total: int, outcome: ChangeOutcome) -> None:
        return None


def execute(
    plan: Plan,
    writer: Writer,
    *,
    progress: Progress | None = None,
    replan: Callable[[], Plan] | None = None,
    clock: Callable[[], float] = time.monotonic,
    should_stop: Callable[[], str | None] | None = None,
) -> ApplyReport:
    """Apply ``plan`` through ``writer``. After the last change, ``replan`` (if given) re-reads
    the account and the report says whether it converged. ``should_stop`` is asked before each
    change; when it names a signal the run ends there (the change in flight always finishes)."""
    progress = progress or NoProgress()
    report = ApplyReport(plan_fingerprint=plan.fingerprint, warnings=list(plan.warnings))
    total = len(plan.changes)
    for index, change in enumerate(plan.changes, start=1):
        if not report.failed and report.interrupted is None and should_stop is not None:
            report.interrupted = should_stop()
        if report.failed or report.interrupted is not None:
            report.outcomes.append(ChangeOutcome(address=change.address, action=change.action, status="not_attempted"))
            continue
        progress.started(index, total, change)
        began = clock()
        outcome = _run_one(writer, change, report)
        outcome.seconds = round(clock() - began, 3)
        report.outcomes.append(outcome)
        progress.finished(index, total, outcome)
    if not report.failed and report.interrupted is None and replan is not None:
        after = replan()
        report.converged = not after.has_changes
        report.remaining = [f"{c.action} {c.address}" + (f" ({c.reason})" if c.reason else "") for c in after.changes]
    report.finished_at = datetime.now(UTC)
    return report


def _run_one(writer: Writer, change: Change, report: ApplyReport) -> ChangeOutcome:
    try:
        result = writer.apply(change)
    except KeyHandOffError as exc:
        if exc.key_hash:
            left = LeftBehindKey(address=change.address, key_hash=exc.key_hash, disabled=exc.disabled)
            report.left_behind.append(left)
        return _failed(change, str(exc))
    except OrctlError as exc:
        return _failed(change, str(exc))
    except Exception as exc:
        # A bug, not an API answer: stop like any failure, so the report of what was done survives.
        _log.debug("internal error applying %s", change.address, exc_info=True)
        return _failed(change, internal_error_message(exc))
    report.removed_orphans.extend(result.orphans_removed)
    report.warnings.extend(f"{change.address}: {note}" for note in result.notes)
    return ChangeOutcome(
        address=change.address, action=change.action, status="done", detail=result.detail, notes=result.notes
    )


def _failed(change: Change, reason: str) -> ChangeOutcome:
    # Errors are already redacted; redact again in case a message was built from an API body.
    return ChangeOutcome(address=change.address, action=change.action, status="failed", error=redact(reason))
