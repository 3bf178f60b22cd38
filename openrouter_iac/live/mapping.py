"""Translation between the API's JSON objects and orctl's spec models, both ways.

The reader uses the ``*_from_api`` functions (dropping server-computed fields such as usage,
labels and timestamps); the writer uses the ``*_body`` functions to build request bodies. Names
are resolved to ids by the caller: these functions are pure.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from openrouter_iac.model.enums import OBSERVABILITY_SECRET_CONFIG_KEYS, PROMPT_INJECTION_SLUG
from openrouter_iac.model.resources import (
    ApiKey,
    Budgets,
    ByokKey,
    ContentFilter,
    Guardrail,
    GuardrailBudget,
    GuardrailPolicy,
    ObservabilityDestination,
    Preset,
    PromptInjection,
    Workspace,
    ZeroDataRetention,
)

ZDR_GROUPS = ("anthropic", "openai", "google", "xai", "other")
WORKSPACE_FIELDS = (
    "name",
    "description",
    "default_text_model",
    "default_image_model",
    "default_provider_sort",
    "is_observability_io_logging_enabled",
    "is_observability_broadcast_enabled",
    "is_data_discount_logging_enabled",
    "io_logging_sampling_rate",
)
PRESET_STRUCTURAL_KEYS = ("model", "models", "provider")


def _newer(body: dict[str, Any], values: dict[str, tuple[str, Any]], changed: Collection[str]) -> dict[str, Any]:
    """Fields newer than the saved spec (``{spec field: (API field, value)}``): sent when set or
    when the plan changes them, so a request that does not use them is the one an older API takes."""
    for name, (wire, value) in values.items():
        if name in changed or value not in (None, False, []):
            body[wire] = value
    return body


# ---------------------------------------------------------------- workspaces


def workspace_from_api(raw: dict[str, Any], budgets: list[dict[str, Any]], include_byok: bool) -> Workspace:
    caps: dict[str, float] = {}
    for budget in budgets:
        interval = budget.get("reset_interval") or "lifetime"
        caps[interval] = float(budget["limit_usd"])
    fields = {name: raw.get(name) for name in (*WORKSPACE_FIELDS, "disabled_server_tools") if raw.get(name) is not None}
    return Workspace.model_validate(
        {**fields, "budgets": Budgets.model_construct(None, **caps), "include_byok_in_budgets": include_byok}
    )


def workspace_body(spec: Workspace, slug: str | None = None, changed: Collection[str] = ()) -> dict[str, Any]:
    body = {name: getattr(spec, name) for name in WORKSPACE_FIELDS}
    if slug is not None:
        body["slug"] = slug
    return _newer(body, {"disabled_server_tools": ("disabled_server_tools", spec.disabled_server_tools)}, changed)


# ---------------------------------------------------------------- guardrails


def _builtins_from_api(entries: list[dict[str, Any]] | None) -> tuple[dict[str, Any] | None, PromptInjection | None]:
    sensitive: dict[str, Any] = {}
    injection = None
    for entry in entries or []:
        if entry.get("slug") == PROMPT_INJECTION_SLUG:
            injection = PromptInjection(action=entry["action"], scope=entry.get("scan_scope") or "all_messages")
        else:
            sensitive[entry["slug"]] = entry["action"]
    return (sensitive or None), injection


def policy_fields_from_api(raw: dict[str, Any]) -> dict[str, Any]:
    """The :class:`GuardrailPolicy` fields of an API guardrail object."""
    zdr_values = {group: raw.get(f"enforce_zdr_{group}") for group in ZDR_GROUPS}
    sensitive, injection = _builtins_from_api(raw.get("content_filter_builtins"))
    budget = None
    if raw.get("limit_usd") is not None:
        budget = GuardrailBudget(limit_usd=raw["limit_usd"], reset=raw.get("reset_interval") or "lifetime")
    filters = [
        ContentFilter(pattern=f["pattern"], action=f["action"], label=f.get("label"))
        for f in raw.get("content_filters") or []
    ]
    return {
        "description": raw.get("description"),
        "budget": budget,
        "include_byok_in_budgets": bool(raw.get("include_byok_in_budgets")),
        "allowed_models": raw.get("allowed_models") or None,
        "ignored_models": raw.get("ignored_models") or None,
        "allowed_providers": raw.get("allowed_providers") or None,
        "ignored_providers": raw.get("ignored_providers") or None,
        "allowed_data_regions": raw.get("allowed_data_regions") or None,
        "zdr": ZeroDataRetention(**zdr_values) if any(v is not None for v in zdr_values.values()) else None,
        "enable_free_model_publication": raw.get("enable_free_model_publication"),
        "enable_free_model_training": raw.get("enable_free_model_training"),
        "enable_paid_model_training": raw.get("enable_paid_model_training"),
        "enforce_first_party_harness_models": raw.get("enforce_first_party_harness_models"),
        "content_filters": filters or None,
        "sensitive_info": sensitive,
        "prompt_injection": injection,
    }


def default_guardrail_from_api(raw: dict[str, Any]) -> GuardrailPolicy:
    return GuardrailPolicy.model_validate(policy_fields_from_api(raw))


def guardrail_from_api(raw: dict[str, Any], members: list[str] | None) -> Guardrail:
    return Guardrail.model_validate({**policy_fields_from_api(raw), "members": members})


def guardrail_body(
    policy: GuardrailPolicy, name: str | None, workspace_id: str | None = None, changed: Collection[str] = ()
) -> dict[str, Any]:
    """A create or PATCH body. Arrays are sent whole (the API replaces them) and None clears."""
    zdr = policy.zdr or ZeroDataRetention()
    builtins: list[dict[str, Any]] = [
        {"slug": slug, "action": action} for slug, action in sorted((policy.sensitive_info or {}).items())
    ]
    if policy.prompt_injection is not None:
        builtins.append(
            {
                "slug": PROMPT_INJECTION_SLUG,
                "action": policy.prompt_injection.action,
                "scan_scope": policy.prompt_injection.scope,
            }
        )
    body: dict[str, Any] = {
        "description": policy.description,
        "limit_usd": policy.budget.limit_usd if policy.budget else None,
        "reset_interval": _api_interval(policy.budget.reset) if policy.budget else None,
        "include_byok_in_budgets": policy.include_byok_in_budgets,
        "allowed_models": policy.allowed_models,
        "ignored_models": policy.ignored_models,
        "allowed_providers": policy.allowed_providers,
        "ignored_providers": policy.ignored_providers,
        "enable_free_model_publication": policy.enable_free_model_publication,
        "enable_free_model_training": policy.enable_free_model_training,
        "enable_paid_model_training": policy.enable_paid_model_training,
        "content_filters": [f.model_dump(exclude_none=True) for f in policy.content_filters]
        if policy.content_filters
        else None,
        "content_filter_builtins": builtins or None,
        **{f"enforce_zdr_{group}": getattr(zdr, group) for group in ZDR_GROUPS},
    }
    # allowed_data_regions: null lifts the restriction ([] is refused by the API).
    newer = ("allowed_data_regions", "enforce_first_party_harness_models")
    _newer(body, {field: (field, getattr(policy, field)) for field in newer}, changed)
    if name is not None:
        body["name"] = name
    if workspace_id is not None:
        body["workspace_id"] = workspace_id
    return body


def _api_interval(reset: str) -> str | None:
    return None if reset == "lifetime" else reset


# ---------------------------------------------------------------- keys


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else None


def key_from_api(raw: dict[str, Any], guardrail_name: str | None) -> ApiKey:
    external_user = raw.get("external_user")
    return ApiKey(
        limit=raw.get("limit"),
        limit_reset=raw.get("limit_reset"),
        include_byok_in_limit=bool(raw.get("include_byok_in_limit")),
        disabled=bool(raw.get("disabled")),
        expires_at=_timestamp(raw.get("expires_at")),
        guardrail=guardrail_name,
        last_used_at=_timestamp(raw.get("last_used_at")),
        external_user=external_user if isinstance(external_user, str) else None,
    )


def api_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with seconds always written (`...T00:00:00Z`): the API refuses minute precision."""
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds").replace("+00:00", "Z")


def key_create_body(spec: ApiKey, name: str, workspace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "limit": spec.limit,
        "limit_reset": spec.limit_reset,
        "include_byok_in_limit": spec.include_byok_in_limit,
        "workspace_id": workspace_id,
    }
    if spec.expires_at is not None:
        body["expires_at"] = api_timestamp(spec.expires_at)
    return body


def key_patch_body(spec: ApiKey, name: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "limit": spec.limit,
        "limit_reset": spec.limit_reset,
        "include_byok_in_limit": spec.include_byok_in_limit,
        "disabled": spec.disabled,
    }
    if name is not None:
        body["name"] = name
    return body


# ---------------------------------------------------------------- BYOK


def byok_from_api(raw: dict[str, Any], key_names_by_hash: dict[str, str]) -> ByokKey:
    hashes = raw.get("allowed_api_key_hashes")
    return ByokKey(
        provider=raw["provider"],
        fallback=bool(raw.get("is_fallback")),
        required=bool(raw.get("is_required")),
        byok_only=bool(raw.get("is_byok_only")),
        declared_zdr=raw.get("declared_zdr"),
        declared_region=raw.get("declared_region"),
        disabled=bool(raw.get("disabled")),
        allowed_models=raw.get("allowed_models") or None,
        allowed_keys=[key_names_by_hash.get(h, f"hash:{h}") for h in hashes] if hashes else None,
        allowed_user_ids=raw.get("allowed_user_ids") or None,
    )


def byok_body(
    spec: ByokKey, name: str, key_hashes: list[str] | None, credential: str | None, changed: Collection[str] = ()
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "is_fallback": spec.fallback,
        "disabled": spec.disabled,
        "allowed_models": spec.allowed_models,
        "allowed_api_key_hashes": key_hashes,
        "allowed_user_ids": spec.allowed_user_ids,
    }
    newer = {
        "required": ("is_required", spec.required),
        "byok_only": ("is_byok_only", spec.byok_only),
        "declared_zdr": ("declared_zdr", spec.declared_zdr),
    }
    _newer(body, newer, changed)
    if "declared_region" in changed:
        # Only when the plan changes it: else the API keeps it, or for openai and fireworks takes
        # it from the key (a create that declares none, a rotation).
        body["declared_region"] = spec.declared_region
    if credential is not None:
        body["key"] = credential
    return body


# ---------------------------------------------------------------- observability


def observability_from_api(raw: dict[str, Any], key_names_by_hash: dict[str, str]) -> ObservabilityDestination:
    hashes = raw.get("api_key_hashes")
    return ObservabilityDestination(
        type=raw["type"],
        config=public_config(raw["type"], raw.get("config") or {}),
        enabled=bool(raw.get("enabled", True)),
        privacy_mode=bool(raw.get("privacy_mode")),
        sampling_rate=raw.get("sampling_rate") if raw.get("sampling_rate") is not None else 1.0,
        api_keys=[key_names_by_hash.get(h, f"hash:{h}") for h in hashes] if hashes else None,
        broadcast_generation_cost=bool(raw.get("broadcast_generation_cost")),
        broadcast_generation_identity=bool(raw.get("broadcast_generation_identity")),
        broadcast_generation_request_context=bool(raw.get("broadcast_generation_request_context")),
        filter_rules=raw.get("filter_rules"),
        **({"regions": raw["regions"]} if raw.get("regions") else {}),
    )


def public_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The config as read, secrets left out. Other masked values stay (export shows them, marked);
    the planner compares only :func:`comparable_config` of it."""
    return {k: v for k, v in config.items() if k not in OBSERVABILITY_SECRET_CONFIG_KEYS}


def observability_body(
    spec: ObservabilityDestination,
    name: str,
    config: dict[str, Any],
    key_hashes: list[str] | None,
    changed: Collection[str] = (),
) -> dict[str, Any]:
    return {
        "name": name,
        "config": config,
        "enabled": spec.enabled,
        "privacy_mode": spec.privacy_mode,
        "sampling_rate": spec.sampling_rate,
        "api_key_hashes": key_hashes,
        "broadcast_generation_cost": spec.broadcast_generation_cost,
        "broadcast_generation_identity": spec.broadcast_generation_identity,
        "broadcast_generation_request_context": spec.broadcast_generation_request_context,
        "filter_rules": spec.filter_rules,
        # Never null (it cannot be cleared): a new destination gets the API's default, `[global]`.
        **({"regions": spec.regions} if spec.regions is not None and "regions" in changed else {}),
    }


# ---------------------------------------------------------------- presets


def preset_from_version(version: dict[str, Any]) -> Preset:
    config = dict(version.get("config") or {})
    structural = {key: config.pop(key) for key in PRESET_STRUCTURAL_KEYS if key in config}
    return Preset(system_prompt=version.get("system_prompt"), parameters=config, **structural)


def preset_request_body(spec: Preset) -> dict[str, Any]:
    """A chat-completions body that the create-from-request endpoint turns into this content."""
    content = spec.content()
    if spec.system_prompt is not None:
        messages = [{"role": "system", "content": spec.system_prompt}]
    else:
        # `messages` needs at least one item (ChatRequest minItems 1); the endpoint drops it, and a
        # user message sets no system prompt.
        messages = [{"role": "user", "content": PRESET_PLACEHOLDER_MESSAGE}]
    return {**content["config"], "messages": messages}


PRESET_PLACEHOLDER_MESSAGE = "(published by orctl: the preset keeps no messages)"
