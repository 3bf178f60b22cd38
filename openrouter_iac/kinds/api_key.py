"""Inference API keys of a workspace. A create mints a secret (handed to a sink, never shown)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from openrouter_iac.kinds import guardrail
from openrouter_iac.kinds.base import ReadContext, ResourceKind, WorkspaceList, spec_of
from openrouter_iac.model.names import NameRule
from openrouter_iac.model.resources import ApiKey
from openrouter_iac.model.retiring import RESERVED_MARKERS
from openrouter_iac.model.trusted import read
from openrouter_iac.model.wire import write_plain

# Wire: plain fields (`expires_at` on create only, `disabled` on update only, `last_used_at` and
# `external_user` only read); the guardrail comes from the key assignments.


def from_api(raw: dict[str, Any], ctx: ReadContext) -> ApiKey:
    guardrail_id = ctx.guardrail_of_key.get(raw["hash"])
    return read(ApiKey, raw, {"guardrail": ctx.ref(guardrail.KIND, guardrail_id) if guardrail_id else None})


def secret_sink(spec: BaseModel) -> str | None:
    return spec_of(spec, ApiKey).secret_sink


KIND = ResourceKind(
    name="api_key",
    spec=ApiKey,
    layer=3,
    phase="api_key",
    delete_phase="delete_api_key",
    singular="API key",
    plural="API keys",
    collection="keys",
    # POST /keys name: minLength 1, no maximum. `workspace/name` in previous_names names a key of
    # another workspace, so a key name cannot hold the slash itself.
    name_rule=NameRule(
        "key name", None, forbidden="/", why="previous_names uses workspace/name", reserved=RESERVED_MARKERS
    ),
    renamable=True,
    protectable=True,
    dependents=("guardrail_assignment",),
    # Expired keys are hidden unless asked for: a managed key that expired must not look missing.
    reads=WorkspaceList("/keys", "API keys", params=(("include_disabled", "true"), ("include_expired", "true"))),
    from_api=from_api,
    id_field="hash",
    writes="/keys",
    mints_into=secret_sink,
)


def create_body(spec: ApiKey, name: str, workspace_id: str) -> dict[str, Any]:
    return {"name": name, **write_plain(spec, creating=True), "workspace_id": workspace_id}


def patch_body(spec: ApiKey, name: str | None = None) -> dict[str, Any]:
    body = write_plain(spec, creating=False)
    if name is not None:
        body["name"] = name
    return body
