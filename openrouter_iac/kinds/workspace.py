"""Workspaces: the unit of budget, policy and keys, identified by slug. Deleting one removes
everything in it, so a plan lists (and apply deletes first) every dependent kind."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind
from openrouter_iac.model.names import WORKSPACE_SLUG
from openrouter_iac.model.resources import Workspace

KIND = ResourceKind(
    name="workspace",
    spec=Workspace,
    layer=1,
    phase="workspace",
    delete_phase="delete_workspace",
    singular="workspace",
    plural="workspaces",
    name_rule=WORKSPACE_SLUG,
    renamable=True,
    protectable=True,
    dependents=(
        "byok_key",
        "observability_destination",
        "api_key",
        "guardrail",
        "preset",
        "workspace_budget",
        "workspace_members",
        "default_guardrail",
    ),
)
