"""Organization members and settings, and account credits."""

from __future__ import annotations

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.router import Reply, Router

SETTINGS = v.obj({"is_filtered_model_catalog_enabled": v.boolean(required=True)})


def list_members(ctx: Ctx) -> Reply:
    return Reply(200, paged_list(list(ctx.state.members.values()), ctx.query))


def _settings(ctx: Ctx) -> dict[str, object]:
    org = ctx.state.organization
    return {"id": org["id"], "is_filtered_model_catalog_enabled": org["is_filtered_model_catalog_enabled"]}


def get_settings(ctx: Ctx) -> Reply:
    return Reply(200, {"data": _settings(ctx)})


def update_settings(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), SETTINGS)
    ctx.state.organization["is_filtered_model_catalog_enabled"] = body["is_filtered_model_catalog_enabled"]
    return Reply(200, {"data": _settings(ctx)})


def get_credits(ctx: Ctx) -> Reply:
    credits = ctx.state.credits
    return Reply(
        200, {"data": {"total_credits": float(credits["total_credits"]), "total_usage": float(credits["total_usage"])}}
    )


def register(router: Router) -> None:
    router.add("GET", "/organization/members", list_members)
    router.add("GET", "/organization/settings", get_settings)
    router.add("PATCH", "/organization/settings", update_settings)
    router.add("GET", "/credits", get_credits)
