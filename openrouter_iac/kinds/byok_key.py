"""BYOK provider credentials of a workspace. The credential is write-only (sent on create and
when the rotation marker changes)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from openrouter_iac.kinds import api_key
from openrouter_iac.kinds.base import ReadContext, ResourceKind, WorkspaceList, WriteContext, spec_of
from openrouter_iac.model.names import NameRule
from openrouter_iac.model.resources import ByokKey
from openrouter_iac.model.trusted import read
from openrouter_iac.model.wire import write_plain

# Wire: plain fields (`declared_region` only when the plan changes it: for openai and fireworks the
# API takes it from the key); `allowed_keys` are key names on this side, hashes on the wire; the
# credential is write-only and the name carries the rotation marker (the writer's part).


def from_api(raw: dict[str, Any], ctx: ReadContext) -> ByokKey:
    hashes = raw.get("allowed_api_key_hashes")
    allowed = [ctx.ref(api_key.KIND, h) for h in hashes] if hashes else None
    return read(ByokKey, raw, {"allowed_keys": allowed})


def write_body(context: WriteContext) -> dict[str, Any]:
    """The live name carries the rotation marker; the credential goes on create and rotation only."""
    from openrouter_iac.model.snapshot import name_with_rotation  # only apply needs it (start-up)

    spec = context.spec(ByokKey)
    hashes = context.key_hashes(spec.allowed_keys)
    credential = context.secret(spec.key) if context.sends_secrets else None
    live_name = name_with_rotation(context.name, spec.rotation)
    return body(spec, live_name, hashes, credential, context.changed, creating=context.creating)


def explain_refusal(context: WriteContext, status: int | None, message: str) -> str | None:
    """The API refuses a region the credential cannot have (400 on create, 409 on change): say why."""
    if "declared_region" not in context.changed or status not in (400, 409) or "declared_region" not in message:
        return None
    spec = context.spec(ByokKey)
    return (
        f"declared_region '{spec.declared_region}' must suit the {spec.provider} credential: for openai "
        "and fireworks it is the region of the key material (leave it out to take it from the key); "
        "among other providers only azure accepts europe or us"
    )


def secret_refs(spec: BaseModel) -> list[tuple[str, object]]:
    return [("key", spec_of(spec, ByokKey).key)]


KIND = ResourceKind(
    name="byok_key",
    spec=ByokKey,
    layer=3,
    phase="attached",  # after keys: a credential names the keys that may use it
    delete_phase="delete_attached",
    singular="BYOK credential",
    plural="BYOK credentials",
    collection="byok",
    name_rule=NameRule("BYOK credential name", 255),  # CreateBYOKKeyRequest.name: at most 255
    renamable=True,
    protectable=True,
    secret_field="key",
    reads=WorkspaceList("/byok", "BYOK credentials"),
    from_api=from_api,
    writes="/byok",
    body=write_body,
    secret_refs=secret_refs,
    explain_refusal=explain_refusal,
)


def body(
    spec: ByokKey,
    name: str,
    key_hashes: list[str] | None,
    credential: str | None,
    changed: Collection[str] = (),
    *,
    creating: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        **write_plain(spec, creating=creating, changed=changed),
        "allowed_api_key_hashes": key_hashes,
    }
    if credential is not None:
        out["key"] = credential
    return out
