"""Rules about what guardrails allow and detect: detectors a workspace's data calls for, presets
that their own guardrails would refuse, and BYOK credentials open to every key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from openrouter_iac.model.resources import Preset, Workspace
from openrouter_iac.policy.effective import EffectivePolicy, Layer, effective_policy, key_layers
from openrouter_iac.policy.findings import Issue, LintContext
from openrouter_iac.policy.listing import bounded
from openrouter_iac.policy.walk import workspace_path


def _uncovered(slug: str, workspace: Workspace, has: Callable[[EffectivePolicy], bool]) -> list[str] | None:
    """Keys whose effective policy lacks the detector; None when the default guardrail has it."""
    default = key_layers(slug, workspace, None)
    if has(effective_policy(default)):
        return None
    return [
        f"api_key:{slug}/{name}"
        for name, key in workspace.keys.items()
        if not has(effective_policy(key_layers(slug, workspace, key.guardrail)))
    ]


def _detector_rule(
    ctx: LintContext, marker: str, has: Callable[[EffectivePolicy], bool], what: str, setting: str, example: str
) -> Iterator[Issue]:
    for slug, workspace in ctx.config.workspaces.items():
        if marker not in workspace.handles:
            continue
        missing = _uncovered(slug, workspace, has)
        if missing is None or (workspace.keys and not missing):
            continue
        scope = f"for {bounded(missing, 'key')}" if missing else "(its default guardrail does not set it)"
        yield Issue(
            f"workspace:{slug}",
            workspace_path(slug, "handles"),
            f"workspace:{slug} is marked `handles: [{marker}]` but {what} is off {scope}",
            f"set `{setting}` on its default_guardrail (e.g. `{setting}: {example}`), or on the guardrail of every key",
            tuple(missing),
        )


def prompt_injection_off(ctx: LintContext) -> Iterator[Issue]:
    yield from _detector_rule(
        ctx,
        "user_input",
        lambda p: p.prompt_injection is not None,
        "prompt-injection detection",
        "prompt_injection",
        "{action: block, scope: user_only}",
    )


def sensitive_info_off(ctx: LintContext) -> Iterator[Issue]:
    yield from _detector_rule(
        ctx,
        "personal_data",
        lambda p: bool(p.sensitive_info),
        "sensitive-info detection",
        "sensitive_info",
        "{email: redact, phone: redact}",
    )


def _forbidding(layers: tuple[Layer, ...], slug: str, allowed: str, ignored: str) -> list[str]:
    out = []
    for layer in layers:
        allow = getattr(layer.policy, allowed)
        if (allow is not None and slug not in allow) or slug in (getattr(layer.policy, ignored) or []):
            out.append(layer.label)
    return out


def _routing_providers(provider: dict[str, Any] | None) -> list[str]:
    found: list[str] = []
    for field in ("order", "only"):
        value = (provider or {}).get(field)
        if isinstance(value, list):
            found.extend(str(p) for p in value if str(p) not in found)
    return found


def _preset_problems(preset: Preset, policy: EffectivePolicy) -> list[str]:
    problems = []
    for model in [m for m in [preset.model, *(preset.models or [])] if m]:
        if not policy.model_allowed(model):
            who = " and ".join(_forbidding(policy.layers, model, "allowed_models", "ignored_models"))
            problems.append(f"model {model} is not allowed by the {who}")
    for provider in _routing_providers(preset.provider):
        if not policy.provider_allowed(provider):
            who = " and ".join(_forbidding(policy.layers, provider, "allowed_providers", "ignored_providers"))
            problems.append(f"provider {provider} (in its provider routing) is not allowed by the {who}")
    if policy.allowed_models is not None and not policy.allowed_models:
        problems.append("the model allowlists of its guardrails do not intersect: no model is allowed")
    if policy.allowed_providers is not None and not policy.allowed_providers:
        problems.append("the provider allowlists of its guardrails do not intersect: no provider is allowed")
    if policy.data_regions is not None and not policy.data_regions:
        problems.append("the data regions of its guardrails do not intersect: every request is refused")
    return problems


def preset_not_allowed(ctx: LintContext) -> Iterator[Issue]:
    for slug, workspace in ctx.config.workspaces.items():
        for name, preset in workspace.presets.items():
            publisher = workspace.keys.get(preset.publish_with or "")
            if publisher is None:
                continue  # the loader reports an unknown publish_with
            layers = key_layers(slug, workspace, publisher.guardrail)
            problems = _preset_problems(preset, effective_policy(layers))
            if not problems:
                continue
            field = "model" if preset.model else "provider"
            key_address = f"api_key:{slug}/{preset.publish_with}"
            yield Issue(
                f"preset:{slug}/{name}",
                workspace_path(slug, "presets", name, field),
                f"preset:{slug}/{name} cannot run under the guardrails of its key {key_address}: "
                + "; ".join(problems),
                "change the preset's model or routing, or allow them in the guardrail "
                f"(`orctl explain key {slug}/{preset.publish_with}` shows what is allowed)",
                (key_address, *(layer.address for layer in layers)),
            )


def byok_unrestricted(ctx: LintContext) -> Iterator[Issue]:
    if len(ctx.config.workspaces) < 2:
        return
    for slug, workspace in ctx.config.workspaces.items():
        for name, credential in workspace.byok.items():
            if credential.allowed_keys is None:
                yield Issue(
                    f"byok_key:{slug}/{name}",
                    workspace_path(slug, "byok", name),
                    f"byok_key:{slug}/{name} is not restricted to keys: every key of workspace:{slug} can "
                    "spend on this provider account",
                    "list the keys that may use it in `allowed_keys`",
                )
