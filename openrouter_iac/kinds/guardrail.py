"""Named guardrails of a workspace (with their member assignments)."""

from __future__ import annotations

from typing import Any

from openrouter_iac.kinds.base import ReadContext, ResourceKind, WorkspaceList, WriteContext
from openrouter_iac.kinds.guardrail_policy import policy_body, policy_fields_from_api
from openrouter_iac.model.names import NameRule
from openrouter_iac.model.resources import Guardrail
from openrouter_iac.model.trusted import build

# Wire: the policy (kinds/guardrail_policy.py); members come from the member assignments.


def from_api(raw: dict[str, Any], ctx: ReadContext) -> Guardrail:
    members = ctx.members_of_guardrail.get(raw["id"])
    return build(Guardrail, {**policy_fields_from_api(raw), "members": sorted(members) if members else None})


def write_body(context: WriteContext) -> dict[str, Any]:
    # Members are not in the body: they are assignments of their own (the writer's handler).
    return policy_body(context.spec(Guardrail), context.name, context.workspace_id, context.changed)


KIND = ResourceKind(
    name="guardrail",
    spec=Guardrail,
    layer=2,
    phase="guardrail",
    delete_phase="delete_guardrail",
    singular="guardrail",
    plural="guardrails",
    collection="guardrails",
    name_rule=NameRule("guardrail name", 200),  # CreateGuardrailRequest.name: 1 to 200
    renamable=True,
    protectable=True,
    dependents=("guardrail_assignment",),
    reads=WorkspaceList("/guardrails", "guardrails"),
    from_api=from_api,
    writes="/guardrails",
    body=write_body,
)
