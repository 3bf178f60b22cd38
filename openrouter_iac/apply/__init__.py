"""Applying a plan: safety refusals, pre-flight checks, ordered execution and the report."""

from openrouter_iac.apply.executor import NoProgress, Progress, execute
from openrouter_iac.apply.preflight import check_preflight, key_sinks, preflight
from openrouter_iac.apply.report import ApplyReport, ChangeOutcome, LeftBehindKey, render_report
from openrouter_iac.apply.safety import check_safety, safety_problems

__all__ = [
    "ApplyReport",
    "ChangeOutcome",
    "LeftBehindKey",
    "NoProgress",
    "Progress",
    "check_preflight",
    "check_safety",
    "execute",
    "key_sinks",
    "preflight",
    "render_report",
    "safety_problems",
]
