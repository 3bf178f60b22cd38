"""Guardrails, their key and member assignments, and the workspace default guardrail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.regex_rules import find_problem
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.state import Record

BUILTIN_LABELS = {
    "email": "[EMAIL]",
    "phone": "[PHONE]",
    "ssn": "[SSN]",
    "credit-card": "[CREDIT_CARD]",
    "ip-address": "[IP_ADDRESS]",
    "person-name": "[PERSON_NAME]",
    "address": "[ADDRESS]",
    "regex-prompt-injection": "[PROMPT_INJECTION]",
    "secrets": "[SECRET]",
}
ZDR_FIELDS = (
    "enforce_zdr_anthropic",
    "enforce_zdr_openai",
    "enforce_zdr_google",
    "enforce_zdr_xai",
    "enforce_zdr_other",
)
_ACTION = v.enum("redact", "block", "flag", required=True)
_SLUG_LIST = v.array(v.string(min_len=1), nullable=True, min_items=1)


def _fields(*, create: bool) -> dict[str, v.Field]:
    fields: dict[str, v.Field] = {
        "name": v.string(required=create, min_len=1, max_len=200),
        "description": v.string(nullable=True, max_len=1000),
        "limit_usd": v.number(nullable=True, minimum=0),
        "reset_interval": v.enum("daily", "weekly", "monthly", None),
        "include_byok_in_budgets": v.boolean(),
        "allowed_models": _SLUG_LIST,
        "ignored_models": _SLUG_LIST,
        "allowed_providers": _SLUG_LIST,
        "ignored_providers": _SLUG_LIST,
        "enforce_zdr": v.boolean(nullable=True),
        **{name: v.boolean(nullable=True) for name in ZDR_FIELDS},
        "enable_free_model_publication": v.boolean(nullable=True),
        "enable_free_model_training": v.boolean(nullable=True),
        "enable_paid_model_training": v.boolean(nullable=True),
        "content_filters": v.array(
            v.obj(
                {
                    "pattern": v.string(required=True, min_len=1, max_len=100_000),
                    "action": _ACTION,
                    "label": v.string(nullable=True, max_len=100),
                }
            ),
            nullable=True,
        ),
        "content_filter_builtins": v.array(
            v.obj(
                {
                    "slug": v.enum(*BUILTIN_LABELS, required=True),
                    "action": _ACTION,
                    "scan_scope": v.enum("user_only", "all_messages"),
                    # Deprecated and ignored on input: the server sets the label from the slug.
                    "label": v.string(max_len=100),
                }
            ),
            nullable=True,
        ),
        "allowed_data_regions": v.array(v.enum("global", "europe", "us"), nullable=True, min_items=1),
        # [newer] (PY v1.3.92) type not published; boolean|null like the enforce_zdr_* fields.
        "enforce_first_party_harness_models": v.boolean(nullable=True),
    }
    if create:
        fields["workspace_id"] = v.uuid_field()
    return fields


CREATE = v.obj(_fields(create=True))
UPDATE = v.obj(
    _fields(create=False), forbidden={"workspace_id": "cannot be changed after creation", "id": "is read-only"}
)

# Every stored field with its value on a fresh guardrail.
_DEFAULTS: dict[str, Any] = {
    "description": None,
    "limit_usd": None,
    "reset_interval": None,
    "include_byok_in_budgets": False,
    "allowed_models": None,
    "ignored_models": None,
    "allowed_providers": None,
    "ignored_providers": None,
    **dict.fromkeys(ZDR_FIELDS),
    "enable_free_model_publication": None,
    "enable_free_model_training": None,
    "enable_paid_model_training": None,
    "content_filters": None,
    "content_filter_builtins": None,
    "allowed_data_regions": None,
    "enforce_first_party_harness_models": None,
}


def default_guardrail_name(workspace_id: str) -> str:
    return f"Workspace {workspace_id} Default"


def _normalise(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Apply the server rules shared by create and update; return the fields to store."""
    if ("limit_usd" in body) != ("reset_interval" in body):
        sent = "limit_usd" if "limit_usd" in body else "reset_interval"
        missing = "reset_interval" if sent == "limit_usd" else "limit_usd"
        raise ApiError(
            400,
            f"limit_usd and reset_interval must be sent together; got {sent} without {missing}",
            metadata={"field": missing},
        )
    out = dict(body)
    legacy = out.pop("enforce_zdr", None)
    if "enforce_zdr" in body and legacy is not None:
        for name in ZDR_FIELDS:
            out.setdefault(name, legacy)
    for name in ("allowed_models", "ignored_models"):
        if out.get(name) is not None:
            out[name] = _canonical_models(ctx, name, out[name])
    for name in ("allowed_providers", "ignored_providers"):
        if out.get(name) is not None:
            unknown = [p for p in out[name] if p not in ctx.catalogue.provider_slugs]
            if unknown:
                raise ApiError(
                    400,
                    f"{name}: unknown provider slug(s): {', '.join(unknown)} (see GET /providers)",
                    metadata={"field": name, "unknown": unknown},
                )
            out[name] = list(dict.fromkeys(out[name]))
    if out.get("content_filters") is not None:
        for index, entry in enumerate(out["content_filters"]):
            problem = find_problem(entry["pattern"])
            if problem:
                raise ApiError(
                    400,
                    f"content_filters[{index}].pattern is not an allowed regex: {problem}",
                    metadata={"error_type": "invalid_regex_pattern", "index": index, "reason": problem},
                )
            entry.setdefault("label", None)
    if out.get("content_filter_builtins") is not None:
        out["content_filter_builtins"] = _builtins(out["content_filter_builtins"])
    return out


def _canonical_models(ctx: Ctx, field: str, slugs: list[str]) -> list[str]:
    canonical: list[str] = []
    unknown: list[str] = []
    for slug in slugs:
        found = ctx.catalogue.canonical_slug(slug)
        if found is None:
            unknown.append(slug)
        else:
            canonical.append(found)
    if unknown:
        raise ApiError(
            400,
            f"{field}: unknown model slug(s): {', '.join(unknown)} (see GET /models?output_modalities=all)",
            metadata={"field": field, "unknown": unknown},
        )
    # Stored and returned as canonical slugs, de-duplicated in the order given.
    return list(dict.fromkeys(canonical))


def _builtins(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for index, entry in enumerate(entries):
        slug = entry["slug"]
        if slug in seen:
            raise ApiError(400, f"content_filter_builtins[{index}]: slug {slug!r} is listed twice")
        seen.add(slug)
        item = {"slug": slug, "action": entry["action"], "label": BUILTIN_LABELS[slug]}
        if slug == "regex-prompt-injection":
            item["scan_scope"] = entry.get("scan_scope", "all_messages")
        elif "scan_scope" in entry:
            raise ApiError(
                400,
                f"content_filter_builtins[{index}]: scan_scope applies only to regex-prompt-injection",
                metadata={"field": f"content_filter_builtins[{index}].scan_scope"},
            )
        out.append(item)
    return out


def render(guardrail: Record) -> Record:
    # Records saved by an older emulator lack the newer fields: they read as never set.
    return {**_DEFAULTS, **guardrail}


def default_owner(ctx: Ctx, guardrail_id: str) -> Record | None:
    """The workspace whose default guardrail has this id, if any."""
    return next((w for w in ctx.state.workspaces.values() if w["default_guardrail_id"] == guardrail_id), None)


def _guardrail(ctx: Ctx) -> Record:
    # An unconfigured workspace default guardrail answers 404 until its first PATCH.
    guardrail = ctx.state.guardrails.get(ctx.params["id"].lower())
    if guardrail is None:
        raise not_found("Guardrail")
    return guardrail


def list_guardrails(ctx: Ctx) -> Reply:
    workspace_id = ctx.target_workspace_id(ctx.query.uuid("workspace_id"))
    items = [render(g) for g in ctx.state.guardrails.values() if g["workspace_id"] == workspace_id]
    return Reply(200, paged_list(items, ctx.query))


def create_guardrail(ctx: Ctx) -> Reply:
    body = v.validate(ctx.json_body(), CREATE)
    workspace_id = ctx.target_workspace_id(body.pop("workspace_id", None))
    fields = _normalise(ctx, body)
    now = ctx.env.now_iso()
    guardrail: Record = {"id": ctx.env.new_uuid(), "name": fields.pop("name")}
    guardrail.update(_DEFAULTS)
    guardrail.update(fields)
    guardrail.update({"workspace_id": workspace_id, "created_at": now, "updated_at": None})
    ctx.state.guardrails[guardrail["id"]] = guardrail
    return Reply(201, {"data": render(guardrail)})


def get_guardrail(ctx: Ctx) -> Reply:
    return Reply(200, {"data": render(_guardrail(ctx))})


def update_guardrail(ctx: Ctx) -> Reply:
    guardrail_id = ctx.params["id"].lower()
    guardrail = ctx.state.guardrails.get(guardrail_id)
    owner = default_owner(ctx, guardrail_id)
    if guardrail is None and owner is None:
        raise not_found("Guardrail")
    body = v.validate(ctx.json_body(), UPDATE)
    if owner is not None and "name" in body and body["name"] != default_guardrail_name(owner["id"]):
        raise ApiError(400, "The default guardrail of a workspace cannot be renamed", metadata={"field": "name"})
    fields = _normalise(ctx, body)
    now = ctx.env.now_iso()
    if guardrail is None:
        assert owner is not None
        # First PATCH materialises the workspace default guardrail.
        guardrail = {"id": guardrail_id, "name": default_guardrail_name(owner["id"])}
        guardrail.update(_DEFAULTS)
        guardrail.update({"workspace_id": owner["id"], "created_at": now, "updated_at": None})
        ctx.state.guardrails[guardrail_id] = guardrail
    # Replace semantics: every field sent (arrays included) replaces the stored value; null clears.
    guardrail.update(fields)
    guardrail["updated_at"] = now
    return Reply(200, {"data": render(guardrail)})


def delete_guardrail(ctx: Ctx) -> Reply:
    guardrail = _guardrail(ctx)
    if default_owner(ctx, guardrail["id"]) is not None:
        raise ApiError(400, "The default guardrail of a workspace cannot be deleted")
    delete_guardrail_record(ctx, guardrail["id"])
    return Reply(200, {"deleted": True})


def delete_guardrail_record(ctx: Ctx, guardrail_id: str) -> None:
    ctx.state.guardrails.pop(guardrail_id, None)
    for table in (ctx.state.key_assignments, ctx.state.member_assignments):
        for holder in [h for h, a in table.items() if a["guardrail_id"] == guardrail_id]:
            del table[holder]


# -- assignments --------------------------------------------------------------------------------

KEY_HASHES = v.obj({"key_hashes": v.array(v.string(min_len=1), required=True, min_items=1)})
MEMBER_IDS = v.obj({"member_user_ids": v.array(v.string(min_len=1), required=True, min_items=1)})


def _assignable(ctx: Ctx) -> Record:
    guardrail = _guardrail(ctx)
    if default_owner(ctx, guardrail["id"]) is not None:
        raise ApiError(
            400,
            "A workspace default guardrail cannot be assigned; it already applies to all traffic in its workspace",
        )
    return guardrail


def render_key_assignment(ctx: Ctx, assignment: Record) -> Record:
    key = ctx.state.keys[assignment["key_hash"]]
    return {
        "id": assignment["id"],
        "key_hash": assignment["key_hash"],
        "key_name": key["name"],
        "key_label": key["label"],
        "guardrail_id": assignment["guardrail_id"],
        "assigned_by": assignment["assigned_by"],
        "created_at": assignment["created_at"],
    }


def render_member_assignment(ctx: Ctx, assignment: Record) -> Record:
    return {
        "id": assignment["id"],
        "user_id": assignment["user_id"],
        "organization_id": ctx.state.organization["id"],
        "guardrail_id": assignment["guardrail_id"],
        "assigned_by": assignment["assigned_by"],
        "created_at": assignment["created_at"],
    }


def _by_created(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda a: a["created_at"])


def list_key_assignments(ctx: Ctx) -> Reply:
    guardrail = _guardrail(ctx)
    items = [a for a in ctx.state.key_assignments.values() if a["guardrail_id"] == guardrail["id"]]
    return Reply(200, paged_list(_by_created(items), ctx.query, lambda a: render_key_assignment(ctx, a)))


def list_all_key_assignments(ctx: Ctx) -> Reply:
    items = _by_created(list(ctx.state.key_assignments.values()))
    return Reply(200, paged_list(items, ctx.query, lambda a: render_key_assignment(ctx, a)))


def assign_keys(ctx: Ctx) -> Reply:
    guardrail = _assignable(ctx)
    hashes = list(dict.fromkeys(v.validate(ctx.json_body(), KEY_HASHES)["key_hashes"]))
    unknown = [h for h in hashes if h not in ctx.state.keys]
    if unknown:
        raise ApiError(400, f"Unknown API key hash(es): {', '.join(unknown)}", metadata={"unknown": unknown})
    scope = guardrail["workspace_id"]
    if scope is not None:
        foreign = [h for h in hashes if ctx.state.keys[h]["workspace_id"] != scope]
        if foreign:
            raise ApiError(
                400,
                f"Guardrail {guardrail['id']} belongs to workspace {scope}; these keys are in another "
                f"workspace: {', '.join(foreign)}",
                metadata={"field": "key_hashes", "foreign": foreign},
            )
    return Reply(200, {"assigned_count": _assign(ctx, ctx.state.key_assignments, "key_hash", hashes, guardrail)})


def unassign_keys(ctx: Ctx) -> Reply:
    guardrail = _guardrail(ctx)
    hashes = set(v.validate(ctx.json_body(), KEY_HASHES)["key_hashes"])
    return Reply(200, {"unassigned_count": _unassign(ctx.state.key_assignments, hashes, guardrail)})


def list_member_assignments(ctx: Ctx) -> Reply:
    guardrail = _guardrail(ctx)
    items = [a for a in ctx.state.member_assignments.values() if a["guardrail_id"] == guardrail["id"]]
    return Reply(200, paged_list(_by_created(items), ctx.query, lambda a: render_member_assignment(ctx, a)))


def list_all_member_assignments(ctx: Ctx) -> Reply:
    items = _by_created(list(ctx.state.member_assignments.values()))
    return Reply(200, paged_list(items, ctx.query, lambda a: render_member_assignment(ctx, a)))


def assign_members(ctx: Ctx) -> Reply:
    guardrail = _assignable(ctx)
    user_ids = list(dict.fromkeys(v.validate(ctx.json_body(), MEMBER_IDS)["member_user_ids"]))
    unknown = [u for u in user_ids if u not in ctx.state.members]
    if unknown:
        raise ApiError(400, f"Not members of this organization: {', '.join(unknown)}", metadata={"unknown": unknown})
    assigned = _assign(ctx, ctx.state.member_assignments, "user_id", user_ids, guardrail)
    return Reply(200, {"assigned_count": assigned})


def unassign_members(ctx: Ctx) -> Reply:
    guardrail = _guardrail(ctx)
    user_ids = set(v.validate(ctx.json_body(), MEMBER_IDS)["member_user_ids"])
    return Reply(200, {"unassigned_count": _unassign(ctx.state.member_assignments, user_ids, guardrail)})


def _assign(
    ctx: Ctx, table: dict[str, dict[str, Any]], id_field: str, ids: Iterable[str], guardrail: dict[str, Any]
) -> int:
    """Assign each id to ``guardrail``. A key or member holds at most one guardrail: assigning moves it."""
    now = ctx.env.now_iso()
    assigned = 0
    for item_id in ids:
        current = table.get(item_id)
        if current is not None and current["guardrail_id"] == guardrail["id"]:
            continue
        table[item_id] = {
            "id": ctx.env.new_uuid(),
            id_field: item_id,
            "guardrail_id": guardrail["id"],
            "assigned_by": ctx.acting_user_id,
            "created_at": now,
        }
        assigned += 1
    return assigned


def _unassign(table: dict[str, dict[str, Any]], ids: Iterable[str], guardrail: dict[str, Any]) -> int:
    """Remove the assignments of ``ids`` to ``guardrail`` (others are left alone); returns how many."""
    removed = 0
    for item_id in ids:
        current = table.get(item_id)
        if current is not None and current["guardrail_id"] == guardrail["id"]:
            del table[item_id]
            removed += 1
    return removed


def register(router: Router) -> None:
    router.add("GET", "/guardrails", list_guardrails)
    router.add("POST", "/guardrails", create_guardrail)
    router.add("GET", "/guardrails/assignments/keys", list_all_key_assignments)
    router.add("GET", "/guardrails/assignments/members", list_all_member_assignments)
    router.add("GET", "/guardrails/{id}", get_guardrail)
    router.add("PATCH", "/guardrails/{id}", update_guardrail)
    router.add("DELETE", "/guardrails/{id}", delete_guardrail)
    router.add("GET", "/guardrails/{id}/assignments/keys", list_key_assignments)
    router.add("POST", "/guardrails/{id}/assignments/keys", assign_keys)
    router.add("POST", "/guardrails/{id}/assignments/keys/remove", unassign_keys)
    router.add("GET", "/guardrails/{id}/assignments/members", list_member_assignments)
    router.add("POST", "/guardrails/{id}/assignments/members", assign_members)
    router.add("POST", "/guardrails/{id}/assignments/members/remove", unassign_members)
