"""Display order of a plan: organization first, then each workspace, each top-down by layer.

A plan's own order is the order apply runs in (deletes come late and bottom-up); readers want
to see each workspace's changes together and a parent before its children. Sorting is stable,
so changes of one layer keep the plan's order.
"""

from __future__ import annotations

from openrouter_iac.plan.model import Change


def group_by_workspace(changes: list[Change]) -> list[tuple[str | None, list[Change]]]:
    """``[(workspace or None, changes)]``: organization-level first, workspaces in plan order."""
    groups: dict[str | None, list[Change]] = {}
    if any(c.workspace is None for c in changes):
        groups[None] = []
    for change in changes:
        groups.setdefault(change.workspace, []).append(change)
    return [(workspace, sorted(members, key=lambda c: c.layer)) for workspace, members in groups.items()]


def display_order(changes: list[Change]) -> list[Change]:
    """The changes in the order they are displayed."""
    return [change for _, members in group_by_workspace(changes) for change in members]


def group_title(workspace: str | None) -> str:
    return "organization" if workspace is None else f"workspace {workspace}"
