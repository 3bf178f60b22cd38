"""`orctl drift`: what changed in the account outside orctl, classed, with key hygiene."""

from openrouter_iac.drift.ignore import IgnoreEntry, load_ignore
from openrouter_iac.drift.render import render_drift_json, render_drift_markdown, render_drift_text
from openrouter_iac.drift.report import Difference, DriftReport, HygieneNote, drift_report

__all__ = [
    "Difference",
    "DriftReport",
    "HygieneNote",
    "IgnoreEntry",
    "drift_report",
    "load_ignore",
    "render_drift_json",
    "render_drift_markdown",
    "render_drift_text",
]
