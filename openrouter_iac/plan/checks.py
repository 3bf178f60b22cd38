"""Checks the planner makes that need the live account: the server's catalogue rules (unknown model or
provider slugs), and the safety facts apply enforces before writing."""

from __future__ import annotations

from collections.abc import Iterator

from openrouter_iac.errors import ServerRuleError
from openrouter_iac.kinds import NAMED
from openrouter_iac.model.address import Address
from openrouter_iac.model.config import Config
from openrouter_iac.model.positions import PathKey, SourceMap, dotted
from openrouter_iac.model.resources import GuardrailPolicy
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.plan.model import Change, SafetyFacts
from openrouter_iac.plan.provider_slugs import byok_provider_problems
from openrouter_iac.suggest import suggest


def _policy_slugs(policy: GuardrailPolicy, path: PathKey) -> Iterator[tuple[PathKey, str, str]]:
    for field in ("allowed_models", "ignored_models"):
        for index, slug in enumerate(getattr(policy, field) or []):
            yield (*path, field, index), "model", slug
    for field in ("allowed_providers", "ignored_providers"):
        for index, slug in enumerate(getattr(policy, field) or []):
            yield (*path, field, index), "provider", slug


def _slugs(config: Config) -> Iterator[tuple[PathKey, str, str]]:
    for ws_slug, workspace in config.workspaces.items():
        base: PathKey = ("workspaces", ws_slug)
        for field in ("default_text_model", "default_image_model"):
            value = getattr(workspace, field)
            if value:
                yield (*base, field), "model", value
        if workspace.default_guardrail is not None:
            yield from _policy_slugs(workspace.default_guardrail, (*base, "default_guardrail"))
        for name, guardrail in workspace.guardrails.items():
            yield from _policy_slugs(guardrail, (*base, "guardrails", name))
        for name, preset in workspace.presets.items():
            path = (*base, "presets", name)
            if preset.model:
                yield (*path, "model"), "model", preset.model
            for index, slug in enumerate(preset.models or []):
                yield (*path, "models", index), "model", slug
            for field in ("order", "only", "ignore"):
                for index, slug in enumerate((preset.provider or {}).get(field) or []):
                    if isinstance(slug, str):
                        yield (*path, "provider", field, index), "provider", slug


def check_server_rules(config: Config, catalogue: Catalogue, source_map: SourceMap | None) -> list[str]:
    """Raise ServerRuleError listing every model or provider slug the API would refuse; else the
    warnings (a BYOK provider only orctl's compiled list knows)."""
    problems, warnings = byok_provider_problems(config, catalogue, source_map)
    models = catalogue.canonical_models
    for path, what, slug in _slugs(config):
        known = models if what == "model" else catalogue.providers
        if slug in known:
            continue
        where = source_map.value_position(path) if source_map else None
        prefix = f"{where}: " if where else ""
        problems.append(f"{prefix}{dotted(path)}: unknown {what} '{slug}'{suggest(slug, known)}")
    if problems:
        raise ServerRuleError(
            "the config names slugs OpenRouter does not know:\n" + "\n".join(problems),
            hint="check the slugs against https://openrouter.ai/models and /api/v1/providers",
        )
    return warnings


def _protected(address: Address, protect: list[str]) -> bool:
    return address in protect or address.in_workspace() in protect


def _emptied(config: Config, live: LiveSnapshot, changes: list[Change]) -> list[str]:
    """Scopes the plan empties: a workspace deleted with objects in it, or every live object of a
    kind pruned from a workspace that declares none. Each needs --allow-destroy."""
    deletes = [c for c in changes if c.action == "delete"]
    out = []
    for change in deletes:
        if change.kind == "workspace":
            inside = sum(1 for c in deletes if c.workspace == change.workspace and c.kind != "workspace")
            if inside:
                out.append(f"workspace '{change.workspace}' with the {inside} object(s) in it")
    for slug, workspace in config.workspaces.items():
        live_ws = live.state.workspaces.get(slug)
        if live_ws is None:
            continue
        for kind in NAMED:  # presets too: pruning archives them
            collection = kind.collection or ""
            live_items = getattr(live_ws, collection)
            gone = sum(1 for c in deletes if c.workspace == slug and c.kind == kind.name)
            if not getattr(workspace, collection) and live_items and gone >= len(live_items):
                every = f"the only {kind.singular}" if gone == 1 else f"every one of the {gone} {kind.plural}"
                out.append(f"{every} of workspace '{slug}'")
    return out


def safety_facts(config: Config, live: LiveSnapshot, changes: list[Change], managed_objects: int) -> SafetyFacts:
    protect = config.safety.protect
    destructive = [c for c in changes if c.action in ("delete", "replace")]
    empty_config = False
    if not config.workspaces and config.ownership.prune_workspaces:
        empty_config = any(slug != live.default_workspace for slug in live.state.workspaces)
    for slug, workspace in config.workspaces.items():
        pruning = workspace.prune if workspace.prune is not None else config.ownership.prune
        live_ws = live.state.workspaces.get(slug)
        declares_nothing = not any(getattr(workspace, kind.collection or "") for kind in NAMED)
        populated = live_ws is not None and any(getattr(live_ws, kind.collection or "") for kind in NAMED)
        if pruning and declares_nothing and populated:
            empty_config = True
    return SafetyFacts(
        managed_objects=managed_objects,
        deletes=sum(1 for c in changes if c.action == "delete"),
        rotations=[c.address for c in changes if c.rotation],
        protected_hits=[c.address for c in destructive if _protected(c.address, protect)],
        empty_config_against_populated_scope=empty_config,
        emptied_scopes=_emptied(config, live, changes),
        max_delete_fraction=config.safety.max_delete_fraction,
        min_objects_for_fraction=config.safety.min_objects_for_fraction,
    )
