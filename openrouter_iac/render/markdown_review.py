"""The parts of the PR comment that serve review workflows: the hidden marker a workflow finds its
own comment by, which config and account the plan is for, and the banner for weakened policy."""

from __future__ import annotations

from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.weakening import plan_weakenings
from openrouter_iac.render import markdown_syntax as md
from openrouter_iac.render.grouping import display_order
from openrouter_iac.render.plan_graph import plan_mermaid

MARKER_PREFIX = "<!-- orctl-plan: config="
"""Workflows update the comment whose body starts with `<!-- orctl-plan: config=PATH -->`."""


def marker(plan: Plan) -> str:
    """`<!-- orctl-plan: config=orctl/ -->`, or "" for a plan without origin."""
    if plan.origin is None:
        return ""
    # `--` may not appear inside an HTML comment; config paths hardly hold it, but never break out.
    config = plan.origin.config.replace("--", "-\u200b-")
    return f"{MARKER_PREFIX}{config} -->"


def origin_line(plan: Plan) -> str:
    """`Config `orctl/` on account `openrouter.ai``."""
    if plan.origin is None:
        return ""
    return f"Config {md.code(plan.origin.config)} on account {md.code(plan.origin.account)}"


def weakening_alert(plan: Plan) -> str:
    """A `[!WARNING]` listing every change that weakens policy, in display order."""
    reasons = {id(change): found for change, found in plan_weakenings(plan)}
    protected = _protected(plan)
    lines = []
    for change in display_order(plan.changes):
        guard = next((a for a in (change.address, f"workspace:{change.workspace}") if a in protected), None)
        note = f" (protected by `safety.protect`: {md.code(guard)})" if guard else ""
        for reason in reasons.get(id(change), []):
            lines.append(f"- 🔓 {md.code(change.address)}: {md.escape(reason)}{note}")
    if not lines:
        return ""
    return md.alert("WARNING", ["This plan weakens policy:", *lines], more="ways the plan weakens policy")


def change_graph(plan: Plan) -> str:
    """`#### What changes` and a Mermaid graph of the changed objects (GitHub draws it)."""
    diagram = plan_mermaid(plan)
    return f"#### What changes\n\n{md.fenced(diagram, 'mermaid')}" if diagram else ""


def _protected(plan: Plan) -> set[str]:
    safety = plan.config.get("safety") if isinstance(plan.config, dict) else None
    protect = safety.get("protect") if isinstance(safety, dict) else None
    return {str(address) for address in protect} if isinstance(protect, list) else set()
