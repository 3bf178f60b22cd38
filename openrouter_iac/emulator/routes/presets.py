"""Presets: read endpoints, the create-from-request endpoints that append versions, and
archive (DELETE) and restore.

A preset belongs to a workspace, and its identity is workspace + slug. Every call acts in one
workspace ([newer] `workspace_id`, a query parameter, or a JSON body field for archive and restore):
an inference key in its own workspace (another one is a 403), a management key in the one given,
else in the account's default workspace. Archived presets are hidden from get and list but keep
their slug: creating on it is a 409 until it is restored. A disabled preset (not settable through
the API; seed it) answers 409 to archive and restore.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openrouter_iac.emulator import validation as v
from openrouter_iac.emulator.auth import Access
from openrouter_iac.emulator.context import Ctx
from openrouter_iac.emulator.errors import ApiError, not_found
from openrouter_iac.emulator.query import paged_list
from openrouter_iac.emulator.router import Reply, Router
from openrouter_iac.emulator.state import Record

_NULLABLE_NUMBER = v.number(nullable=True)
_COMMON: dict[str, v.Field] = {
    "model": v.string(min_len=1),
    "models": v.array(v.string(min_len=1), nullable=True),
    "temperature": v.number(nullable=True, minimum=0, maximum=2),
    "top_p": v.number(nullable=True, minimum=0, maximum=1),
    "top_k": v.integer(nullable=True, minimum=0),
    "frequency_penalty": v.number(nullable=True, minimum=-2, maximum=2),
    "presence_penalty": v.number(nullable=True, minimum=-2, maximum=2),
    "provider": v.any_object(nullable=True),
    "reasoning": v.any_object(nullable=True),
    "tools": v.array(v.any_object(), nullable=True),
    "plugins": v.array(v.any_object(), nullable=True),
    "stream": v.boolean(nullable=True),
}
CHAT = v.obj(
    {
        **_COMMON,
        # ChatRequest.messages: minItems 1 (a preset without a system prompt still sends one message).
        "messages": v.array(v.obj({"role": v.string(required=True, min_len=1)}, open=True), required=True, min_items=1),
        "max_tokens": v.integer(nullable=True, minimum=1),
        "max_completion_tokens": v.integer(nullable=True, minimum=1),
        "repetition_penalty": v.number(nullable=True, minimum=0, maximum=2),
        "min_p": v.number(nullable=True, minimum=0, maximum=1),
        "top_a": v.number(nullable=True, minimum=0, maximum=1),
        "seed": v.integer(nullable=True),
    },
    open=True,
)
MESSAGES = v.obj(
    {
        **_COMMON,
        "model": v.string(required=True, min_len=1),
        "messages": v.array(v.any_object(), required=True),
        "max_tokens": v.integer(minimum=1),
    },
    open=True,
)
RESPONSES = v.obj(
    {
        **_COMMON,
        "instructions": v.string(nullable=True),
        "max_output_tokens": v.integer(nullable=True, minimum=1),
    },
    open=True,
)

# Fields of each request shape that overlap with a preset's config and therefore persist.
# Everything else (messages, input, prompt, stream, user, metadata, ...) is silently dropped.
_SHARED = (
    "model",
    "models",
    "temperature",
    "top_p",
    "top_k",
    "provider",
    "tools",
    "tool_choice",
    "plugins",
    "route",
    "service_tier",
)
CONFIG_FIELDS: dict[str, frozenset[str]] = {
    "chat": frozenset(
        (
            *_SHARED,
            "max_tokens",
            "max_completion_tokens",
            "frequency_penalty",
            "presence_penalty",
            "repetition_penalty",
            "min_p",
            "top_a",
            "seed",
            "stop",
            "reasoning",
            "reasoning_effort",
            "response_format",
            "parallel_tool_calls",
            "logit_bias",
            "logprobs",
            "top_logprobs",
            "modalities",
            "verbosity",
        )
    ),
    "messages": frozenset((*_SHARED, "max_tokens", "stop_sequences", "thinking", "output_config")),
    "responses": frozenset(
        (
            *_SHARED,
            "max_output_tokens",
            "frequency_penalty",
            "presence_penalty",
            "reasoning",
            "text",
            "parallel_tool_calls",
            "top_logprobs",
            "modalities",
            "max_tool_calls",
            "truncation",
        )
    ),
}


def _text_of(content: Any) -> str | None:
    """Text of a message content: a string, or the text parts of a content array."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [str(p["text"]) for p in content if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "\n".join(parts) if parts else None
    return None


def _system_prompt_chat(body: Record) -> str | None:
    texts = [_text_of(m.get("content")) for m in body["messages"] if m.get("role") in ("system", "developer")]
    found = [t for t in texts if t]
    return "\n\n".join(found) if found else None


def _system_prompt_messages(body: Record) -> str | None:
    return _text_of(body.get("system"))


def _system_prompt_responses(body: Record) -> str | None:
    value = body.get("instructions")
    return value if isinstance(value, str) and value else None


def _check_models(ctx: Ctx, body: Record) -> None:
    model = body.get("model")
    if model is not None and ctx.catalogue.model_for_slug(model) is None:
        raise ApiError(400, f"model: unknown model {model!r}", metadata={"field": "model"})
    unknown = [m for m in body.get("models") or [] if ctx.catalogue.model_for_slug(m) is None]
    if unknown:
        raise ApiError(400, f"models: unknown model(s) {', '.join(unknown)}", metadata={"field": "models"})


def _slug(ctx: Ctx) -> str:
    slug = ctx.params["slug"]
    if len(slug) > 100 or not re.fullmatch(v.SLUG_PATTERN, slug):
        raise ApiError(400, f"Invalid preset slug {slug!r}: use {v.SLUG_HINT}", metadata={"field": "slug"})
    return slug


def _acting_workspace(ctx: Ctx, from_body: bool = False) -> str:
    """The workspace this call acts in (see the module docstring)."""
    requested = ctx.query.text("workspace_id")
    if requested is None and from_body and ctx.raw_body.strip():
        body = ctx.json_body()
        if not isinstance(body, dict) or set(body) - {"workspace_id"}:
            raise ApiError(400, 'Invalid request body: expected {"workspace_id"?: string}')
        requested = v.check_field(body.get("workspace_id"), v.string(nullable=True, min_len=1), "workspace_id")
    workspace_id = None
    if requested is not None:
        found = ctx.find_workspace(requested)
        if found is None:
            raise ApiError(404, f"Workspace {requested} not found", metadata={"field": "workspace_id"})
        workspace_id = str(found["id"])
    own = ctx.caller.workspace_id
    if own is not None:  # an inference key: its own workspace only
        if workspace_id is not None and workspace_id != own:
            raise ApiError(403, "This API key belongs to another workspace", metadata={"field": "workspace_id"})
        return own
    return workspace_id or ctx.target_workspace_id(None)


def _in_workspace(ctx: Ctx, workspace_id: str, slug: str) -> Record | None:
    return next(
        (p for p in ctx.state.presets.values() if p["slug"] == slug and p["workspace_id"] == workspace_id), None
    )


def _visible(ctx: Ctx) -> list[Record]:
    workspace_id = _acting_workspace(ctx)
    return [p for p in ctx.state.presets.values() if p["workspace_id"] == workspace_id and p["status"] != "archived"]


def _find(ctx: Ctx, slug: str) -> Record:
    preset = _in_workspace(ctx, _acting_workspace(ctx), slug)
    if preset is None or preset["status"] == "archived":  # archived: hidden from get and list
        raise not_found("Preset")
    return preset


def _designated(ctx: Ctx, preset: Record) -> Record | None:
    versions = ctx.state.preset_versions.get(preset["id"], [])
    return next((ver for ver in versions if ver["id"] == preset["designated_version_id"]), None)


def _with_version(ctx: Ctx, preset: Record) -> Record:
    return {**preset, "designated_version": _designated(ctx, preset)}


def list_presets(ctx: Ctx) -> Reply:
    items = sorted(_visible(ctx), key=lambda p: p["updated_at"], reverse=True)
    return Reply(200, paged_list(items, ctx.query))


def get_preset(ctx: Ctx) -> Reply:
    return Reply(200, {"data": _with_version(ctx, _find(ctx, ctx.params["slug"]))})


def list_versions(ctx: Ctx) -> Reply:
    preset = _find(ctx, ctx.params["slug"])
    return Reply(200, paged_list(ctx.state.preset_versions.get(preset["id"], []), ctx.query))


def get_version(ctx: Ctx) -> Reply:
    preset = _find(ctx, ctx.params["slug"])
    raw = ctx.params["version"]
    if not raw.isdigit():
        raise ApiError(400, f"version must be a positive integer, got {raw!r}", metadata={"field": "version"})
    number = int(raw)
    found = next((ver for ver in ctx.state.preset_versions.get(preset["id"], []) if ver["version"] == number), None)
    if found is None:
        raise not_found("Preset version")
    return Reply(200, {"data": found})


def _creator(kind: str, schema: v.Field, system_prompt: Callable[[Record], str | None]) -> Callable[[Ctx], Reply]:
    def create_from_request(ctx: Ctx) -> Reply:
        slug = _slug(ctx)
        body = v.validate(ctx.json_body(), schema)
        _check_models(ctx, body)
        config = {name: value for name, value in body.items() if name in CONFIG_FIELDS[kind]}
        workspace_id = _acting_workspace(ctx)
        now = ctx.env.now_iso()
        preset = _in_workspace(ctx, workspace_id, slug)
        if preset is not None and preset["status"] != "active":
            hint = "; restore it with POST /presets/{slug}/restore" if preset["status"] == "archived" else ""
            raise ApiError(409, f"Preset {slug!r} is {preset['status']}{hint}", metadata={"status": preset["status"]})
        if preset is None:
            preset = {
                "id": ctx.env.new_uuid(),
                "slug": slug,
                "name": slug,
                "description": None,
                "status": "active",
                "status_updated_at": None,
                "designated_version_id": None,
                "workspace_id": workspace_id,
                "creator_user_id": ctx.acting_user_id,
                "created_at": now,
                "updated_at": now,
            }
            ctx.state.presets[preset["id"]] = preset
            ctx.state.preset_versions[preset["id"]] = []
        versions = ctx.state.preset_versions[preset["id"]]
        # Every call appends and designates a new version, even when nothing changed.
        version = {
            "id": ctx.env.new_uuid(),
            "preset_id": preset["id"],
            "version": len(versions) + 1,
            "system_prompt": system_prompt(body),
            "config": config,
            "creator_id": ctx.acting_user_id,
            "created_at": now,
            "updated_at": now,
        }
        versions.append(version)
        preset["designated_version_id"] = version["id"]
        preset["updated_at"] = now
        return Reply(200, {"data": _with_version(ctx, preset)})

    return create_from_request


def _for_status_change(ctx: Ctx) -> Record:
    slug = _slug(ctx)
    preset = _in_workspace(ctx, _acting_workspace(ctx, from_body=True), slug)
    if preset is None:
        raise not_found("Preset")
    if preset["status"] == "disabled":
        raise ApiError(409, f"Preset {slug!r} is disabled", metadata={"status": "disabled"})
    return preset


def _set_status(ctx: Ctx, preset: Record, status: str) -> None:
    if preset["status"] != status:
        preset["status"] = status
        preset["status_updated_at"] = ctx.env.now_iso()


def archive_preset(ctx: Ctx) -> Reply:
    """[newer] DELETE archives: hidden from get and list, versions kept, slug taken; idempotent."""
    _set_status(ctx, _for_status_change(ctx), "archived")
    return Reply(200, {"deleted": True})  # body *inferred* from the June 2026 SDK preview


def restore_preset(ctx: Ctx) -> Reply:
    """[newer] Re-activates an archived preset; no version is created. An active one comes back unchanged."""
    preset = _for_status_change(ctx)
    _set_status(ctx, preset, "active")
    return Reply(200, {"data": _with_version(ctx, preset)})


def register(router: Router) -> None:
    router.add("GET", "/presets", list_presets, Access.ANY_KEY)
    router.add("GET", "/presets/{slug}", get_preset, Access.ANY_KEY)
    router.add("GET", "/presets/{slug}/versions", list_versions, Access.ANY_KEY)
    router.add("GET", "/presets/{slug}/versions/{version}", get_version, Access.ANY_KEY)
    router.add("POST", "/presets/{slug}/chat/completions", _creator("chat", CHAT, _system_prompt_chat), Access.ANY_KEY)
    router.add(
        "POST", "/presets/{slug}/messages", _creator("messages", MESSAGES, _system_prompt_messages), Access.ANY_KEY
    )
    router.add(
        "POST", "/presets/{slug}/responses", _creator("responses", RESPONSES, _system_prompt_responses), Access.ANY_KEY
    )
    # "Requires a read-write management key; inference API keys are rejected."
    router.add("DELETE", "/presets/{slug}", archive_preset)
    router.add("POST", "/presets/{slug}/restore", restore_preset)
