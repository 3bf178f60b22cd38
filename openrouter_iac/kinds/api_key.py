"""Inference API keys of a workspace. A create mints a secret (handed to a sink, never shown)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.names import WORKSPACE_NAMES
from openrouter_iac.model.resources import ApiKey

KIND = ResourceKind(
    name="api_key",
    spec=ApiKey,
    layer=3,
    phase="api_key",
    delete_phase="delete_api_key",
    singular="API key",
    plural="API keys",
    collection="keys",
    name_rule=WORKSPACE_NAMES["keys"],
    renamable=True,
    protectable=True,
    dependents=("guardrail_assignment",),
    # Expired keys are hidden unless asked for: a managed key that expired must not look missing.
    reads=WorkspaceList("/keys", "API keys", params=(("include_disabled", "true"), ("include_expired", "true"))),
)
