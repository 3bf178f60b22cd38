"""API keys: ``/keys``, ``/keys/{hash}`` and ``/key`` (the calling key)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.auth import Access
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.env import mask_key_label, sha256_hex
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.state import Record

KEYS_PAGE_SIZE = 100  # GET /keys has no ``limit``; upstream pages by 100

_USAGE_FIELDS = (
    "usage",
    "usage_daily",
    "usage_weekly",
    "usage_monthly",
    "byok_usage",
    "byok_usage_daily",
    "byok_usage_weekly",
    "byok_usage_monthly",
)
_IMMUTABLE = "cannot be changed after creation; create a new key instead"
_RESET = v.enum("daily", "weekly", "monthly", None)
# [newer] "Must include seconds (YYYY-MM-DDTHH:MM:SSZ; fractional seconds allowed); minute-precision
# timestamps are rejected."
_WITH_SECONDS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$"
# [newer] A partner-defined identity, create-only: `user` is returned as `external_user`; `api_key`
# is stored as a SHA-256 hash and never returned.
_EXTERNAL = v.obj(
    {
        "user": v.string(required=True, min_len=1, max_len=512),
        "api_key": v.string(min_len=32, max_len=512),
    }
)

CREATE = v.obj(
    {
        "name": v.string(required=True, min_len=1),
        "limit": v.number(nullable=True, minimum=0),
        "limit_reset": _RESET,
        "include_byok_in_limit": v.boolean(),
        "expires_at": v.datetime_field(nullable=True),
        "workspace_id": v.uuid_field(),
        "creator_user_id": v.string(nullable=True, min_len=1),
        "external": _EXTERNAL,
    }
)
UPDATE = v.obj(
    {
        "name": v.string(min_len=1),
        "disabled": v.boolean(),
        "limit": v.number(nullable=True, minimum=0),
        "limit_reset": _RESET,
        "include_byok_in_limit": v.boolean(),
    },
    forbidden={
        "workspace_id": _IMMUTABLE,
        "expires_at": _IMMUTABLE,
        "creator_user_id": _IMMUTABLE,
        "external": _IMMUTABLE,
        "hash": "is read-only",
        "label": "is read-only",
    },
)


def render(key: Record) -> Record:
    """The ApiKey shape: stored fields plus the computed ``limit_remaining``."""
    out = {k: v for k, v in key.items() if k != "external_api_key_hash"}
    # [newer] Required in every ApiKey; records saved by an older emulator lack them.
    out.setdefault("external_user", None)
    out.setdefault("last_used_at", None)
    limit = key["limit"]
    out["limit_remaining"] = None if limit is None else max(0.0, float(limit) - float(key["usage"]))
    return out


def list_keys(ctx: Ctx) -> Reply:
    workspace_id = ctx.target_workspace_id(ctx.query.uuid("workspace_id"))
    include_disabled = ctx.query.flag("include_disabled") or False
    include_expired = ctx.query.flag("include_expired") or False  # [newer] expired keys are hidden
    offset = ctx.query.offset()
    now = ctx.env.now()
    # Newest first, as upstream ("the most recent 100"), so offset paging can skip or repeat
    # keys when someone creates one mid-scan, exactly like the real thing.
    selected = [
        k
        for k in reversed(ctx.state.keys.values())
        if k["workspace_id"] == workspace_id
        and (include_disabled or not k["disabled"])
        and (include_expired or not is_expired(k, now))
    ]
    return Reply(200, {"data": [render(k) for k in selected[offset : offset + KEYS_PAGE_SIZE]]})


def create_key(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), CREATE)
    workspace_id = ctx.target_workspace_id(body.get("workspace_id"))
    creator = body.get("creator_user_id")
    if creator is not None and creator not in ctx.state.members:
        raise ApiError(
            400,
            f"creator_user_id {creator} is not a member of this organization",
            metadata={"field": "creator_user_id"},
        )
    expires_at = body.get("expires_at")
    if expires_at is not None:
        raw = ctx.json_body().get("expires_at")
        if not re.fullmatch(_WITH_SECONDS, str(raw).strip()):
            raise ApiError(
                400,
                f"expires_at must include seconds (YYYY-MM-DDTHH:MM:SSZ); got {raw!r}",
                metadata={"field": "expires_at"},
            )
        if _parse(expires_at) <= ctx.env.now():
            raise ApiError(400, "expires_at must be in the future", metadata={"field": "expires_at"})
    external = body.get("external") or {}
    external_user = external["user"].strip() if external else None
    if external and not external_user:
        raise ApiError(400, "external.user must not be blank", metadata={"field": "external.user"})
    secret = ctx.env.new_inference_secret()
    now = ctx.env.now_iso()
    key: Record = {
        "hash": sha256_hex(secret),
        "name": body["name"],
        "label": mask_key_label(secret),
        "disabled": False,
        "limit": body.get("limit"),
        "limit_reset": body.get("limit_reset"),
        "include_byok_in_limit": body.get("include_byok_in_limit", False),
        **dict.fromkeys(_USAGE_FIELDS, 0.0),
        "created_at": now,
        "updated_at": None,
        "creator_user_id": creator if creator is not None else ctx.acting_user_id,
        "workspace_id": workspace_id,
        "expires_at": expires_at,
        "external_user": external_user,
        "last_used_at": None,  # no usage recorded: the emulator serves no inference
    }
    if external.get("api_key"):
        key["external_api_key_hash"] = sha256_hex(external["api_key"])
    ctx.state.keys[key["hash"]] = key
    # ``key`` is returned here and never again (the emulator does not even store it).
    return Reply(201, {"data": render(key), "key": secret})


def _key(ctx: Ctx) -> Record:
    key = ctx.state.keys.get(ctx.params["hash"])
    if key is None:
        raise not_found("API key")
    return key


def get_key(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(_key(ctx))})


def update_key(ctx: Ctx) -> Reply:
    key = _key(ctx)
    body = v.validate(ctx.json_body(), UPDATE)
    key.update(body)
    key["updated_at"] = ctx.env.now_iso()
    return Reply(200, {"data": render(key)})


def delete_key(ctx: Ctx) -> Reply:
    key = _key(ctx)
    del ctx.state.keys[key["hash"]]
    ctx.state.key_assignments.pop(key["hash"], None)
    return Reply(200, {"deleted": True})


def current_key(ctx: Ctx) -> Reply:
    principal = ctx.caller
    if principal.is_management:
        record = principal.record
        data: dict[str, Any] = {
            "label": mask_key_label(record["secret"]),
            "limit": None,
            "limit_remaining": None,
            "limit_reset": None,
            "include_byok_in_limit": False,
            **dict.fromkeys(_USAGE_FIELDS, 0.0),
            "creator_user_id": record["creator_user_id"],
            "expires_at": None,
            "is_free_tier": False,
            "is_management_key": True,
            "is_provisioning_key": True,
        }
    else:
        key = render(principal.record)
        data = {name: key[name] for name in ("label", "limit", "limit_remaining", "limit_reset")}
        data.update({name: key[name] for name in _USAGE_FIELDS})
        data.update(
            {
                "include_byok_in_limit": key["include_byok_in_limit"],
                "creator_user_id": key["creator_user_id"],
                "expires_at": key["expires_at"],
                "is_free_tier": False,
                "is_management_key": False,
                "is_provisioning_key": False,
            }
        )
    # [newer] required in GET /key (types not published: the values here are *inferred*): the
    # organization, the key's workspace (none for an account-wide management key), the ingress
    # regions its guardrails allow (unrestricted here) and the free-model allowance (not emulated).
    data["organization_id"] = ctx.state.organization["id"]
    data["workspace_id"] = None if principal.is_management else principal.record["workspace_id"]
    data["allowed_data_regions"] = None
    data["free_model_daily_requests"] = None
    data["rate_limit"] = {"requests": -1, "interval": "10s", "note": "This field is deprecated and safe to ignore."}
    return Reply(200, {"data": data})


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def is_expired(key: Record, now: datetime) -> bool:
    expires_at = key.get("expires_at")
    return bool(expires_at) and _parse(str(expires_at)) <= now


def register(router: Router) -> None:
    router.add("GET", "/keys", list_keys)
    router.add("POST", "/keys", create_key)
    router.add("GET", "/keys/{hash}", get_key)
    router.add("PATCH", "/keys/{hash}", update_key)
    router.add("DELETE", "/keys/{hash}", delete_key)
    router.add("GET", "/key", current_key, Access.ANY_KEY)
