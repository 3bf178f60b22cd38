"""The drift report as text (terminals, logs), JSON (machines) and markdown (the body of one
GitHub issue, which the nightly drift workflow opens or updates). Pure: they return strings."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from openrouter_iac.drift.report import Difference, DriftReport, HygieneNote
from openrouter_iac.plan.model import FieldChange
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.lifecycle import RETIRING_TITLE, expiry_json, retiring_json, retiring_sentence

DRIFT_FORMAT_VERSION = "1.0"
MARKER = "<!-- orctl-drift -->"
SYMBOL = {"changed": "~", "missing": "+", "unmanaged": "?"}
ORGANIZATION = "(organization)"


def _value(value: Any, sensitive: bool = False) -> str:
    if sensitive:
        return "(sensitive)"
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _summary(report: DriftReport) -> str:
    counts = report.counts()
    total = sum(counts.values())
    if not total:
        return "No drift: the account matches the config."
    parts = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    return f"Drift: {total} difference{'s' if total != 1 else ''} between the config and the account ({parts})."


def _by_workspace(items: list[Difference]) -> dict[str, list[Difference]]:
    grouped: dict[str, list[Difference]] = defaultdict(list)
    for item in items:
        grouped[item.workspace or ORGANIZATION].append(item)
    return dict(sorted(grouped.items(), key=lambda kv: (kv[0] != ORGANIZATION, kv[0])))


def _hygiene_by_check(notes: list[HygieneNote]) -> dict[str, list[HygieneNote]]:
    grouped: dict[str, list[HygieneNote]] = defaultdict(list)
    for note in notes:
        grouped[note.check].append(note)
    return grouped


HYGIENE_TITLES = {
    "idle": "Idle for 90 days or more",
    "near-cap": "Near their cap",
    "no-limit": "No credit limit",
    "no-expiry": "No expiry",
}


# ---------------------------------------------------------------- text


def _field_line(change: FieldChange) -> str:
    return (
        f"      {change.field}: live {_value(change.before, change.sensitive)}, "
        f"config {_value(change.after, change.sensitive)}"
    )


def render_drift_text(report: DriftReport) -> str:
    lines = [_summary(report)]
    for workspace, items in _by_workspace(report.differences).items():
        lines += ["", f"# workspace {workspace}" if workspace != ORGANIZATION else "# organization"]
        for item in items:
            when = f"  (live updated {item.updated_at})" if item.updated_at else ""
            lines.append(f"  {SYMBOL[item.drift]} {item.drift:<9} {item.address}{when}")
            if item.reason:
                lines.append(f"      # {item.reason}")
            if item.observed:
                lines.append("      # observe only (mode: observe): apply never reverts it")
            lines.extend(_field_line(f) for f in item.fields)
    if report.hygiene:
        lines += ["", "Key hygiene:"]
        lines.extend(f"  {note.check:<9} {note.message}" for note in report.hygiene)
    if report.retiring:
        lines += ["", f"{RETIRING_TITLE}:"]
        lines.extend(f"  {retiring_sentence(note)}" for note in report.retiring)
    if report.ignored:
        lines += ["", f"Ignored ({len(report.ignored)}, from --ignore):"]
        for item, entry in report.ignored:
            why = f": {entry.reason}" if entry.reason else ""
            until = f" (until {entry.until.isoformat()})" if entry.until else ""
            lines.append(f"  {item.drift:<9} {item.address}{why}{until}")
    for entry in report.expired:
        lines.append(f"Warning: ignore entry {entry.address} expired on {entry.until}: it no longer ignores anything")
    lines.extend(f"Warning: {warning}" for warning in report.warnings)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- JSON


def _difference_json(item: Difference) -> dict[str, Any]:
    return {
        "class": item.drift,
        "address": item.address,
        "kind": item.kind,
        "workspace": item.workspace,
        "apply_would": item.action,
        "live_updated_at": item.updated_at,
        "reason": item.reason,
        "observed": item.observed,
        "fields": [
            {
                "field": f.field,
                "live": "(sensitive)" if f.sensitive else f.before,
                "config": "(sensitive)" if f.sensitive else f.after,
                "sensitive": f.sensitive,
            }
            for f in item.fields
        ],
    }


def render_drift_json(report: DriftReport) -> str:
    document = {
        "format_version": DRIFT_FORMAT_VERSION,
        "drifted": report.drifted,
        "summary": report.counts(),
        "differences": [_difference_json(item) for item in report.differences],
        "ignored": [
            {
                **_difference_json(item),
                "ignored_by": entry.address,
                "ignore_reason": entry.reason,
                "ignore_until": entry.until.isoformat() if entry.until else None,
            }
            for item, entry in report.ignored
        ],
        "expired_ignores": [
            {"address": e.address, "reason": e.reason, "until": e.until.isoformat() if e.until else None}
            for e in report.expired
        ],
        "hygiene": [
            {"check": n.check, "address": n.address, "workspace": n.workspace, "message": n.message}
            for n in report.hygiene
        ],
        "warnings": report.warnings,
        "retiring": retiring_json(report.retiring),
        "key_expiry": expiry_json(report.key_expiry),
    }
    return json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"


# ---------------------------------------------------------------- markdown


def _ways_out(item: Difference) -> list[str]:
    address = md.code(item.address)
    if item.drift == "changed":
        keep = f"**Keep the live value:** change the config of {address} to the live values above, and merge."
        revert = f"**Revert the account:** run `orctl apply`; it will {item.action} {address} back to the config."
    elif item.drift == "missing":
        keep = f"**Accept that it is gone:** remove {address} from the config, and merge."
        revert = f"**Restore it:** run `orctl apply`; it will create {address} again."
    else:
        keep = (
            f"**Adopt it:** `orctl export --target '{item.address}' -o adopted` writes it as config; "
            "copy it into the config, and merge."
        )
        revert = (
            f"**Remove it:** with `prune: true` for its workspace, `orctl apply` deletes {address}"
            if item.action is None
            else f"**Remove it:** run `orctl apply`; it will delete {address} (pruning is on)"
        ) + "."
    if item.observed:
        revert += " (The workspace is `mode: observe`: apply skips it until it is switched to `manage`.)"
    return [f"- {keep}", f"- {revert}"]


def _difference_md(item: Difference) -> list[str]:
    heading = f"#### {SYMBOL[item.drift]} {item.drift}: {md.code(item.address)}"
    lines = [heading, ""]
    facts = []
    if item.updated_at:
        facts.append(f"Last changed live: {md.escape(item.updated_at)}.")
    if item.reason:
        facts.append(md.escape(item.reason[:1].upper() + item.reason[1:]) + ".")
    if facts:
        lines += [" ".join(facts), ""]
    if item.fields:
        lines += ["| Field | Live | Config |", "|---|---|---|"]
        for f in item.fields:
            live = md.code(_value(f.before, f.sensitive), in_table=True)
            config = md.code(_value(f.after, f.sensitive), in_table=True)
            lines.append(f"| {md.code(f.field, in_table=True)} | {live} | {config} |")
        lines.append("")
    lines += ["Two ways out:", "", *_ways_out(item), ""]
    return lines


def render_drift_markdown(report: DriftReport) -> str:
    lines = [MARKER, f"**{_summary(report)}**", ""]
    if report.differences:
        lines += [
            "Someone changed the account outside orctl (or the config changed without an apply). "
            "For each difference, either make the config say what the account holds, or run "
            "`orctl apply` to put the account back.",
            "",
        ]
    for workspace, items in _by_workspace(report.differences).items():
        title = "Organization" if workspace == ORGANIZATION else f"Workspace {md.code(workspace)}"
        lines += [f"### {title}", ""]
        for item in items:
            lines += _difference_md(item)
    if report.hygiene:
        lines += ["### Key hygiene", "", "From live data (not drift: `orctl drift` exits 0 for these alone).", ""]
        for check, notes in _hygiene_by_check(report.hygiene).items():
            body = "\n".join(f"- {md.escape(n.message)}" for n in notes)
            lines += [md.details(f"{HYGIENE_TITLES[check]} ({len(notes)})", body), ""]
    if report.retiring:
        body = "\n".join(f"- {md.escape(retiring_sentence(n))}" for n in report.retiring)
        lines += [md.details(f"{RETIRING_TITLE} ({len(report.retiring)})", body), ""]
    if report.ignored:
        rows = []
        for item, entry in report.ignored:
            why = f": {md.escape(entry.reason)}" if entry.reason else ""
            until = f" (until {entry.until.isoformat()})" if entry.until else ""
            rows.append(f"- {item.drift} {md.code(item.address)}{why}{until}")
        lines += [md.details(f"Ignored ({len(report.ignored)})", "\n".join(rows)), ""]
    for entry in report.expired:
        lines.append(f"> [!NOTE]\n> The ignore entry {md.code(entry.address)} expired on {entry.until}.")
    for warning in report.warnings:
        lines.append(f"> [!WARNING]\n> {md.escape(warning)}")
    return "\n".join(lines).rstrip("\n") + "\n"
