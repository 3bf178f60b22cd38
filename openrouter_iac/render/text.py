"""The terminal plan, Terraform-like: signs, addresses, notes, field diffs and a summary line."""

from __future__ import annotations

from openrouter_iac.plan.model import Plan, Unmanaged
from openrouter_iac.render.colors import paint
from openrouter_iac.render.layout import plan_lines, safety_alerts
from openrouter_iac.render.lifecycle import retiring_text_lines
from openrouter_iac.render.lines import INDENT, Line
from openrouter_iac.render.policy_plan import policy_text_lines
from openrouter_iac.render.printable import printable
from openrouter_iac.render.summary import summary_phrase
from openrouter_iac.render.unmanaged import GROUP_LIMIT, SHOW_ALL_FLAG, UnmanagedGroup, count, displayed, heading

HEADER = "orctl will perform the following actions:"
NO_CHANGES = "No changes. The account matches the configuration."


def render_text(plan: Plan, *, color: bool, show_all_unmanaged: bool = False) -> str:
    """The plan for a terminal or a log; ANSI colors only when ``color``. No trailing newline.

    Large groups of unmanaged objects are counted, not listed, unless ``show_all_unmanaged``.
    """
    out: list[str] = []
    if plan.changes:
        out.append(paint(HEADER, "heading", color=color))
        out.extend(_styled(line, color) for line in plan_lines(plan))
        out.append("")
    if plan.unmanaged:
        out.extend(map(printable, unmanaged_lines(plan.unmanaged, show_all=show_all_unmanaged)))
        out.append("")
    out.extend(map(printable, retiring_text_lines(plan)))
    for warning in plan.warnings:
        out.append(paint(printable(f"Warning: {warning}"), "warning", color=color))
    for alert in safety_alerts(plan.safety):
        out.append(paint(printable(f"Safety: {alert}"), "warning", color=color))
    if plan.warnings or safety_alerts(plan.safety):
        out.append("")
    out.extend(policy_text_lines(plan, color=color))
    out.append(paint(summary_line(plan), "heading", color=color))
    return "\n".join(out)


def summary_line(plan: Plan) -> str:
    """`Plan: 3 to create, 2 to update, 1 to replace, 0 to delete.` or the no-changes sentence."""
    return f"Plan: {summary_phrase(plan)}." if plan.changes else NO_CHANGES


def unmanaged_lines(unmanaged: list[Unmanaged], *, show_all: bool = False) -> list[str]:
    out = [f"{heading(unmanaged)}:"]
    collapsed = False
    for entry in displayed(unmanaged, show_all=show_all):
        if isinstance(entry, UnmanagedGroup):
            collapsed = True
            reasons = "; ".join(f"{count(n)} {reason}" for reason, n in entry.reasons())
            examples = ", ".join(entry.examples())
            out.append(
                f"{INDENT}{count(len(entry.items))} {entry.kind} in {entry.where()} ({reasons}), e.g. {examples}"
            )
        else:
            out.append(f"{INDENT}{entry.address}  ({entry.reason})")
    if collapsed:
        out.append(f"{INDENT}(more than {GROUP_LIMIT} of a kind in a workspace are counted; {SHOW_ALL_FLAG} lists all)")
    return out


def _styled(line: Line, color: bool) -> str:
    # Indent stays unpainted so colored blocks line up with plain ones.
    plain = printable(line.plain())  # live names may hold escape sequences and line breaks
    body = plain.lstrip(" ")
    return plain[: len(plain) - len(body)] + paint(body, line.style, color=color)
