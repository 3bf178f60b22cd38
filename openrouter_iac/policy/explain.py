"""The effective policy of a key or a workspace, as rows a renderer lays out (`orctl explain`).

Every row says what applies after combining the layers (see effective.py) and which layers set it;
caps are listed with their period, the one a burst of spending reaches first, the one that bounds a
month, and the spend ceiling."""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.model.resources import AccountState, Workspace
from openrouter_iac.policy.caps import (
    Cap,
    binding_cap,
    guardrail_cap,
    key_caps,
    money,
    month_bound,
    period_phrase,
    workspace_caps,
)
from openrouter_iac.policy.ceiling import key_ceiling, workspace_ceiling
from openrouter_iac.policy.effective import SWITCHES, EffectivePolicy, effective_policy, key_layers

MEMBER_NOTE = (
    "Member guardrails: none apply; keys orctl creates belong to the organization "
    "(a member's guardrail applies to the keys that member creates)."
)


@dataclass(frozen=True)
class Row:
    setting: str
    value: str
    source: str = ""
    """The layers that set it, for people (`default guardrail, guardrail 'intake-cap'`)."""


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Explanation:
    subject: str
    sections: tuple[Section, ...]
    """Empty when the subject does not exist in the state explained."""
    notes: tuple[str, ...] = ()
    """Lines shown under the title (the key's behavior, which layers cannot apply)."""

    @property
    def found(self) -> bool:
        return bool(self.sections)


def _listed(values: frozenset[str] | None, *, none: str = "all") -> str:
    if values is None:
        return none
    return ", ".join(sorted(values)) if values else "nothing (the allowlists do not intersect)"


def _from(policy: EffectivePolicy, *settings: str) -> str:
    labels: list[str] = []
    for setting in settings:
        for label in policy.sources.get(setting, []):
            if label not in labels:
                labels.append(label)
    return ", ".join(labels)


def _policy_sections(policy: EffectivePolicy) -> list[Section]:
    routing = (
        Row("allowed models", _listed(policy.allowed_models), _from(policy, "allowed_models")),
        Row("ignored models", _listed(policy.ignored_models or None, none="none"), _from(policy, "ignored_models")),
        Row("allowed providers", _listed(policy.allowed_providers), _from(policy, "allowed_providers")),
        Row(
            "ignored providers",
            _listed(policy.ignored_providers or None, none="none"),
            _from(policy, "ignored_providers"),
        ),
    )
    switches = tuple(
        Row(
            name.removeprefix("enable_").replace("_", " "),
            {None: "not set (account default)", True: "allowed", False: "off"}[policy.switches[name]],
            _from(policy, name),
        )
        for name in SWITCHES
    )
    data = (
        Row("data regions", _listed(policy.data_regions, none="any"), _from(policy, "allowed_data_regions")),
        Row("zero data retention", ", ".join(policy.zdr) or "not enforced", _from(policy, "zdr")),
        *switches,
    )
    filters = [
        Row(f"content filter {index}", f"{f.action} /{f.pattern}/" + (f" as {f.label}" if f.label else ""), label)
        for index, (label, f) in enumerate(policy.content_filters, start=1)
    ]
    detectors = (
        ", ".join(f"{slug}: {action}" for slug, action in policy.sensitive_info.items())
        if policy.sensitive_info
        else "off"
    )
    injection = policy.prompt_injection
    filters += [
        Row("sensitive info", detectors, _from(policy, "sensitive_info")),
        Row(
            "prompt injection",
            f"{injection.action} ({injection.scope.replace('_', ' ')})" if injection else "off",
            _from(policy, "prompt_injection"),
        ),
    ]
    return [
        Section("Models and providers", routing),
        Section("Data", data),
        Section("Filters and detectors", tuple(filters)),
    ]


def _cap_row(cap: Cap, shared: bool) -> Row:
    scope = "shared by every key of the workspace" if shared else "per key"
    monthly = "" if cap.period in ("monthly", "lifetime") else f" (at most {money(cap.per_month)} in a month)"
    return Row(cap.layer, f"{money(cap.usd)} {period_phrase(cap.period)}{monthly}", scope)


def _ceiling(value: float | None) -> str:
    return "unbounded" if value is None else f"{money(value)} per month"


def explain_key(state: AccountState, slug: str, name: str) -> Explanation:
    subject = f"api_key:{slug}/{name}"
    workspace = state.workspaces.get(slug)
    key = workspace.keys.get(name) if workspace else None
    if workspace is None or key is None:
        return Explanation(subject, ())
    layers = key_layers(slug, workspace, key.guardrail)
    policy = effective_policy(layers)
    about = (
        Row("disabled", "yes" if key.disabled else "no"),
        Row("expires", key.expires_at.isoformat().replace("+00:00", "Z") if key.expires_at else "never"),
    )
    layer_rows = tuple(Row(layer.label, layer.address) for layer in layers) or (Row("guardrails", "none apply"),)
    caps = key_caps(slug, workspace, name, key)
    budgets = workspace_caps(slug, workspace)
    cap_rows = [_cap_row(cap, cap in budgets) for cap in caps] or [Row("caps", "none")]
    first, bound = binding_cap(caps), month_bound(caps)
    if first is not None and bound is not None:
        cap_rows += [
            Row("binds first", f"{first.describe()} (the smallest amount)"),
            Row("bounds a month", f"{bound.describe()} (at most {money(bound.per_month)} per month)"),
        ]
    cap_rows.append(
        Row("spend ceiling", _ceiling(key_ceiling(slug, workspace, name, key)), "key limit and guardrail budgets")
    )
    return Explanation(
        subject,
        (
            Section("Key", about),
            Section("Layers", layer_rows),
            *_policy_sections(policy),
            Section("Caps", tuple(cap_rows)),
        ),
        (f"Behavior: {key.behavior}" if key.behavior else "Behavior: (not declared)", MEMBER_NOTE),
    )


def _member_rows(slug: str, workspace: Workspace) -> tuple[Row, ...]:
    """Each guardrail assigned to members: who, and what their requests may use (default ∩ it)."""
    rows = []
    for name, guardrail in workspace.guardrails.items():
        if not guardrail.members:
            continue
        policy = effective_policy(key_layers(slug, workspace, name))
        summary = (
            f"models {_listed(policy.allowed_models)}; providers {_listed(policy.allowed_providers)}; "
            f"regions {_listed(policy.data_regions, none='any')}"
        )
        rows.append(Row(f"guardrail '{name}'", f"{', '.join(guardrail.members)}: {summary}"))
    return tuple(rows) or (Row("member guardrails", "none assigned (or members not managed)"),)


def explain_workspace(state: AccountState, slug: str) -> Explanation:
    subject = f"workspace:{slug}"
    workspace = state.workspaces.get(slug)
    if workspace is None:
        return Explanation(subject, ())
    about = (
        Row("name", workspace.name),
        Row("members", str(len(workspace.members)) if workspace.members is not None else "not managed"),
        Row("policy below", "its default guardrail (every key adds its own guardrail, see `explain key`)"),
    )
    keys = tuple(
        Row(
            name,
            (f"guardrail '{key.guardrail}'" if key.guardrail else "no guardrail of its own")
            + f"; ceiling {_ceiling(key_ceiling(slug, workspace, name, key))}",
        )
        for name, key in workspace.keys.items()
    ) or (Row("keys", "none"),)
    caps = workspace_caps(slug, workspace)
    cap_rows = [_cap_row(cap, True) for cap in caps]
    default = guardrail_cap(slug, None, workspace.default_guardrail)
    if default is not None:
        cap_rows.append(_cap_row(default, False))
    for name, guardrail in workspace.guardrails.items():
        named = guardrail_cap(slug, name, guardrail)
        if named is not None:
            cap_rows.append(_cap_row(named, False))
    ceilings = [key_ceiling(slug, workspace, name, key) for name, key in workspace.keys.items()]
    total = None if any(c is None for c in ceilings) else sum(c for c in ceilings if c is not None)
    cap_rows.append(Row("keys' ceilings added up", _ceiling(total)))
    cap_rows.append(Row("spend ceiling", _ceiling(workspace_ceiling(slug, workspace)), "budgets and keys' ceilings"))
    return Explanation(
        subject,
        (
            Section("Workspace", about),
            *_policy_sections(effective_policy(key_layers(slug, workspace, None))),
            Section("Keys", keys),
            Section("Member guardrails", _member_rows(slug, workspace)),
            Section("Caps", tuple(cap_rows)),
        ),
        (f"Handles: {', '.join(workspace.handles) or 'nothing declared'}",),
    )
