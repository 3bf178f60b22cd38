"""The default guardrail of a workspace: its policy is a setting (`default_guardrail:`). It is read
with the workspace's guardrails and cannot be deleted; "deleting" it clears its policy."""

from __future__ import annotations

from typing import Any

from openrouter_iac.kinds.base import ResourceKind
from openrouter_iac.kinds.guardrail_policy import policy_fields_from_api
from openrouter_iac.model.resources import GuardrailPolicy
from openrouter_iac.model.trusted import build

KIND = ResourceKind(
    name="default_guardrail",
    spec=GuardrailPolicy,
    layer=2,
    phase="default_guardrail",
    delete_phase="delete_default_guardrail",
    singular="default guardrail",
    plural="default guardrails",
    settings=("default_guardrail",),
    deletable=False,
    writes="/guardrails",
)


def from_api(raw: dict[str, Any]) -> GuardrailPolicy:
    return build(GuardrailPolicy, policy_fields_from_api(raw))
