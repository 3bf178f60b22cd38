"""Workspaces (path ``{id}`` = UUID or slug), their budgets and their members."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.errors import ApiError
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.routes.guardrails import delete_guardrail_record
from openrouter_iac.emulator.state import Record, new_workspace_record


def _fields(*, create: bool) -> dict[str, v.Field]:
    return {
        "name": v.string(required=create, min_len=1, max_len=100),
        "slug": v.string(required=create, min_len=1, max_len=50, pattern=v.SLUG_PATTERN, pattern_hint=v.SLUG_HINT),
        "description": v.string(nullable=True, max_len=500),
        "default_text_model": v.string(nullable=True),
        "default_image_model": v.string(nullable=True),
        "default_provider_sort": v.enum("price", "throughput", "latency", "exacto", None),
        "is_observability_io_logging_enabled": v.boolean(),
        "is_observability_broadcast_enabled": v.boolean(),
        "is_data_discount_logging_enabled": v.boolean(),
        "io_logging_sampling_rate": v.number(minimum=0.0001, maximum=1),
        "io_logging_api_key_ids": v.array(v.integer(), nullable=True),
        # [newer] "An empty array or null clears the list"; the response has null for none.
        "disabled_server_tools": v.array(v.enum(*SERVER_TOOLS), nullable=True),
    }


SERVER_TOOLS = (
    "openrouter:advisor",
    "openrouter:apply_patch",
    "openrouter:bash",
    "openrouter:datetime",
    "openrouter:fusion",
    "openrouter:image_generation",
    "openrouter:experimental__search_models",
    "openrouter:shell",
    "openrouter:subagent",
    "openrouter:tool_search",
    "openrouter:web_fetch",
    "openrouter:web_search",
)


def render(workspace: Record) -> Record:
    # Records saved by an older emulator lack the newer field: none disabled.
    return {"disabled_server_tools": None, **workspace}


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    if "disabled_server_tools" in body:
        tools = list(dict.fromkeys(body["disabled_server_tools"] or []))
        body = {**body, "disabled_server_tools": tools or None}
    return body


_READ_ONLY = {name: "is read-only" for name in ("id", "default_guardrail_id", "created_at", "updated_at", "created_by")}
CREATE = v.obj(_fields(create=True), forbidden=_READ_ONLY)
UPDATE = v.obj(
    _fields(create=False),
    forbidden={**_READ_ONLY, "include_byok_in_budgets": "is set through PUT /workspaces/{id}/budgets/{interval}"},
)


def _check(ctx: Ctx, body: dict[str, Any], workspace_id: str | None) -> None:
    slug = body.get("slug")
    if slug is not None:
        if _looks_like_uuid(slug):
            raise ApiError(400, "slug must not look like a UUID (paths accept either)", metadata={"field": "slug"})
        clash = next((w for w in ctx.state.workspaces.values() if w["slug"] == slug and w["id"] != workspace_id), None)
        if clash is not None:
            raise ApiError(400, f"A workspace with slug {slug!r} already exists", metadata={"field": "slug"})
    for name, modality in (("default_text_model", "text"), ("default_image_model", "image")):
        slug_value = body.get(name)
        if slug_value is None:
            continue
        model = ctx.catalogue.model_for_slug(slug_value)
        if model is None:
            raise ApiError(400, f"{name}: unknown model {slug_value!r}", metadata={"field": name})
        if modality not in model["architecture"]["output_modalities"]:
            raise ApiError(
                400, f"{name}: model {slug_value!r} does not produce {modality} output", metadata={"field": name}
            )


def _looks_like_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def list_workspaces(ctx: Ctx) -> Reply:
    return Reply(200, paged_list([render(w) for w in ctx.state.workspaces.values()], ctx.query))


def create_workspace(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), CREATE)
    _check(ctx, body, None)
    workspace_id = ctx.env.new_uuid()
    record = new_workspace_record(
        workspace_id, name=body["name"], slug=body["slug"], created_by=ctx.acting_user_id, now=ctx.env.now_iso()
    )
    record["disabled_server_tools"] = None
    record.update(_stored(body))
    ctx.state.workspaces[workspace_id] = record
    ctx.state.budgets[workspace_id] = {}
    # The creator becomes the workspace's first (admin) member, as in the dashboard.
    ctx.state.workspace_members[workspace_id] = {}
    _add_member(ctx, record, ctx.acting_user_id)
    return Reply(201, {"data": render(record)})


def get_workspace(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(ctx.workspace(ctx.params["id"]))})


def update_workspace(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    body = v.validate(ctx.json_body(), UPDATE)
    _check(ctx, body, workspace["id"])
    workspace.update(_stored(body))
    workspace["updated_at"] = ctx.env.now_iso()
    return Reply(200, {"data": render(workspace)})


def delete_workspace(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    # [newer] "Required to delete the default workspace ... Ignored for non-default workspaces."
    confirmed = ctx.query.flag("confirm_default_workspace_deletion") or False
    workspace_id = workspace["id"]
    is_default = workspace_id == ctx.state.default_workspace_id
    if is_default and not confirmed:
        raise ApiError(403, "Deleting the default workspace requires confirm_default_workspace_deletion=true")
    active = [k for k in ctx.state.keys.values() if k["workspace_id"] == workspace_id and not k["disabled"]]
    if is_default:
        # "Permanently disables the account's unscoped inference API keys (management keys are
        # retained)": they stay readable by hash, disabled; omitting workspace_id is a 400 from now on.
        for key in active:
            key["disabled"] = True
            key["updated_at"] = ctx.env.now_iso()
        active = []
    if active:
        raise ApiError(
            400,
            f"Workspace {workspace['slug']!r} still has {len(active)} active API key(s); "
            "disable or delete them before deleting the workspace",
            metadata={"active_key_count": len(active)},
        )
    state = ctx.state
    # Cascade: budgets, guardrails, members, credentials, destinations, presets, disabled keys.
    for guardrail_id in [g["id"] for g in state.guardrails.values() if g["workspace_id"] == workspace_id]:
        delete_guardrail_record(ctx, guardrail_id)
    for key_hash in [h for h, k in state.keys.items() if k["workspace_id"] == workspace_id and not is_default]:
        del state.keys[key_hash]
        state.key_assignments.pop(key_hash, None)
    for table in (state.byok, state.destinations):
        for item_id in [i for i, r in table.items() if r["workspace_id"] == workspace_id]:
            del table[item_id]
    for preset_id in [i for i, p in state.presets.items() if p["workspace_id"] == workspace_id]:
        del state.presets[preset_id]
        state.preset_versions.pop(preset_id, None)
    state.budgets.pop(workspace_id, None)
    state.workspace_members.pop(workspace_id, None)
    del state.workspaces[workspace_id]
    return Reply(200, {"deleted": True})


# -- budgets ------------------------------------------------------------------------------------

INTERVALS = ("daily", "weekly", "monthly", "lifetime")
# Strictly decreasing from lifetime down to daily, among the intervals that are set.
_ORDER = ("lifetime", "monthly", "weekly", "daily")
UPSERT_BUDGET = v.obj(
    {
        "limit_usd": v.number(required=True, minimum=0, exclusive_minimum=True),
        "include_byok_in_budgets": v.boolean(),
    }
)


def _interval(ctx: Ctx) -> str:
    interval = ctx.params["interval"]
    if interval not in INTERVALS:
        raise ApiError(
            400, f"interval must be one of {', '.join(INTERVALS)}; got {interval!r}", metadata={"field": "interval"}
        )
    return interval


def _render_budget(workspace: Record, interval: str, budget: Record) -> Record:
    return {
        "id": budget["id"],
        "workspace_id": workspace["id"],
        "limit_usd": budget["limit_usd"],
        "reset_interval": None if interval == "lifetime" else interval,
        "created_at": budget["created_at"],
        "updated_at": budget["updated_at"],
    }


def list_budgets(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    budgets = ctx.state.budgets.get(workspace["id"], {})
    data = [_render_budget(workspace, i, budgets[i]) for i in INTERVALS if i in budgets]
    return Reply(200, {"data": data, "include_byok_in_budgets": workspace["include_byok_in_budgets"]})


def get_budget(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    interval = _interval(ctx)
    budget = ctx.state.budgets.get(workspace["id"], {}).get(interval)
    if budget is None:
        raise ApiError(404, f"No {interval} budget is set for this workspace")
    data = _render_budget(workspace, interval, budget)
    return Reply(200, {"data": data, "include_byok_in_budgets": workspace["include_byok_in_budgets"]})


def put_budget(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    interval = _interval(ctx)
    body = v.validate(ctx.json_body(), UPSERT_BUDGET)
    budgets = ctx.state.budgets.setdefault(workspace["id"], {})
    proposed = {i: float(b["limit_usd"]) for i, b in budgets.items()}
    proposed[interval] = float(body["limit_usd"])
    _check_order(proposed)
    now = ctx.env.now_iso()
    budget = budgets.get(interval)
    if budget is None:
        budget = budgets[interval] = {"id": ctx.env.new_uuid(), "created_at": now}
    budget["limit_usd"] = body["limit_usd"]
    budget["updated_at"] = now
    if "include_byok_in_budgets" in body:
        # Workspace-wide: one flag for every interval.
        workspace["include_byok_in_budgets"] = body["include_byok_in_budgets"]
    data = _render_budget(workspace, interval, budget)
    return Reply(200, {"data": data, "include_byok_in_budgets": workspace["include_byok_in_budgets"]})


def _check_order(limits: dict[str, float]) -> None:
    present = [(i, limits[i]) for i in _ORDER if i in limits]
    for (wider, wide_limit), (narrower, narrow_limit) in itertools.pairwise(present):
        if not wide_limit > narrow_limit:
            raise ApiError(
                400,
                f"Budgets must strictly decrease from lifetime to monthly to weekly to daily: the {narrower} "
                f"budget ({narrow_limit:g} USD) must be lower than the {wider} budget ({wide_limit:g} USD)",
                metadata={"field": "limit_usd"},
            )


def delete_budget(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    interval = _interval(ctx)
    # Idempotent: deleting an unset budget is fine.
    ctx.state.budgets.get(workspace["id"], {}).pop(interval, None)
    return Reply(200, {"deleted": True})


# -- members ------------------------------------------------------------------------------------

USER_IDS = v.obj({"user_ids": v.array(v.string(min_len=1), required=True, min_items=1, max_items=100)})


def _implicit_members(ctx: Ctx, workspace: Record) -> list[Record]:
    """Every org member belongs to the default workspace implicitly."""
    return [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{workspace['id']}/{user_id}")),
            "workspace_id": workspace["id"],
            "user_id": user_id,
            "role": "admin" if member["role"] == "org:admin" else "member",
            "created_at": workspace["created_at"],
        }
        for user_id, member in ctx.state.members.items()
    ]


def _add_member(ctx: Ctx, workspace: Record, user_id: str) -> Record | None:
    members = ctx.state.workspace_members.setdefault(workspace["id"], {})
    if user_id in members:
        return None
    org_role = ctx.state.members[user_id]["role"]
    record = {
        "id": ctx.env.new_uuid(),
        "workspace_id": workspace["id"],
        "user_id": user_id,
        # The role copies the organization role; the API cannot set it.
        "role": "admin" if org_role == "org:admin" else "member",
        "created_at": ctx.env.now_iso(),
    }
    members[user_id] = record
    return record


def list_members(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    if workspace["id"] == ctx.state.default_workspace_id:
        items = _implicit_members(ctx, workspace)
    else:
        items = list(ctx.state.workspace_members.get(workspace["id"], {}).values())
    return Reply(200, paged_list(items, ctx.query))


def _member_ids(ctx: Ctx, workspace: Record) -> list[str]:
    if workspace["id"] == ctx.state.default_workspace_id:
        raise ApiError(400, "Every organization member belongs to the default workspace; its members cannot change")
    user_ids = list(dict.fromkeys(v.validate(ctx.json_body(), USER_IDS)["user_ids"]))
    unknown = [u for u in user_ids if u not in ctx.state.members]
    if unknown:
        raise ApiError(400, f"Not members of this organization: {', '.join(unknown)}", metadata={"unknown": unknown})
    return user_ids


def add_members(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    added = [m for m in (_add_member(ctx, workspace, u) for u in _member_ids(ctx, workspace)) if m]
    return Reply(200, {"added_count": len(added), "data": added})


def remove_members(ctx: Ctx) -> Reply:
    workspace = ctx.workspace(ctx.params["id"])
    user_ids = _member_ids(ctx, workspace)
    members = ctx.state.workspace_members.setdefault(workspace["id"], {})
    holding = sorted(
        {
            k["creator_user_id"]
            for k in ctx.state.keys.values()
            if k["workspace_id"] == workspace["id"] and not k["disabled"] and k["creator_user_id"] in user_ids
        }
    )
    if holding:
        raise ApiError(
            400,
            f"Members with active API keys in this workspace cannot be removed: {', '.join(holding)}",
            metadata={"user_ids": holding},
        )
    removed = sum(1 for u in user_ids if members.pop(u, None) is not None)
    return Reply(200, {"removed_count": removed})


def register(router: Router) -> None:
    router.add("GET", "/workspaces", list_workspaces)
    router.add("POST", "/workspaces", create_workspace)
    router.add("GET", "/workspaces/{id}", get_workspace)
    router.add("PATCH", "/workspaces/{id}", update_workspace)
    router.add("DELETE", "/workspaces/{id}", delete_workspace)
    router.add("GET", "/workspaces/{id}/budgets", list_budgets)
    router.add("GET", "/workspaces/{id}/budgets/{interval}", get_budget)
    router.add("PUT", "/workspaces/{id}/budgets/{interval}", put_budget)
    router.add("DELETE", "/workspaces/{id}/budgets/{interval}", delete_budget)
    router.add("GET", "/workspaces/{id}/members", list_members)
    router.add("POST", "/workspaces/{id}/members/add", add_members)
    router.add("POST", "/workspaces/{id}/members/remove", remove_members)
