"""Bring-your-own-key provider credentials: ``/byok`` and ``/byok/{id}``."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.env import mask_secret, sha256_hex
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.state import Record

_IMMUTABLE = "cannot be changed after creation; delete the credential and create a new one"
REGIONS = ("global", "europe", "us")
# [newer] "For OpenAI and Fireworks the region comes from the key material (a {"api_key": ...,
# "region": ...} key), so the value must match the key's region. Among other providers, only Azure
# accepts europe or us."
_REGION_FROM_KEY = frozenset({"openai", "fireworks"})
_REGIONAL = frozenset({"azure"})


def _fields() -> dict[str, v.Field]:
    return {
        "key": v.string(min_len=1),
        "name": v.string(nullable=True, max_len=255),
        "disabled": v.boolean(),
        "is_fallback": v.boolean(),
        "allowed_models": v.array(v.string(min_len=1), nullable=True, max_items=100),
        "allowed_user_ids": v.array(v.string(min_len=1), nullable=True, max_items=100),
        "allowed_api_key_hashes": v.array(
            v.string(pattern=v.HASH_PATTERN, pattern_hint="a 64-character lower-case hex key hash"),
            nullable=True,
            min_items=1,
            max_items=100,
        ),
        # [newer] "Omit to leave the stored value unchanged"; declared_* take null (undeclared).
        "is_required": v.boolean(),
        "is_byok_only": v.boolean(),
        "declared_zdr": v.boolean(nullable=True),
        "declared_region": v.enum(*REGIONS, None),
    }


@cache
def _create_schema(providers: tuple[str, ...]) -> v.Field:
    fields = _fields()
    fields["key"] = v.string(required=True, min_len=1)
    fields["provider"] = v.enum(*providers, required=True)
    fields["workspace_id"] = v.uuid_field()
    return v.obj(fields)


UPDATE = v.obj(
    _fields(),
    forbidden={"provider": _IMMUTABLE, "workspace_id": _IMMUTABLE, "id": "is read-only", "label": "is read-only"},
)


def _check(ctx: Ctx, body: dict[str, Any]) -> None:
    hashes = body.get("allowed_api_key_hashes")
    if hashes:
        missing = [h for h in hashes if h not in ctx.state.keys]
        if missing:
            raise ApiError(
                400,
                f"allowed_api_key_hashes: no live API key has hash(es) {', '.join(missing)}",
                metadata={"field": "allowed_api_key_hashes", "unknown": missing},
            )
        body["allowed_api_key_hashes"] = list(dict.fromkeys(hashes))
    users = body.get("allowed_user_ids")
    if users:
        unknown = [u for u in users if u not in ctx.state.members]
        if unknown:
            raise ApiError(
                400,
                f"allowed_user_ids: not members of this organization: {', '.join(unknown)}",
                metadata={"field": "allowed_user_ids", "unknown": unknown},
            )
    models = body.get("allowed_models")
    if models:
        unknown = [m for m in models if ctx.catalogue.canonical_slug(m) is None]
        if unknown:
            raise ApiError(
                400,
                f"allowed_models: unknown model slug(s): {', '.join(unknown)}",
                metadata={"field": "allowed_models", "unknown": unknown},
            )


def key_region(provider: str, secret: str) -> str | None:
    """The region a key carries in its material (OpenAI and Fireworks: `{"api_key", "region"}`)."""
    if provider not in _REGION_FROM_KEY:
        return None
    try:
        material = json.loads(secret)
    except ValueError:
        return None
    region = material.get("region") if isinstance(material, dict) else None
    return region if region in REGIONS else None


def _check_flags(record: Record, status: int) -> None:
    """The rules between the flags, on the credential as it would be stored."""
    if record["is_byok_only"] and record["is_fallback"]:
        raise ApiError(
            400,
            "is_byok_only is only valid on non-fallback credentials; is_fallback cannot be combined with it",
            metadata={"field": "is_byok_only"},
        )
    region = record["declared_region"]
    provider = record["provider"]
    if region in (None, "global"):
        return
    if provider in _REGION_FROM_KEY:
        from_key = record.get("key_region")
        if region != from_key:
            raise ApiError(
                status,
                f"declared_region {region!r} does not match the region of the {provider} key "
                f"({from_key or 'none'}); for {provider} the region comes from the key material",
                metadata={"field": "declared_region"},
            )
    elif provider not in _REGIONAL:
        raise ApiError(
            status,
            f"declared_region {region!r} is not available for {provider}: among providers whose region is not "
            "in the key, only azure accepts europe or us",
            metadata={"field": "declared_region"},
        )


def _store_secret(record: Record, secret: str) -> None:
    # Write-only upstream: keep a fingerprint (so a rotation is observable in the state file) and
    # the masked label, never the key itself.
    record["key_sha256"] = sha256_hex(secret)
    record["label"] = mask_secret(secret, head=3)
    record["key_region"] = key_region(record["provider"], secret)


_NEWER_DEFAULTS = {"is_required": False, "is_byok_only": False, "declared_zdr": None, "declared_region": None}
_PRIVATE = frozenset({"key_sha256", "key_region"})


def render(record: Record) -> Record:
    # Records saved by an older emulator lack the newer fields: they read as their defaults.
    return {**_NEWER_DEFAULTS, **{k: val for k, val in record.items() if k not in _PRIVATE}}


def _credential(ctx: Ctx) -> Record:
    record = ctx.state.byok.get(ctx.params["id"].lower())
    if record is None:
        raise not_found("BYOK credential")
    return record


def list_byok(ctx: Ctx) -> Reply:
    workspace_id = ctx.target_workspace_id(ctx.query.uuid("workspace_id"))
    provider = ctx.query.choice("provider", ctx.catalogue.byok_providers)
    # A global credential (workspace_id null, "usable by all workspaces") is listed in every
    # workspace's list (an emulator choice: the notes do not say where it is listed).
    items = [
        render(r)
        for r in ctx.state.byok.values()
        if r["workspace_id"] in (workspace_id, None) and (provider is None or r["provider"] == provider)
    ]
    items.sort(key=lambda r: (r["provider"], r["sort_order"]))
    return Reply(200, paged_list(items, ctx.query))


def create_byok(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), _create_schema(ctx.catalogue.byok_providers))
    workspace_id = ctx.target_workspace_id(body.pop("workspace_id", None))
    _check(ctx, body)
    siblings = [
        r["sort_order"]
        for r in ctx.state.byok.values()
        if r["workspace_id"] == workspace_id and r["provider"] == body["provider"]
    ]
    record: Record = {
        "id": ctx.env.new_uuid(),
        "provider": body["provider"],
        "workspace_id": workspace_id,
        "name": body.get("name"),
        "disabled": body.get("disabled", False),
        "is_fallback": body.get("is_fallback", False),
        "allowed_models": body.get("allowed_models"),
        "allowed_api_key_hashes": body.get("allowed_api_key_hashes"),
        "allowed_user_ids": body.get("allowed_user_ids"),
        "is_required": body.get("is_required", False),
        "is_byok_only": body.get("is_byok_only", False),
        "declared_zdr": body.get("declared_zdr"),
        "sort_order": max(siblings, default=-1) + 1,
        "created_at": ctx.env.now_iso(),
    }
    _store_secret(record, body["key"])
    # "Defaults to the key's region for OpenAI and Fireworks, otherwise null."
    record["declared_region"] = body["declared_region"] if "declared_region" in body else record["key_region"]
    _check_flags(record, 400)
    ctx.state.byok[record["id"]] = record
    return Reply(201, {"data": render(record)})


def get_byok(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(_credential(ctx))})


def update_byok(ctx: Ctx) -> Reply:
    record = _credential(ctx)
    body = v.validate(ctx.json_body(), UPDATE)
    _check(ctx, body)
    proposed = {**_NEWER_DEFAULTS, **record}
    secret = body.pop("key", None)
    if secret is not None:
        _store_secret(proposed, secret)  # rotates in place; the label is regenerated
        if "declared_region" not in body and proposed["provider"] in _REGION_FROM_KEY:
            proposed["declared_region"] = proposed["key_region"]  # "re-derives it from the new key"
    proposed.update(body)
    _check_flags(proposed, 409)  # [newer] PATCH gains 409 (a region that conflicts with the key)
    record.clear()
    record.update(proposed)
    return Reply(200, {"data": render(record)})


def delete_byok(ctx: Ctx) -> Reply:
    record = _credential(ctx)
    # Soft delete upstream (key material wiped); to the API it is simply gone.
    del ctx.state.byok[record["id"]]
    return Reply(200, {"deleted": True})


def register(router: Router) -> None:
    router.add("GET", "/byok", list_byok)
    router.add("POST", "/byok", create_byok)
    router.add("GET", "/byok/{id}", get_byok)
    router.add("PATCH", "/byok/{id}", update_byok)
    router.add("DELETE", "/byok/{id}", delete_byok)
