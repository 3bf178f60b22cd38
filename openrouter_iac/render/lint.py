"""Lint results for a terminal and as stable JSON (`orctl lint --output text|json`)."""

from __future__ import annotations

import json
from typing import Any

from openrouter_iac.policy import LintReport
from openrouter_iac.policy.findings import Finding
from openrouter_iac.render.summary import plural

LINT_JSON_FORMAT_VERSION = "1.0"


def finding_lines(finding: Finding) -> list[str]:
    """`file:line:col: error [rule] message` and its hint, indented."""
    return [finding.headline(), f"  hint: {finding.hint}"]


def lint_summary(report: LintReport) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        text = "No policy findings."
    else:
        text = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}."
    if report.suppressed:
        text += f" {plural(len(report.suppressed), 'finding')} switched off in `lint:`."
    return text


def render_lint_text(report: LintReport) -> str:
    lines: list[str] = []
    for finding in report.findings:
        lines.extend(finding_lines(finding))
    lines.append(lint_summary(report))
    return "\n".join(lines)


def finding_json(finding: Finding) -> dict[str, Any]:
    position = finding.position
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "hint": finding.hint,
        "objects": list(finding.objects),
        "location": ({"file": position.file, "line": position.line, "column": position.column} if position else None),
    }


def render_lint_json(report: LintReport) -> str:
    document = {
        "format_version": LINT_JSON_FORMAT_VERSION,
        "findings": [finding_json(f) for f in report.findings],
        "suppressed": [
            {**finding_json(s.finding), "reason": s.reason, "setting": s.setting} for s in report.suppressed
        ],
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "suppressed": len(report.suppressed),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
