"""Observability (broadcast) destinations of a workspace. Secret config values are write-only."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from openrouter_iac.kinds import api_key
from openrouter_iac.kinds.base import ReadContext, ResourceKind, WorkspaceList, WriteContext, spec_of
from openrouter_iac.model.destination_config import HEADERS, is_reference, is_write_only
from openrouter_iac.model.enums import OBSERVABILITY_SECRET_CONFIG_KEYS
from openrouter_iac.model.names import NameRule
from openrouter_iac.model.resources import ObservabilityDestination
from openrouter_iac.model.trusted import read
from openrouter_iac.model.wire import write_plain

# Wire: plain fields (`regions` never null: it cannot be cleared); `api_keys`
# are key names here, hashes on the wire; `config` holds masked and write-only values (the
# writer resolves references and sends secrets on create and rotation only).


def from_api(raw: dict[str, Any], ctx: ReadContext) -> ObservabilityDestination:
    hashes = raw.get("api_key_hashes")
    return read(
        ObservabilityDestination,
        raw,
        {
            "config": public_config(raw["type"], raw.get("config") or {}),
            "api_keys": [ctx.ref(api_key.KIND, h) for h in hashes] if hashes else None,
        },
    )


def write_body(context: WriteContext) -> dict[str, Any]:
    """The live name carries the rotation marker; write-only config goes on create and rotation."""
    from openrouter_iac.model.snapshot import name_with_rotation  # only apply needs it (start-up)

    spec = context.spec(ObservabilityDestination)
    config = write_config(spec, context)
    hashes = context.key_hashes(spec.api_keys)
    live_name = name_with_rotation(context.name, spec.rotation)
    out = body(spec, live_name, config, hashes, context.changed, creating=context.creating)
    if context.creating:
        out.setdefault("regions", ["global"])  # the API's default, sent explicitly
    return out


def write_config(spec: ObservabilityDestination, context: WriteContext) -> dict[str, Any]:
    """The config as sent: references resolved, write-only values only when secrets go."""
    config: dict[str, Any] = {}
    for key, value in spec.config.items():
        if key == HEADERS and isinstance(value, dict):
            if context.sends_secrets:  # header values are write-only upstream: never sent as plain text
                config[key] = {name: context.secret(str(v)) if is_reference(v) else v for name, v in value.items()}
        elif is_write_only(spec.type, key):
            if context.sends_secrets:  # write-only upstream: sent on create and rotation only
                resolve = is_reference(value) or key in OBSERVABILITY_SECRET_CONFIG_KEYS
                config[key] = context.secret(str(value)) if resolve else value
        else:
            config[key] = value
    return config


def secret_refs(spec: BaseModel) -> list[tuple[str, object]]:
    """The secret config values, and the references among the header values."""
    config = spec_of(spec, ObservabilityDestination).config
    refs: list[tuple[str, object]] = [
        (f"config.{k}", v) for k, v in sorted(config.items()) if k in OBSERVABILITY_SECRET_CONFIG_KEYS
    ]
    headers = config.get(HEADERS)
    if isinstance(headers, dict):  # references inside headers are resolved before sending
        refs.extend((f"config.headers.{h}", v) for h, v in sorted(headers.items()) if is_reference(v))
    return refs


KIND = ResourceKind(
    name="observability_destination",
    spec=ObservabilityDestination,
    layer=3,
    phase="attached",  # after keys: a destination names the keys it traces
    delete_phase="delete_attached",
    singular="observability destination",
    plural="observability destinations",
    collection="observability",
    name_rule=NameRule("observability destination name", 255),
    renamable=True,
    protectable=True,
    secret_field="secret config",
    reads=WorkspaceList("/observability/destinations", "observability destinations"),
    from_api=from_api,
    writes="/observability/destinations",
    body=write_body,
    secret_refs=secret_refs,
)


def public_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The config as read, secrets left out. Other masked values stay (export shows them, marked);
    the planner compares only `comparable_config` of it."""
    return {k: v for k, v in config.items() if k not in OBSERVABILITY_SECRET_CONFIG_KEYS}


def body(
    spec: ObservabilityDestination,
    name: str,
    config: dict[str, Any],
    key_hashes: list[str] | None,
    changed: Collection[str] = (),
    *,
    creating: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "config": config,
        **write_plain(spec, creating=creating, changed=changed),
        "api_key_hashes": key_hashes,
    }
