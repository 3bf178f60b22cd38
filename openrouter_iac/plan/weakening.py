"""Which changes of a plan weaken policy, and why, in plain words for reviewers.

A change weakens policy when it lets more data out or more spend through than before: ZDR turned
off, an allowlist widened or removed, an ignore list narrowed, training, publication or logging
allowed, a cap removed or raised by more than `safety.weakening_cap_raise_percent` (50 by
default), a guardrail unassigned from a key or deleted, a filter or detector removed or softened,
prompt-injection detection turned off or softened. Creates never weaken anything: they add
objects, and the restrictions they carry are new.

Pure: reads Change objects (through the small accessors below, so a change of their shape stays
local) and returns reasons; renderers decide how to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from openrouter_iac.plan.model import Change, Plan

DEFAULT_CAP_RAISE_PERCENT = 50.0

GUARDRAIL_KINDS = frozenset({"guardrail", "default_guardrail"})
_ALLOWLISTS = {
    "allowed_models": "allowed models",
    "allowed_providers": "allowed providers",
    "allowed_data_regions": "allowed data regions",
    "allowed_keys": "keys allowed to use the credential",
    "allowed_user_ids": "members allowed to use the credential",
}
_IGNORE_LISTS = {"ignored_models": "ignored models", "ignored_providers": "ignored providers"}
_ALLOW_SWITCHES = {
    "enable_free_model_publication": "free models that publish prompts",
    "enable_free_model_training": "free models that train on data",
    "enable_paid_model_training": "paid models that train on data",
}
_LOGGING_SWITCHES = {
    "is_observability_io_logging_enabled": "input/output logging",
    "is_data_discount_logging_enabled": "data-discount logging",
}
_ACTION_STRENGTH = {"block": 3, "redact": 2, "flag": 1}
"""How strongly a detector or filter acts: block stops the request, flag only records it."""


# ------------------------------------------------------------------ reading a Change


def _changed(change: Change) -> Iterator[tuple[str, Any, Any]]:
    """(field, before, after) of each non-sensitive field change."""
    for field in change.fields:
        if not field.sensitive:
            yield field.field, field.before, field.after


def _before(change: Change, name: str) -> Any:
    return next((before for field, before, _ in _changed(change) if field == name), None)


# ------------------------------------------------------------------ the rules


def cap_raise_percent(plan: Plan) -> float:
    """The configured threshold, read from the plan's config (so a saved plan keeps its own)."""
    safety = plan.config.get("safety") if isinstance(plan.config, dict) else None
    value = safety.get("weakening_cap_raise_percent") if isinstance(safety, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else DEFAULT_CAP_RAISE_PERCENT


def plan_weakenings(plan: Plan) -> list[tuple[Change, list[str]]]:
    """Every change of ``plan`` that weakens policy, in plan order, with its reasons."""
    percent = cap_raise_percent(plan)
    found = []
    for change in plan.changes:
        reasons = weakening_reasons(change, cap_raise_percent=percent)
        if reasons:
            found.append((change, reasons))
    return found


def weakening_reasons(change: Change, *, cap_raise_percent: float = DEFAULT_CAP_RAISE_PERCENT) -> list[str]:
    """Why ``change`` weakens policy; [] when it does not."""
    if change.action == "create":
        return []
    if change.kind == "workspace_budget":
        return _workspace_budget(change, cap_raise_percent)
    if change.kind == "guardrail_assignment":
        return _assignment(change)
    if change.action == "delete":
        if change.kind in GUARDRAIL_KINDS:
            return ["guardrail deleted: its restrictions and caps no longer apply"]
        return []
    reasons: list[str] = []
    for name, before, after in _changed(change):
        rule = _FIELD_RULES.get(name)
        if rule is not None:
            reasons.extend(rule(change, name, before, after, cap_raise_percent))
    return reasons


def _workspace_budget(change: Change, percent: float) -> list[str]:
    interval = change.name or "budget"
    if change.action == "delete":
        return [f"{interval} workspace budget removed" + _was(_before(change, "limit_usd"))]
    reasons = []
    for name, before, after in _changed(change):
        if name == "limit_usd":
            reasons.extend(_raised(f"{interval} workspace budget", before, after, percent))
        elif name == "include_byok_in_budgets" and before is True and not after:
            reasons.append(f"BYOK usage no longer counts toward the {interval} workspace budget")
    return reasons


def _assignment(change: Change) -> list[str]:
    before, after = _before(change, "guardrail"), None
    for name, _, new in _changed(change):
        if name == "guardrail":
            after = new
    if before and not after:
        return [f"guardrail {before!r} unassigned from key {change.name!r}"]
    return []


def _allowlist(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    label = _ALLOWLISTS[name]
    if isinstance(before, list) and after is None:
        return [f"{label} allowlist removed (was only {_items(before)}): everything is allowed"]
    if isinstance(before, list) and isinstance(after, list):
        added = [item for item in after if item not in before]
        if added:
            return [f"{label} allowlist widened: added {_items(added)}"]
    return []


def _ignore_list(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    label = _IGNORE_LISTS[name]
    removed = [item for item in _as_list(before) if item not in _as_list(after)]
    if removed and not after:
        return [f"{label} list removed (was {_items(removed)})"]
    return [f"{label} list narrowed: removed {_items(removed)}"] if removed else []


def _allow_switch(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    label = _ALLOW_SWITCHES[name]
    if after is True and before is not True:
        return [f"{label} allowed"]
    if before is False and after is None:
        return [f"{label} no longer blocked (left to the account default)"]
    return []


def _logging_switch(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    return [f"{_LOGGING_SWITCHES[name]} turned on"] if after is True and before is not True else []


def _zdr(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    off = [group for group, on in old.items() if on is True and new.get(group) is not True]
    return [f"ZDR turned off for {', '.join(off)}"] if off else []


def _guardrail_budget(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    if old and not new:
        return ["guardrail budget removed" + _was(old.get("limit_usd"), old.get("reset"))]
    if old and new:
        return _raised("guardrail budget", old.get("limit_usd"), new.get("limit_usd"), percent)
    return []


def _key_limit(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    if change.kind != "api_key":
        return []
    if _number(before) and after is None:
        return ["key credit cap removed" + _was(before)]
    return _raised("key credit cap", before, after, percent)


def _content_filters(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    new = _as_list(after)
    by_pattern = {_as_dict(f).get("pattern"): _as_dict(f) for f in new}
    reasons = []
    for old in map(_as_dict, _as_list(before)):
        pattern = old.get("pattern")
        current = by_pattern.get(pattern)
        if current is None:
            reasons.append(f"content filter {pattern!r} removed")
        elif _softer(old.get("action"), current.get("action")):
            reasons.append(f"content filter {pattern!r} softened: {old.get('action')} → {current.get('action')}")
    return reasons


def _sensitive_info(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    reasons = []
    for detector, action in old.items():
        if detector not in new:
            reasons.append(f"sensitive-info detector {detector!r} removed")
        elif _softer(action, new[detector]):
            reasons.append(f"sensitive-info detector {detector!r} softened: {action} → {new[detector]}")
    return reasons


def _prompt_injection(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    if old and not new:
        return ["prompt-injection detection turned off"]
    if old and new:
        reasons = []
        if _softer(old.get("action"), new.get("action")):
            reasons.append(f"prompt-injection detection softened: {old.get('action')} → {new.get('action')}")
        if old.get("scope") == "all_messages" and new.get("scope") == "user_only":
            reasons.append("prompt-injection detection now scans user messages only")
        return reasons
    return []


def _include_byok(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    return ["BYOK usage no longer counts toward the guardrail budget"] if before is True and not after else []


def _privacy_mode(change: Change, name: str, before: Any, after: Any, percent: float) -> list[str]:
    if change.kind == "observability_destination" and before is True and not after:
        return ["privacy mode turned off: prompts and completions are sent to the destination"]
    return []


_FIELD_RULES: dict[str, Callable[[Change, str, Any, Any, float], list[str]]] = {
    **dict.fromkeys(_ALLOWLISTS, _allowlist),
    **dict.fromkeys(_IGNORE_LISTS, _ignore_list),
    **dict.fromkeys(_ALLOW_SWITCHES, _allow_switch),
    **dict.fromkeys(_LOGGING_SWITCHES, _logging_switch),
    "zdr": _zdr,
    "budget": _guardrail_budget,
    "limit": _key_limit,
    "content_filters": _content_filters,
    "sensitive_info": _sensitive_info,
    "prompt_injection": _prompt_injection,
    "include_byok_in_budgets": _include_byok,
    "privacy_mode": _privacy_mode,
}


# ------------------------------------------------------------------ small helpers


def _raised(what: str, before: Any, after: Any, percent: float) -> list[str]:
    if not (_number(before) and _number(after)) or before <= 0 or after <= before:
        return []
    rise = (after - before) / before * 100
    if rise <= percent:
        return []
    return [f"{what} raised by {rise:.0f}% (more than {percent:g}%): {_money(before)} → {_money(after)}"]


def _was(limit: Any, reset: Any = None) -> str:
    if not _number(limit):
        return ""
    return f" (was {_money(limit)}" + (f" {reset}" if reset else "") + ")"


def _softer(old: Any, new: Any) -> bool:
    return _ACTION_STRENGTH.get(str(new), 0) < _ACTION_STRENGTH.get(str(old), 0)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _money(value: Any) -> str:
    return f"${value:,.2f}".replace(".00", "") if _number(value) else str(value)


def _items(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
