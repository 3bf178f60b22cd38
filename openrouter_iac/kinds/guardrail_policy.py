"""The wire form of a guardrail policy, shared by named guardrails and the workspace default one.

Plain fields are mapped by :mod:`openrouter_iac.model.wire`; the special cases are here: the
budget (`limit_usd` with `reset_interval`, sent together), the five `enforce_zdr_*` flags, custom
content filters, and the built-in detectors (`sensitive_info` and `prompt_injection` share
`content_filter_builtins`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from openrouter_iac.model.enums import PROMPT_INJECTION_SLUG
from openrouter_iac.model.resources import (
    ContentFilter,
    GuardrailBudget,
    GuardrailPolicy,
    PromptInjection,
    ZeroDataRetention,
)
from openrouter_iac.model.wire import read_plain, write_plain

ZDR_GROUPS = ("anthropic", "openai", "google", "xai", "other")


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
        **read_plain(GuardrailPolicy, raw),
        "budget": budget,
        "zdr": ZeroDataRetention(**zdr_values) if any(v is not None for v in zdr_values.values()) else None,
        "content_filters": filters or None,
        "sensitive_info": sensitive,
        "prompt_injection": injection,
    }


def policy_body(
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
        **write_plain(policy, creating=workspace_id is not None, changed=changed),
        "limit_usd": policy.budget.limit_usd if policy.budget else None,
        "reset_interval": _api_interval(policy.budget.reset) if policy.budget else None,
        "content_filters": [f.model_dump(exclude_none=True) for f in policy.content_filters]
        if policy.content_filters
        else None,
        "content_filter_builtins": builtins or None,
        **{f"enforce_zdr_{group}": getattr(zdr, group) for group in ZDR_GROUPS},
    }
    if name is not None:
        body["name"] = name
    if workspace_id is not None:
        body["workspace_id"] = workspace_id
    return body


def _api_interval(reset: str) -> str | None:
    return None if reset == "lifetime" else reset
