"""The policy part of a plan in each output: lint findings and the spend ceiling before → after.

Kept apart from the plan renderers, which each call these functions from one place."""

from __future__ import annotations

from typing import Any

from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.policy_facts import PolicyFinding, SpendCeiling
from openrouter_iac.policy.caps import money
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.colors import paint
from openrouter_iac.render.summary import plural

RISE_WARNING = 0.5
"""A ceiling rising by more than this fraction is called out."""


def _amount(usd: float | None) -> str:
    return "unbounded" if usd is None else money(usd)


def ceiling_change(ceiling: SpendCeiling) -> str:
    """`healthcare: $500 → $900 per month`, `lab: $30 → unbounded`."""
    before, after = ceiling.before_usd_per_month, ceiling.after_usd_per_month
    unit = "" if after is None else " per month"
    return f"{ceiling.workspace}: {_amount(before)} → {_amount(after)}{unit}"


def changed_ceilings(plan: Plan) -> list[SpendCeiling]:
    if plan.policy is None:
        return []
    return [c for c in plan.policy.spend_ceiling if c.before_usd_per_month != c.after_usd_per_month]


def ceiling_alerts(plan: Plan) -> list[str]:
    """Ceilings that become unbounded or rise by more than 50%."""
    alerts = []
    for c in changed_ceilings(plan):
        before, after = c.before_usd_per_month, c.after_usd_per_month
        if after is None and before is not None:
            was = f" (was {money(before)} per month)" if before else ""
            alerts.append(f"the spend ceiling of {c.workspace} becomes unbounded{was}")
        elif before and after is not None and after > before * (1 + RISE_WARNING):
            rise = round((after - before) / before * 100)
            alerts.append(
                f"the spend ceiling of {c.workspace} rises by {rise}% ({money(before)} → {money(after)} per month)"
            )
    return alerts


FINDINGS_PER_RULE = 20
"""Text and markdown show this many findings of one rule and severity, then count the rest."""


def _findings(plan: Plan) -> list[PolicyFinding]:
    return plan.policy.findings if plan.policy else []


def _shown(findings: list[PolicyFinding]) -> tuple[list[PolicyFinding], list[tuple[str, str]]]:
    """The findings to list (the first few of each rule and severity), and (rule, `N more errors`) for the rest.

    A key-per-customer account has a finding or two per key: 20,000 of them listed one by one
    hide the plan, and `orctl lint` (or the JSON plan) lists every one."""
    listed: dict[tuple[str, str], int] = {}
    shown = []
    for finding in findings:
        group = (finding.rule, finding.severity)
        listed[group] = listed.get(group, 0) + 1
        if listed[group] <= FINDINGS_PER_RULE:
            shown.append(finding)
    rest = [
        (rule, f"{n - FINDINGS_PER_RULE:,} more {severity}s")
        for (rule, severity), n in listed.items()
        if n > FINDINGS_PER_RULE
    ]
    return shown, rest


def _headline(finding: PolicyFinding) -> str:
    where = f"{finding.location}: " if finding.location else ""
    return f"{where}{finding.severity} [{finding.rule}] {finding.message}"


def policy_text_lines(plan: Plan, *, color: bool) -> list[str]:
    """Spend ceiling changes and lint findings for the text plan (a blank line after each block)."""
    out: list[str] = []
    changed = changed_ceilings(plan)
    if changed:
        out.append(paint("Spend ceiling (most each workspace can spend in a month):", "heading", color=color))
        out.extend(f"  {ceiling_change(c)}" for c in changed)
        out.extend(paint(f"Warning: {alert}", "warning", color=color) for alert in ceiling_alerts(plan))
        out.append("")
    findings = _findings(plan)
    if findings:
        errors = sum(1 for f in findings if f.severity == "error")
        title = f"Policy: {plural(errors, 'error')}, {plural(len(findings) - errors, 'warning')} (orctl lint):"
        out.append(paint(title, "warning" if errors else "heading", color=color))
        shown, rest = _shown(findings)
        for finding in shown:
            out.append(paint(f"  {_headline(finding)}", "delete" if finding.severity == "error" else None, color=color))
            out.append(f"    hint: {finding.hint}")
        out.extend(f"  … and {more} of [{rule}] (`orctl lint` lists every one)" for rule, more in rest)
        if errors:
            out.append("  apply refuses a config with policy errors unless --allow-policy-violations is given")
        out.append("")
    return out


def markdown_spend_ceiling(plan: Plan) -> str:
    """The lines that open the PR comment: each workspace whose ceiling changes, and warnings."""
    changed = changed_ceilings(plan)
    if not changed:
        return ""
    lines = ["**Spend ceiling per month:**", *(f"- {md.escape(ceiling_change(c))}" for c in changed)]
    text = "\n".join(lines)
    alerts = ceiling_alerts(plan)
    if alerts:
        text += "\n\n" + md.alert("WARNING", [f"- {md.escape(a.capitalize())}" for a in alerts])
    return text


def markdown_findings(plan: Plan) -> str:
    findings = _findings(plan)
    if not findings:
        return ""
    items = []
    shown, rest = _shown(findings)
    for f in shown:
        icon = "❌" if f.severity == "error" else "⚠️"
        where = f" {md.code(f.location)}" if f.location else ""
        items.append(f"- {icon} **{md.escape(f.rule)}**{where}: {md.escape(f.message)}")
    items.extend(f"- … and {more} of **{md.escape(rule)}** (`orctl lint` lists every one)" for rule, more in rest)
    errors = sum(1 for f in findings if f.severity == "error")
    note = "\n\n_`orctl apply` refuses this config unless `--allow-policy-violations` is given._" if errors else ""
    return "#### Policy findings (`orctl lint`)\n\n" + "\n".join(items) + note


def json_policy(plan: Plan) -> dict[str, Any]:
    """`policy_findings` and `spend_ceiling` of the JSON plan (empty lists without policy facts)."""
    return {
        "policy_findings": [f.model_dump(mode="json") for f in _findings(plan)],
        "spend_ceiling": [c.model_dump(mode="json") for c in (plan.policy.spend_ceiling if plan.policy else [])],
    }
