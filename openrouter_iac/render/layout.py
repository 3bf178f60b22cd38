"""The changes of a plan laid out as lines: workspace groups, change headers, notes and fields."""

from __future__ import annotations

from openrouter_iac.plan.model import Change, Plan, SafetyFacts
from openrouter_iac.render.fields import field_lines
from openrouter_iac.render.grouping import group_by_workspace, group_title
from openrouter_iac.render.lines import Line, header_line
from openrouter_iac.render.notes import change_notes

FIELD_DEPTH = 3
"""Fields and notes sit under the address, past the widest sign (`-/+`)."""


def change_lines(change: Change) -> list[Line]:
    """One change: its header, its notes as `# ...` comments, then its fields."""
    out = [header_line(change)]
    for note in change_notes(change):
        out.append(Line(FIELD_DEPTH, f"# {note.text}", style="warning" if note.warning else "note"))
    for field in change.fields:
        out.extend(field_lines(change, field, FIELD_DEPTH))
    return out


def plan_lines(plan: Plan) -> list[Line]:
    """Every change, grouped by workspace, a blank line between changes."""
    out: list[Line] = []
    for workspace, changes in group_by_workspace(plan.changes):
        out.append(Line(0, ""))
        out.append(Line(0, f"# {group_title(workspace)}", style="heading"))
        for change in changes:
            out.append(Line(0, ""))
            out.extend(change_lines(change))
    return out


def safety_alerts(safety: SafetyFacts) -> list[str]:
    """The safety facts worth a reader's attention before apply, as sentences."""
    alerts: list[str] = []
    if safety.empty_config_against_populated_scope:
        alerts.append("the configuration declares nothing, but live objects exist in its scope")
    if safety.delete_fraction_exceeded:
        alerts.append(
            f"{safety.deletes} of {safety.managed_objects} managed objects would be deleted "
            f"(more than {safety.max_delete_fraction:.0%})"
        )
    if safety.emptied_scopes:
        alerts.append("the plan empties " + "; ".join(safety.emptied_scopes) + " (needs --allow-destroy)")
    if safety.protected_hits:
        alerts.append("protected objects affected: " + ", ".join(safety.protected_hits))
    return alerts
