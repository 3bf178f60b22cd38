"""Named guardrails of a workspace (with their member assignments)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.names import WORKSPACE_NAMES
from openrouter_iac.model.resources import Guardrail

KIND = ResourceKind(
    name="guardrail",
    spec=Guardrail,
    layer=2,
    phase="guardrail",
    delete_phase="delete_guardrail",
    singular="guardrail",
    plural="guardrails",
    collection="guardrails",
    name_rule=WORKSPACE_NAMES["guardrails"],
    renamable=True,
    protectable=True,
    dependents=("guardrail_assignment",),
    reads=WorkspaceList("/guardrails", "guardrails"),
)
