"""Named guardrails of a workspace (with their member assignments)."""

from __future__ import annotations

from typing import Any

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.kinds.guardrail_policy import policy_fields_from_api
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
    writes="/guardrails",
)


# Wire: the policy (kinds/guardrail_policy.py); members come from the member assignments.


def from_api(raw: dict[str, Any], members: list[str] | None) -> Guardrail:
    return Guardrail.model_validate({**policy_fields_from_api(raw), "members": members})
