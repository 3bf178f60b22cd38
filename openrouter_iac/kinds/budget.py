"""Workspace budgets: one cap per interval, a setting of the workspace (`budgets:`)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.payloads import BudgetWrite

KIND = ResourceKind(
    name="workspace_budget",
    spec=BudgetWrite,
    layer=1,
    phase="budgets",  # in a managed workspace deletes run here too, ordered with the other caps
    delete_phase="delete_budgets",
    singular="workspace budget",
    plural="workspace budgets",
    settings=("budgets", "include_byok_in_budgets"),
    reads=WorkspaceList("/workspaces/{workspace_id}/budgets", "budgets", scoped=False, paged=False),
    writes="/workspaces/{workspace_id}/budgets",  # PUT and DELETE at /{interval} (live/writer.py)
)
