"""The plan as a pull-request comment: summary line, caution banner, policy highlights, a table
of every change, and the full text diff collapsed at the end."""

from __future__ import annotations

from openrouter_iac.plan.model import Action, Change, Plan
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.grouping import display_order
from openrouter_iac.render.highlights import highlights
from openrouter_iac.render.layout import plan_lines, safety_alerts
from openrouter_iac.render.lifecycle import retiring_markdown
from openrouter_iac.render.markdown_review import change_graph, marker, origin_line, weakening_alert
from openrouter_iac.render.notes import rotation_effect
from openrouter_iac.render.policy_plan import markdown_findings, markdown_spend_ceiling
from openrouter_iac.render.presets import action_word, archives, version_note
from openrouter_iac.render.summary import plural, summary_phrase
from openrouter_iac.render.unmanaged import GROUP_LIMIT, SHOW_ALL_FLAG, UnmanagedGroup, count, displayed, heading

TITLE = "**orctl plan:**"
ACTION_LABEL: dict[Action, str] = {
    "create": "🟢 create",
    "update": "🟡 update",
    "delete": "🔴 delete",
    "replace": "🟣 replace",
}
MAX_FIELDS_IN_TABLE = 6
"""Beyond this, a table row says `+N more` (the full diff has them all)."""


COMMENT_LIMIT = 65_000
"""GitHub caps a comment at 65,536 characters."""
TOO_LONG_NOTE = "_The full plan is too long for a comment: run `orctl plan` (or see the job log) to read it._"
UNMANAGED_TOO_LONG_NOTE = (
    f"_Every unmanaged object (`{SHOW_ALL_FLAG}`) is too long a list for a comment: large groups are "
    f"counted here; `orctl plan {SHOW_ALL_FLAG}` or `--output json` lists them all._"
)
SECTIONS_LEFT_OUT_NOTE = "_The plan is too long for a comment: run `orctl plan` (or see the job log) for the rest._"


def render_markdown(
    plan: Plan, *, show_empty: bool = False, show_all_unmanaged: bool = False, graph: bool = False
) -> str:
    """A PR comment for ``plan``; "" when nothing changes, unless ``show_empty``.

    Large groups of unmanaged objects are counted, not listed, unless ``show_all_unmanaged``.
    ``graph`` adds a Mermaid graph of what changes.
    """
    if not plan.changes:
        quiet = (marker(plan), f"{TITLE} no changes", origin_line(plan), retiring_markdown(plan), _warnings(plan))
        return "\n\n".join(s for s in quiet if s) if show_empty else ""
    full_plan = md.details(f"Full plan ({plural(len(plan.changes), 'change')})", _diff_block(plan))
    sections = [
        marker(plan),
        f"{TITLE} {summary_phrase(plan)}",
        origin_line(plan),
        markdown_spend_ceiling(plan),
        weakening_alert(plan),
        _caution(plan),
        _warnings(plan),
        retiring_markdown(plan),
        markdown_findings(plan),
        _highlights(plan),
        change_graph(plan) if graph else "",
        _table(plan),
        full_plan,
        _unmanaged(plan, show_all_unmanaged),
    ]
    text = "\n\n".join(section for section in sections if section)
    if len(text) > COMMENT_LIMIT:
        # GitHub refuses longer comments: keep the review-critical parts, point at the full plan.
        sections[sections.index(full_plan)] = TOO_LONG_NOTE
        text = "\n\n".join(section for section in sections if section)
    if len(text) > COMMENT_LIMIT and graph:
        sections = [section for section in sections if not section.startswith("#### What changes")]
        text = "\n\n".join(section for section in sections if section)
    if len(text) > COMMENT_LIMIT and show_all_unmanaged:
        sections[-1] = _unmanaged(plan, False, UNMANAGED_TOO_LONG_NOTE)
    return md.whole_sections([section for section in sections if section], COMMENT_LIMIT, SECTIONS_LEFT_OUT_NOTE)


def _caution(plan: Plan) -> str:
    """Deletions, replacements and secret rotations: the changes that can break a consumer."""
    lines: list[str] = []
    rotated: set[str] = set()
    for change in display_order(plan.changes):
        address = md.code(change.address)
        if change.rotation:
            rotated.add(change.address)
            lines.append(f"- 🔑 Rotate {address}: {md.escape(rotation_effect(change))}")
        elif change.action == "delete":
            verb = action_word(change).capitalize()
            lines.append(f"- 🔴 {verb} {address}" + (f": {md.escape(change.reason)}" if change.reason else ""))
        elif change.action == "replace":
            lines.append(f"- 🟣 Replace (delete, then create) {address}" + _reason(change))
    lines.extend(f"- 🔑 Rotate {md.code(a)}" for a in plan.safety.rotations if a not in rotated)
    lines.extend(f"- ⚠️ {md.escape(alert.capitalize())}" for alert in safety_alerts(plan.safety))
    if not lines:
        return ""
    title = "This plan deletes, replaces or rotates live objects:"
    return md.alert("CAUTION", [title, *lines], more="deletions, replacements, rotations or safety alerts")


def _reason(change: Change) -> str:
    return f": {md.escape(change.reason)}" if change.reason else ""


def _warnings(plan: Plan) -> str:
    if not plan.warnings:
        return ""
    return md.alert("WARNING", [f"- {md.escape(warning)}" for warning in plan.warnings])


def _highlights(plan: Plan) -> str:
    blocks = []
    for change in display_order(plan.changes):
        bullets = highlights(change)
        if bullets:
            blocks.append(f"- {md.code(change.address)} ({change.action})")
            blocks.extend(f"  - {bullet}" for bullet in bullets)
    return "#### Policy and budget changes\n\n" + "\n".join(blocks) if blocks else ""


def _table(plan: Plan) -> str:
    rows = ["| Action | Address | Changes |", "|---|---|---|"]
    for change in display_order(plan.changes):
        label = "🔴 archive" if archives(change) else ACTION_LABEL[change.action]
        cells = [label, md.code(change.address, in_table=True), _row_summary(change)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _row_summary(change: Change) -> str:
    parts = []
    if change.observed:
        parts.append("👁 observe only: never applied")
    if change.rotation:
        parts.append("🔑 secret rotation")
    version = version_note(change)
    if version:
        parts.append(md.escape(version))
    names = [md.escape(field.field) for field in change.fields]
    if len(names) > MAX_FIELDS_IN_TABLE:
        names = [*names[:MAX_FIELDS_IN_TABLE], f"+{len(names) - MAX_FIELDS_IN_TABLE} more"]
    if names:
        parts.append(", ".join(names))
    elif change.reason:
        parts.append(md.escape(change.reason))
    return "; ".join(parts) or "—"


def _diff_block(plan: Plan) -> str:
    lines = [line.for_diff_block() for line in plan_lines(plan)]
    return md.fenced("\n".join(lines).strip("\n"), "diff")


def _unmanaged(plan: Plan, show_all: bool, note: str = "") -> str:
    if not plan.unmanaged:
        return ""
    title = heading(plan.unmanaged)
    items = []
    for entry in displayed(plan.unmanaged, show_all=show_all):
        if isinstance(entry, UnmanagedGroup):
            reasons = "; ".join(f"{count(n)} {md.escape(reason)}" for reason, n in entry.reasons())
            examples = ", ".join(md.code(address) for address in entry.examples())
            items.append(
                f"- {count(len(entry.items))} {md.code(entry.kind)} in {md.escape(entry.where())}: {reasons} "
                f"(e.g. {examples})"
            )
        else:
            items.append(f"- {md.code(entry.address)}: {md.escape(entry.reason)}")
    if note:
        items.append(f"\n{note}")
    elif len(items) < len(plan.unmanaged):
        items.append(f"\n_More than {GROUP_LIMIT} of a kind in a workspace are counted; `{SHOW_ALL_FLAG}` lists all._")
    return md.details(title, "\n".join(items))
