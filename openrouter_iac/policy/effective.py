"""The effective policy of a key: every guardrail that applies to it, combined as OpenRouter does.

Allowlists (models, providers, data regions) intersect, denylists add up, ZDR requirements add up
(one layer enforcing it is enough), the training/publication switches take the strictest value,
filters and detectors add up with the strongest action winning (block > redact > flag), and each
budget is checked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openrouter_iac.model.enums import FilterAction
from openrouter_iac.model.resources import ContentFilter, GuardrailPolicy, PromptInjection, Workspace

ZDR_GROUPS = ("anthropic", "openai", "google", "xai", "other")
STRENGTH: dict[FilterAction, int] = {"flag": 0, "redact": 1, "block": 2}
SWITCHES = ("enable_free_model_publication", "enable_free_model_training", "enable_paid_model_training")


@dataclass(frozen=True)
class Layer:
    """One guardrail that applies: its label for people, its address, and its policy."""

    label: str
    address: str
    policy: GuardrailPolicy


def key_layers(slug: str, workspace: Workspace, key_guardrail: str | None) -> list[Layer]:
    """The workspace default guardrail, then the key's own guardrail (where declared)."""
    layers = []
    if workspace.default_guardrail is not None:
        layers.append(Layer("default guardrail", f"default_guardrail:{slug}", workspace.default_guardrail))
    if key_guardrail is not None and key_guardrail in workspace.guardrails:
        layers.append(
            Layer(
                f"guardrail '{key_guardrail}'", f"guardrail:{slug}/{key_guardrail}", workspace.guardrails[key_guardrail]
            )
        )
    return layers


def _intersect(values: list[list[str] | None]) -> frozenset[str] | None:
    result: frozenset[str] | None = None
    for value in values:
        if value is not None:
            result = frozenset(value) if result is None else result & frozenset(value)
    return result


def _union(values: list[list[str] | None]) -> frozenset[str]:
    return frozenset(item for value in values if value for item in value)


@dataclass(frozen=True)
class EffectivePolicy:
    """What is allowed after every layer. ``None`` for an allowlist means "all"."""

    layers: tuple[Layer, ...]
    allowed_models: frozenset[str] | None
    ignored_models: frozenset[str]
    allowed_providers: frozenset[str] | None
    ignored_providers: frozenset[str]
    data_regions: frozenset[str] | None
    zdr: tuple[str, ...]
    """Provider groups for which some layer enforces zero data retention."""
    switches: dict[str, bool | None]
    """enable_* switches: False when any layer forbids, True when one allows and none forbids."""
    content_filters: tuple[tuple[str, ContentFilter], ...]
    """(layer label, filter) for every custom filter of every layer."""
    sensitive_info: dict[str, FilterAction]
    prompt_injection: PromptInjection | None
    sources: dict[str, list[str]] = field(default_factory=dict)
    """Setting → labels of the layers that set it (for explanations)."""

    def model_allowed(self, slug: str) -> bool:
        return slug not in self.ignored_models and (self.allowed_models is None or slug in self.allowed_models)

    def provider_allowed(self, slug: str) -> bool:
        return slug not in self.ignored_providers and (self.allowed_providers is None or slug in self.allowed_providers)


def effective_policy(layers: list[Layer]) -> EffectivePolicy:
    policies = [layer.policy for layer in layers]
    sources: dict[str, list[str]] = {}
    for layer in layers:
        for name, value in layer.policy:
            if value not in (None, [], {}, False) or (name in SWITCHES and value is not None):
                sources.setdefault(name, []).append(layer.label)
    switches: dict[str, bool | None] = {}
    for name in SWITCHES:
        values = [getattr(p, name) for p in policies if getattr(p, name) is not None]
        switches[name] = None if not values else all(values)
    sensitive: dict[str, FilterAction] = {}
    for policy in policies:
        for slug, action in (policy.sensitive_info or {}).items():
            if slug not in sensitive or STRENGTH[action] > STRENGTH[sensitive[slug]]:
                sensitive[slug] = action
    injection: PromptInjection | None = None
    for policy in policies:
        found = policy.prompt_injection
        if found is None:
            continue
        if injection is None:
            injection = found
        else:
            action = found.action if STRENGTH[found.action] > STRENGTH[injection.action] else injection.action
            scope = "all_messages" if "all_messages" in (found.scope, injection.scope) else "user_only"
            injection = PromptInjection(action=action, scope=scope)
    return EffectivePolicy(
        layers=tuple(layers),
        allowed_models=_intersect([p.allowed_models for p in policies]),
        ignored_models=_union([p.ignored_models for p in policies]),
        allowed_providers=_intersect([p.allowed_providers for p in policies]),
        ignored_providers=_union([p.ignored_providers for p in policies]),
        data_regions=_intersect([list(p.allowed_data_regions) if p.allowed_data_regions else None for p in policies]),
        zdr=tuple(g for g in ZDR_GROUPS if any(p.zdr is not None and getattr(p.zdr, g) for p in policies)),
        switches=switches,
        content_filters=tuple((layer.label, f) for layer in layers for f in layer.policy.content_filters or []),
        sensitive_info=dict(sorted(sensitive.items())),
        prompt_injection=injection,
        sources=sources,
    )
