"""Counts of a plan's changes, and the sentences that report them."""

from __future__ import annotations

from openrouter_iac.plan.model import Action, Plan

ACTIONS: tuple[Action, ...] = ("create", "update", "replace", "delete")
"""Fixed order of actions in every summary."""


def summary_counts(plan: Plan) -> dict[str, int]:
    """``{"create": n, "update": n, "replace": n, "delete": n}``, always all four, in that order."""
    counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
    for change in plan.changes:
        counts[change.action] += 1
    return counts


def summary_phrase(plan: Plan) -> str:
    """`3 to create, 2 to update, 0 to replace, 1 to delete`."""
    counts = summary_counts(plan)
    return ", ".join(f"{counts[action]} to {action}" for action in ACTIONS)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 object`, `2 objects`."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
