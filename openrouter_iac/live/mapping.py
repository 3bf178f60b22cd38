"""Translation between the API's JSON objects and orctl's spec models, both ways, by the names
the reader and the writer use.

Nothing is mapped here. A plain field names its API field on the model (``Wire`` in
:mod:`openrouter_iac.model.traits`) and one generic mapper reads and writes it
(:mod:`openrouter_iac.model.wire`); what is special about a kind (budgets, builtin detectors, ZDR
groups, key names for hashes, masked config, preset versions) is in the kind's own module,
``kinds/<kind>.py``. The ``*_from_api`` functions drop what is not spec (usage, labels...); the
``*_body`` functions build request bodies. Names are resolved to ids by the caller: all are pure.
"""

from __future__ import annotations

from openrouter_iac.kinds.api_key import create_body as key_create_body
from openrouter_iac.kinds.api_key import from_api as key_from_api
from openrouter_iac.kinds.api_key import patch_body as key_patch_body
from openrouter_iac.kinds.byok_key import body as byok_body
from openrouter_iac.kinds.byok_key import from_api as byok_from_api
from openrouter_iac.kinds.default_guardrail import from_api as default_guardrail_from_api
from openrouter_iac.kinds.guardrail import from_api as guardrail_from_api
from openrouter_iac.kinds.guardrail_policy import ZDR_GROUPS, policy_fields_from_api
from openrouter_iac.kinds.guardrail_policy import policy_body as guardrail_body
from openrouter_iac.kinds.observability import body as observability_body
from openrouter_iac.kinds.observability import from_api as observability_from_api
from openrouter_iac.kinds.observability import public_config
from openrouter_iac.kinds.organization import body as organization_body
from openrouter_iac.kinds.organization import from_api as organization_from_api
from openrouter_iac.kinds.preset import PLACEHOLDER_MESSAGE as PRESET_PLACEHOLDER_MESSAGE
from openrouter_iac.kinds.preset import STRUCTURAL_KEYS as PRESET_STRUCTURAL_KEYS
from openrouter_iac.kinds.preset import from_version as preset_from_version
from openrouter_iac.kinds.preset import request_body as preset_request_body
from openrouter_iac.kinds.workspace import body as workspace_body
from openrouter_iac.kinds.workspace import from_api as workspace_from_api
from openrouter_iac.model.wire import api_timestamp

__all__ = [
    "PRESET_PLACEHOLDER_MESSAGE",
    "PRESET_STRUCTURAL_KEYS",
    "ZDR_GROUPS",
    "api_timestamp",
    "byok_body",
    "byok_from_api",
    "default_guardrail_from_api",
    "guardrail_body",
    "guardrail_from_api",
    "key_create_body",
    "key_from_api",
    "key_patch_body",
    "observability_body",
    "observability_from_api",
    "organization_body",
    "organization_from_api",
    "policy_fields_from_api",
    "preset_from_version",
    "preset_request_body",
    "public_config",
    "workspace_body",
    "workspace_from_api",
]
