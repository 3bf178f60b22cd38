"""The apply report: what was done, what failed (and why), what was not attempted. No secrets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from openrouter_iac import __version__
from openrouter_iac.plan.model import Action

REPORT_FORMAT_VERSION = "1.0"

Status = Literal["done", "failed", "not_attempted"]


class ChangeOutcome(BaseModel):
    address: str
    action: Action
    status: Status
    seconds: float = 0.0
    detail: str | None = None
    """What was done, e.g. `created (hash 0a1b2c...)`."""
    error: str | None = None
    """The reason it failed (the API's own reason where there is one)."""
    notes: list[str] = Field(default_factory=list)

    @property
    def reason(self) -> str:
        """``error`` for a line that already names the change: without the address most errors
        start with (an API error says where it happened), so the address is not printed twice."""
        error = self.error or ""
        return error.removeprefix(f"{self.address}: ")


class LeftBehindKey(BaseModel):
    """A key created during the run whose secret nobody holds; the next plan replaces it."""

    address: str
    key_hash: str
    disabled: bool


class ApplyReport(BaseModel):
    format_version: str = REPORT_FORMAT_VERSION
    orctl_version: str = __version__
    plan_fingerprint: str
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    changes_seconds: float | None = None
    """Wall time of the changes themselves (from the first start to the last end, before the
    convergence check): what `--parallelism` shortens."""
    outcomes: list[ChangeOutcome] = Field(default_factory=list)
    left_behind: list[LeftBehindKey] = Field(default_factory=list)
    removed_orphans: list[str] = Field(default_factory=list)
    """Hashes of keys found under a provisional name after an ambiguous create, and removed."""
    warnings: list[str] = Field(default_factory=list)
    converged: bool | None = None
    """None when the run stopped before the convergence check."""
    remaining: list[str] = Field(default_factory=list)
    """What the plan made after the run still wants to change."""
    interrupted: str | None = None
    """The signal (SIGINT, SIGTERM) that stopped the run between two changes."""

    @property
    def failed(self) -> list[ChangeOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        if self.interrupted is not None:
            return 130 if self.interrupted == "SIGINT" else 143
        return 0 if self.converged and not self.failed else 1


def render_report(report: ApplyReport) -> str:
    """A plain-text summary for the terminal."""
    lines: list[str] = []
    failed = report.failed
    done = report.count("done")
    if report.interrupted is not None:
        skipped = [o for o in report.outcomes if o.status == "not_attempted"]
        lines.append(
            f"Apply interrupted by {report.interrupted} after the changes in flight: {done} change(s) done, "
            f"{len(skipped)} not attempted."
        )
        lines.extend(f"  done: {o.action} {o.address}" for o in report.outcomes if o.status == "done")
        lines.extend(f"  not attempted: {o.action} {o.address}" for o in skipped)
        lines.append(
            "To finish: run the same orctl apply again; it plans from the account as it is now, "
            "so nothing done is repeated."
        )
    elif failed:
        skipped_count = report.count("not_attempted")
        lines.append(f"Apply stopped: {done} change(s) done, {len(failed)} failed, {skipped_count} not attempted.")
        for outcome in failed:
            lines.append(f"  failed: {outcome.action} {outcome.address}: {outcome.reason}")
        skipped = [o for o in report.outcomes if o.status == "not_attempted"]
        for outcome in skipped:
            lines.append(f"  not attempted: {outcome.action} {outcome.address}")
    else:
        lines.append(f"Apply complete: {done} change(s) done.")
    for key in report.left_behind:
        state = "disabled" if key.disabled else "STILL ENABLED"
        lines.append(f"  orphaned key: {key.address} (hash {key.key_hash}, {state}); the next plan replaces it")
    for key_hash in report.removed_orphans:
        lines.append(f"  removed a key whose secret was lost after an ambiguous create: hash {key_hash}")
    lines.extend(f"  warning: {w}" for w in report.warnings)
    if report.converged:
        lines.append("Converged: the account matches the config.")
    elif report.converged is False:
        lines.append("Not converged; still different:")
        lines.extend(f"  {item}" for item in report.remaining)
    return "\n".join(lines)
