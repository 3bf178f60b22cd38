"""Bring-your-own-key provider credentials: ``/byok`` and ``/byok/{id}``."""

from __future__ import annotations

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


def _store_secret(record: Record, secret: str) -> None:
    # Write-only upstream: keep a fingerprint (so a rotation is observable in the state file) and
    # the masked label, never the key itself.
    record["key_sha256"] = sha256_hex(secret)
    record["label"] = mask_secret(secret, head=3)


def render(record: Record) -> Record:
    return {k: val for k, val in record.items() if k != "key_sha256"}


def _credential(ctx: Ctx) -> Record:
    record = ctx.state.byok.get(ctx.params["id"].lower())
    if record is None:
        raise not_found("BYOK credential")
    return record


def list_byok(ctx: Ctx) -> Reply:
    workspace_id = ctx.target_workspace_id(ctx.query.uuid("workspace_id"))
    provider = ctx.query.choice("provider", ctx.catalogue.byok_providers)
    items = [
        render(r)
        for r in ctx.state.byok.values()
        if r["workspace_id"] == workspace_id and (provider is None or r["provider"] == provider)
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
        "sort_order": max(siblings, default=-1) + 1,
        "created_at": ctx.env.now_iso(),
    }
    _store_secret(record, body["key"])
    ctx.state.byok[record["id"]] = record
    return Reply(201, {"data": render(record)})


def get_byok(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(_credential(ctx))})


def update_byok(ctx: Ctx) -> Reply:
    record = _credential(ctx)
    body = v.validate(ctx.json_body(), UPDATE)
    _check(ctx, body)
    secret = body.pop("key", None)
    if secret is not None:
        _store_secret(record, secret)  # rotates in place; the label is regenerated
    record.update(body)
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
