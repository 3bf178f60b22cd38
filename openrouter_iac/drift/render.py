"""The drift report as text (terminals, logs), JSON (machines) and markdown (the body of one
GitHub issue, which the nightly drift workflow opens or updates). Pure: they return strings."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from openrouter_iac.drift.report import Difference, DriftReport, HygieneNote
from openrouter_iac.plan.model import FieldChange
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.lifecycle import RETIRING_TITLE, expiry_json, retiring_json, retiring_sentence
from openrouter_iac.render.printable import printable
from openrouter_iac.render.unmanaged import EXAMPLES, GROUP_LIMIT, SHOW_ALL_FLAG, count

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
    parts = ", ".join(f"{count(n)} {what}" for what, n in counts.items() if n)
    return f"Drift: {count(total)} difference{'s' if total != 1 else ''} between the config and the account ({parts})."


@dataclass(frozen=True)
class UnmanagedGroup:
    """More than ``GROUP_LIMIT`` unmanaged objects of one kind in one workspace, shown as one entry
    (a key-per-customer workspace holds thousands: nobody reads, nor GitHub takes, one per line)."""

    kind: str
    workspace: str
    items: tuple[Difference, ...]

    def reasons(self) -> str:
        reasons = Counter(item.reason or "not declared in the config" for item in self.items).most_common()
        if len(reasons) == 1:
            return reasons[0][0]
        return "; ".join(f"{count(n)} {reason}" for reason, n in reasons)

    def examples(self) -> list[str]:
        return [item.address for item in self.items[:EXAMPLES]]


def _shown(items: list[Difference], show_all: bool) -> list[Difference | UnmanagedGroup]:
    """A workspace's differences, each large group of unmanaged objects of one kind as one entry."""
    if show_all:
        return list(items)
    by_kind: dict[str, list[Difference]] = defaultdict(list)
    for item in items:
        if item.drift == "unmanaged":
            by_kind[item.kind].append(item)
    large = {kind for kind, group in by_kind.items() if len(group) > GROUP_LIMIT}
    out: list[Difference | UnmanagedGroup] = []
    for item in items:
        if item.drift != "unmanaged" or item.kind not in large:
            out.append(item)
        elif item is by_kind[item.kind][0]:
            out.append(UnmanagedGroup(item.kind, item.workspace or ORGANIZATION, tuple(by_kind[item.kind])))
    return out


def _collapsed(report: DriftReport, show_all: bool) -> bool:
    """Whether anything was counted instead of listed (then the output says how to list it all)."""
    if show_all:
        return False
    unmanaged = Counter((d.workspace, d.kind) for d in report.differences if d.drift == "unmanaged")
    notes = Counter(note.check for note in report.hygiene)
    return any(n > GROUP_LIMIT for n in [*unmanaged.values(), *notes.values()])


COUNTED_NOTE = f"more than {GROUP_LIMIT} of a kind in a workspace are counted; {SHOW_ALL_FLAG} lists all"


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
HYGIENE_COUNTED = {
    "idle": "keys idle for 90 days or more",
    "near-cap": "keys near their cap",
    "no-limit": "keys with no credit limit",
    "no-expiry": "keys that never expire",
}
"""What a counted line says about its keys."""


def _hygiene_counted(check: str, notes: list[HygieneNote]) -> str:
    examples = ", ".join(note.address for note in notes[:EXAMPLES])
    return f"{count(len(notes))} {HYGIENE_COUNTED[check]}, e.g. {examples}"


# ---------------------------------------------------------------- text


def _field_line(change: FieldChange) -> str:
    return (
        f"      {change.field}: live {_value(change.before, change.sensitive)}, "
        f"config {_value(change.after, change.sensitive)}"
    )


def render_drift_text(report: DriftReport, *, show_all_unmanaged: bool = False) -> str:
    """Unmanaged objects and hygiene notes beyond ``GROUP_LIMIT`` of a kind are counted unless
    ``show_all_unmanaged``."""
    lines = [_summary(report)]
    for workspace, items in _by_workspace(report.differences).items():
        lines += ["", f"# workspace {workspace}" if workspace != ORGANIZATION else "# organization"]
        for item in _shown(items, show_all_unmanaged):
            if isinstance(item, UnmanagedGroup):
                examples = ", ".join(item.examples())
                lines.append(
                    f"  {SYMBOL['unmanaged']} unmanaged {count(len(item.items))} {item.kind} in workspace "
                    f"{item.workspace} ({item.reasons()}), e.g. {examples}"
                )
                continue
            when = f"  (live updated {item.updated_at})" if item.updated_at else ""
            lines.append(f"  {SYMBOL[item.drift]} {item.drift:<9} {item.address}{when}")
            if item.reason:
                lines.append(f"      # {item.reason}")
            if item.observed:
                lines.append("      # observe only (mode: observe): apply never reverts it")
            lines.extend(_field_line(f) for f in item.fields)
    if report.hygiene:
        lines += ["", "Key hygiene:"]
        for check, notes in _hygiene_by_check(report.hygiene).items():
            if len(notes) > GROUP_LIMIT and not show_all_unmanaged:
                lines.append(f"  {check:<9} {_hygiene_counted(check, notes)}")
            else:
                lines.extend(f"  {note.check:<9} {note.message}" for note in notes)
    if report.retiring:
        lines += ["", f"{RETIRING_TITLE}:"]
        lines.extend(f"  {retiring_sentence(note)}" for note in report.retiring)
    if report.ignored:
        lines += ["", f"Ignored ({len(report.ignored)}, from --ignore):"]
        for item, entry in report.ignored:
            why = f": {entry.reason}" if entry.reason else ""
            until = f" (until {entry.until.isoformat()})" if entry.until else ""
            lines.append(f"  {item.drift:<9} {item.address}{why}{until}")
    if _collapsed(report, show_all_unmanaged):
        lines += ["", f"({COUNTED_NOTE})"]
    for entry in report.expired:
        lines.append(f"Warning: ignore entry {entry.address} expired on {entry.until}: it no longer ignores anything")
    lines.extend(f"Warning: {warning}" for warning in report.warnings)
    return "\n".join(map(printable, lines)) + "\n"  # live names may hold escape sequences and line breaks


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


def _group_md(group: UnmanagedGroup) -> list[str]:
    kind, where = md.code(group.kind), md.code(group.workspace)
    examples = ", ".join(md.code(address) for address in group.examples())
    pattern = f"{group.kind}:{group.workspace}/*"
    actions = {item.action for item in group.items}
    remove = (
        "**Remove them:** with `prune: true` for the workspace, `orctl apply` deletes them."
        if actions == {None}
        else "**Remove them:** run `orctl apply`; it will delete them (pruning is on)."
    )
    return [
        f"#### {SYMBOL['unmanaged']} unmanaged: {count(len(group.items))} {kind} in workspace {where}",
        "",
        f"{md.escape(group.reasons()[:1].upper() + group.reasons()[1:])}; e.g. {examples}.",
        "",
        "Two ways out:",
        "",
        f"- **Adopt them:** `orctl export --target '{pattern}' -o adopted` writes them as config; "
        "copy it into the config, and merge.",
        f"- {remove}",
        "",
    ]


def render_drift_markdown(report: DriftReport, *, show_all_unmanaged: bool = False) -> str:
    """The issue body; large groups are counted as in :func:`render_drift_text`."""
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
        for item in _shown(items, show_all_unmanaged):
            lines += _group_md(item) if isinstance(item, UnmanagedGroup) else _difference_md(item)
    if report.hygiene:
        lines += ["### Key hygiene", "", "From live data (not drift: `orctl drift` exits 0 for these alone).", ""]
        for check, notes in _hygiene_by_check(report.hygiene).items():
            if len(notes) > GROUP_LIMIT and not show_all_unmanaged:
                body = f"- {md.escape(_hygiene_counted(check, notes))}"
            else:
                body = "\n".join(f"- {md.escape(n.message)}" for n in notes)
            lines += [md.details(f"{HYGIENE_TITLES[check]} ({count(len(notes))})", body), ""]
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
    if _collapsed(report, show_all_unmanaged):
        note = COUNTED_NOTE.replace(SHOW_ALL_FLAG, md.code(SHOW_ALL_FLAG))
        lines += [f"_{note[:1].upper()}{note[1:]}._", ""]
    for entry in report.expired:
        lines.append(f"> [!NOTE]\n> The ignore entry {md.code(entry.address)} expired on {entry.until}.")
    for warning in report.warnings:
        lines.append(f"> [!WARNING]\n> {md.escape(warning)}")
    return _fitted("\n".join(lines).rstrip("\n") + "\n")


ISSUE_LIMIT = 55_000
"""GitHub takes 65,536 characters in an issue body; the drift workflow adds a line and cuts at 60,000."""
TOO_LONG_NOTE = (
    "_The report is too long for one issue: run `orctl drift` (or see the job log) for the rest, "
    "`--output json` for every entry._"
)


def _fitted(text: str) -> str:
    """``text``, or as many whole sections of it as fit in an issue, then a note saying so (a cut
    in the middle would leave a table or a `<details>` open)."""
    if len(text) <= ISSUE_LIMIT:
        return text
    budget = ISSUE_LIMIT - len(TOO_LONG_NOTE) - 2
    cut = max(text.rfind("\n#### ", 0, budget), text.rfind("\n### ", 0, budget))
    if cut <= 0:
        cut = text.rfind("\n", 0, budget)
    return text[:cut].rstrip("\n") + "\n\n" + TOO_LONG_NOTE + "\n"
