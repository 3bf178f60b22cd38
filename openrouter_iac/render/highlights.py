"""Policy and budget changes in plain words for reviewers: caps, allowed and ignored lists,
ZDR per provider group, training and publication switches, filters and detectors.

Each function returns markdown bullet texts (already escaped). Fields without a readable form
here (descriptions, members of a workspace...) are left to the table and the full diff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openrouter_iac.plan.model import Change, FieldChange
from openrouter_iac.render.markdown_syntax import code, escape
from openrouter_iac.render.values import format_money, format_value, set_difference

POLICY_KINDS = frozenset({"guardrail", "default_guardrail", "workspace_budget", "api_key"})

_RESTRICTIONS = {
    "allowed_models": "Allowed models",
    "allowed_providers": "Allowed providers",
    "allowed_data_regions": "Allowed data regions",
}
"""Lists where absent means "everything": going from absent to a list is a restriction."""

_EXCLUSIONS = {"ignored_models": "Ignored models", "ignored_providers": "Ignored providers", "members": "Members"}

_SWITCHES = {
    "enable_free_model_publication": "Free models that publish prompts",
    "enable_free_model_training": "Free models that train on data",
    "enable_paid_model_training": "Paid models that train on data",
}


class _New:
    """The `before` of a field being created: nothing to compare with, so only `after` is shown."""


NEW: Any = _New()


def highlights(change: Change) -> list[str]:
    """Readable bullets for a guardrail, budget or key-cap change; [] for anything else."""
    if change.kind not in POLICY_KINDS:
        return []
    if change.kind == "workspace_budget":
        return _workspace_budget(change)
    out: list[str] = []
    for field in change.fields:
        if not field.sensitive:
            out.extend(_field_highlights(change, field))
    return out


def _field_highlights(change: Change, field: FieldChange) -> list[str]:
    name, after = field.field, field.after
    before = NEW if change.action == "create" else field.before
    render = _RENDERERS.get(name)
    if render is not None:
        return render(before, after)
    if name in _RESTRICTIONS:
        return _restriction(_RESTRICTIONS[name], before, after)
    if name in _EXCLUSIONS:
        return _exclusion(_EXCLUSIONS[name], before, after)
    if name in _SWITCHES:
        return [f"{_SWITCHES[name]}: {_transition(before, after, _allowed)}"]
    if change.kind == "api_key" and name == "limit":
        return [f"Credit cap: {_transition(before, after, _money_or_none)}"]
    if change.kind == "api_key" and name == "limit_reset":
        return [f"Credit cap reset: {_transition(before, after, _word)}"]
    return []


def _workspace_budget(change: Change) -> list[str]:
    interval = escape(change.name or "")
    if change.action == "delete":
        was = next((f.before for f in change.fields if f.field == "limit_usd" and f.before is not None), None)
        return [f"Budget: {interval} cap removed" + (f" (was {_money_or_none(was)})" if was is not None else "")]
    out = []
    for field in change.fields:
        before = NEW if change.action == "create" else field.before
        if field.field == "limit_usd":
            out.append(f"Budget: {_transition(before, field.after, _money_or_none)} {interval}")
        elif field.field == "include_byok_in_budgets":
            out.append(f"BYOK usage counts toward the {interval} budget: {_transition(before, field.after, _yes)}")
    return out


def _guardrail_budget(before: Any, after: Any) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    if old and new and old.get("reset") == new.get("reset"):
        caps = _transition(old.get("limit_usd"), new.get("limit_usd"), _money_or_none)
        return [f"Budget: {caps} {escape(str(new.get('reset')))}"]
    return [f"Budget: {_transition(before, after, _cap)}"]


def _restriction(label: str, before: Any, after: Any) -> list[str]:
    if isinstance(before, list) and isinstance(after, list):
        return _added_removed(label, before, after)
    return [f"{label}: {_transition(before, after, _only)}"]


def _exclusion(label: str, before: Any, after: Any) -> list[str]:
    return _added_removed(label, _as_list(before), _as_list(after))


def _added_removed(label: str, before: list[Any], after: list[Any]) -> list[str]:
    added, removed = set_difference(before, after)
    parts = []
    if added:
        parts.append("added " + _items(added))
    if removed:
        parts.append("removed " + _items(removed))
    return [f"{label}: {'; '.join(parts) or 'reordered'}"]


def _zdr(before: Any, after: Any) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    groups = [g for g in dict.fromkeys([*new, *old]) if old.get(g) != new.get(g)]
    if not groups:
        return []
    if before is NEW:
        return ["ZDR: " + ", ".join(f"{escape(g)} {_on(new.get(g))}" for g in groups)]
    return ["ZDR: " + ", ".join(f"{escape(g)} {_on(old.get(g))} → {_on(new.get(g))}" for g in groups)]


def _content_filters(before: Any, after: Any) -> list[str]:
    added, removed = set_difference(_as_list(before), _as_list(after))
    out = []
    if added:
        out.append("Filters added: " + ", ".join(_filter(f) for f in added))
    if removed:
        out.append("Filters removed: " + ", ".join(_filter(f) for f in removed))
    return out


def _sensitive_info(before: Any, after: Any) -> list[str]:
    old, new = _as_dict(before), _as_dict(after)
    detectors = [d for d in dict.fromkeys([*new, *old]) if old.get(d) != new.get(d)]
    if not detectors:
        return []
    if before is NEW:
        return ["Sensitive info: " + ", ".join(f"{code(d)} {_action(new.get(d))}" for d in detectors)]
    parts = [f"{code(d)} {_action(old.get(d))} → {_action(new.get(d))}" for d in detectors]
    return ["Sensitive info: " + ", ".join(parts)]


def _prompt_injection(before: Any, after: Any) -> list[str]:
    return [f"Prompt injection: {_transition(before, after, _detector)}"]


def _include_byok(before: Any, after: Any) -> list[str]:
    return [f"BYOK usage counts toward the budget: {_transition(before, after, _yes)}"]


_RENDERERS: dict[str, Callable[[Any, Any], list[str]]] = {
    "budget": _guardrail_budget,
    "zdr": _zdr,
    "content_filters": _content_filters,
    "sensitive_info": _sensitive_info,
    "prompt_injection": _prompt_injection,
    "include_byok_in_budgets": _include_byok,
}


def _transition(before: Any, after: Any, show: Callable[[Any], str]) -> str:
    # A create has no before worth showing: `Budget: $40 monthly`, not `none → $40 monthly`.
    return show(after) if before is NEW else f"{show(before)} → {show(after)}"


def _cap(value: Any) -> str:
    budget = _as_dict(value)
    if not budget:
        return "none"
    return f"{_money_or_none(budget.get('limit_usd'))} {escape(str(budget.get('reset')))}"


def _money_or_none(value: Any) -> str:
    return "none" if value is None else escape(format_money(value))


def _only(value: Any) -> str:
    return "all" if value is None else "only " + _items(_as_list(value))


def _items(values: list[Any]) -> str:
    return ", ".join(code(v if isinstance(v, str) else format_value(v)) for v in values)


def _filter(value: Any) -> str:
    spec = _as_dict(value)
    text = f"{code(str(spec.get('pattern', '')))} ({escape(str(spec.get('action', '?')))}"
    label = spec.get("label")
    return text + (f" as {code(str(label))})" if label else ")")


def _detector(value: Any) -> str:
    spec = _as_dict(value)
    if not spec:
        return "off"
    scope = spec.get("scope")
    return escape(str(spec.get("action"))) + (f" ({escape(str(scope))})" if scope else "")


def _allowed(value: Any) -> str:
    return "unset" if value is None else "allowed" if value else "blocked"


def _on(value: Any) -> str:
    return "unset" if value is None else "on" if value else "off"


def _yes(value: Any) -> str:
    return "unset" if value is None else "yes" if value else "no"


def _action(value: Any) -> str:
    return "off" if value is None else escape(str(value))


def _word(value: Any) -> str:
    return "never" if value is None else escape(str(value))


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
