"""The live account as orctl config files: one per workspace, one for organization-level settings.

Written so that `orctl plan` against the same account shows no changes: every value comes from the
live snapshot through the same spec models the planner diffs, server defaults are left out, and
where live names collide every object is kept under a unique name pinned to its live id (the first
plan then proposes only those renames). Secrets never leave the API, so each write-only credential
becomes a reference placeholder with a comment saying what to fill in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from openrouter_iac.export.names import unique_names
from openrouter_iac.export.yaml_text import Path, to_yaml
from openrouter_iac.kinds import NAMED, WORKSPACE_FIELDS, WORKSPACE_NAMES
from openrouter_iac.model.config import CONFIG_VERSION
from openrouter_iac.model.enums import OBSERVABILITY_REQUIRED_CONFIG, OBSERVABILITY_SECRET_CONFIG_KEYS
from openrouter_iac.model.resources import Workspace
from openrouter_iac.model.snapshot import LiveSnapshot

ORGANIZATION_FILE = "00-organization.yaml"
SCHEMA_FILE = "orctl.schema.json"
COLLECTIONS: tuple[tuple[str, str], ...] = tuple((kind.collection or "", kind.name) for kind in NAMED)
"""(collection, kind) of every named kind of the table, in its order."""
Selector = Callable[[str], bool]
REGION_FROM_KEY = frozenset({"openai", "fireworks"})
"""BYOK providers whose `declared_region` the API derives from the key material."""
DEFAULT_REGIONS = ("global",)
"""A destination's `regions` when none are given."""
MASKED = re.compile(r"^.{1,8}\.\.\..{1,8}$")
"""How the API shows a value it keeps secret, e.g. `pk-l...0001`."""
MASKED_NOTE = "masked by the API (shown as read); write the real value before it is sent again (`rotation`)"


def _masked(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_masked(v) for v in value.values())
    return isinstance(value, str) and bool(MASKED.match(value))


@dataclass
class ExportResult:
    files: dict[str, str] = field(default_factory=dict)
    """File name → YAML text."""
    renamed: list[str] = field(default_factory=list)
    """`address (live name 'x', id y)` of every object given a new config name."""
    placeholders: list[str] = field(default_factory=list)
    """Config paths of secret references to fill in."""
    skipped: list[str] = field(default_factory=list)
    """Live objects that cannot be exported, and why."""
    counts: dict[str, int] = field(default_factory=dict)


def workspace_file(slug: str) -> str:
    return f"10-{slug}.yaml"


def _header(what: str) -> list[str]:
    return [
        f"yaml-language-server: $schema={SCHEMA_FILE}",
        f"{what}, written by `orctl export` from the live account.",
        "`orctl plan` against the same account shows no changes; edit this file to make changes.",
    ]


def _global_lines(live: LiveSnapshot) -> list[str]:
    """The account's global BYOK credentials, named once here (no workspace file holds them)."""
    if not live.global_byok:
        return []
    listed = ", ".join(f"{c.name} ({c.spec.provider})" for c in live.global_byok)
    return [f"Global BYOK credentials (account level, usable in every workspace, never managed): {listed}."]


def _env_name(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Z0-9]+", "_", p.upper()).strip("_") for p in parts if p)


def _dump(spec: Any, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    dumped: dict[str, Any] = _whole_numbers(spec.model_dump(mode="json", exclude_defaults=True, exclude=set(exclude)))
    return dumped


def _whole_numbers(value: Any) -> Any:
    """`400` rather than `400.0`: the models read both the same."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def key_facts(spec: Any) -> str:
    """What the API says about a key that is not config (`last_used_at`, `external_user`)."""
    facts = []
    if spec.last_used_at is not None:
        facts.append(f"last used {spec.last_used_at.isoformat().replace('+00:00', 'Z')}")
    if spec.external_user is not None:
        facts.append(f"external user {spec.external_user!r}")
    return ", ".join(facts)


class _Workspace:
    """One workspace's document and the comments on its lines."""

    def __init__(self, live: LiveSnapshot, slug: str, select: Selector, result: ExportResult) -> None:
        self.live = live
        self.slug = slug
        self.select = select
        self.result = result
        self.spec: Workspace = live.state.workspaces[slug]
        self.comments: dict[Path, str] = {}
        self.config_names: dict[str, dict[str, str]] = {}
        """Kind → live id → config name (for translating references)."""

    def path(self, *parts: str | int) -> Path:
        return ("workspaces", self.slug, *parts)

    def objects(self, collection: str, kind: str) -> list[tuple[str, str, Any]]:
        """(live name, live id, spec) of every live object of a collection, duplicates included."""
        found = []
        for name, spec in getattr(self.spec, collection).items():
            address = f"{kind}:{self.slug}/{name}"
            found.append((name, self.live.ids.get(address, ""), spec))
            found.extend((name, live_id, other) for live_id, other in self.live.shadowed.get(address, {}).items())
        return found

    def ref(self, kind: str, value: str) -> str | None:
        """A live reference (name, `id:` or `hash:`) as the config name of its object, if exported."""
        prefix, _, rest = value.partition(":")
        by_id = prefix in ("id", "hash") and rest
        live_id = rest if by_id else self.live.ids.get(f"{kind}:{self.slug}/{value}", "")
        return self.config_names.get(kind, {}).get(live_id)

    def refs(self, kind: str, values: list[str] | None, where: Path) -> list[str] | None:
        if not values:
            return None
        names = [self.ref(kind, value) for value in values]
        missing = len([n for n in names if n is None])
        if missing:
            self.comments[where] = f"{missing} live reference(s) to objects outside this export left out"
        return [n for n in names if n is not None] or None

    def document(self) -> dict[str, Any]:
        ws = self.spec
        body: dict[str, Any] = {
            "name": ws.name,
            **_dump(ws, exclude={*WORKSPACE_FIELDS, "include_byok_in_budgets", "name"}),
        }
        body["budgets"] = _dump(ws.budgets)
        if ws.include_byok_in_budgets:
            body["include_byok_in_budgets"] = True
        if ws.default_guardrail is not None:
            body["default_guardrail"] = _dump(ws.default_guardrail)
        if ws.members is not None:
            body["members"] = list(ws.members)
        chosen: dict[str, list[tuple[str, str, str, Any]]] = {}
        shared: dict[str, set[str]] = {}
        for collection, kind in COLLECTIONS:
            objects = self.objects(collection, kind)
            rule = None if kind == "preset" else WORKSPACE_NAMES.get(collection)  # a preset's slug is its identity
            names = unique_names(((name, live_id) for name, live_id, _ in objects), rule)
            self.config_names[kind] = names
            shared[collection] = {name for name, _, _ in objects if [o[0] for o in objects].count(name) > 1}
            chosen[collection] = [
                (names[live_id], name, live_id, spec)
                for name, live_id, spec in objects
                if self.select(f"{kind}:{self.slug}/{names[live_id]}")
            ]
            self.result.counts[collection] = self.result.counts.get(collection, 0) + len(chosen[collection])
        for collection, kind in COLLECTIONS:
            entries: dict[str, Any] = {}
            for config_name, live_name, live_id, spec in chosen[collection]:
                where = self.path(collection, config_name)
                entry = ENTRIES.get(kind, _Workspace._plain)(self, spec, where, config_name)
                if live_name in shared[collection] or config_name != live_name:
                    entry = {"id": live_id, **entry}
                if config_name != live_name:
                    why = "is shared" if live_name in shared[collection] else "breaks the config's name rules"
                    self._comment(
                        where, f"live name '{live_name}' {why}; this one is pinned by id and renamed on apply"
                    )
                    self.result.renamed.append(f"{kind}:{self.slug}/{config_name} (live name '{live_name}')")
                elif "id" in entry:
                    self._comment(where, f"live name '{live_name}' is shared: pinned to this one by id")
                entries[config_name] = entry
            if entries:
                body[collection] = entries
        return body

    def _comment(self, where: Path, text: str) -> None:
        self.comments[where] = f"{text}; {self.comments[where]}" if where in self.comments else text

    def _plain(self, spec: Any, where: Path, name: str) -> dict[str, Any]:
        """A kind whose spec is its config entry as it stands (guardrails)."""
        return _dump(spec)

    def _api_key(self, spec: Any, where: Path, name: str) -> dict[str, Any]:
        entry = _dump(spec, exclude={"guardrail"})
        facts = key_facts(spec)
        if facts:
            self.comments[where] = facts  # read from the API, not config: a comment
        if spec.guardrail is not None:
            guardrail = self.ref("guardrail", spec.guardrail)
            if guardrail is None:
                self._comment(where, "its live guardrail is not part of this export")
            else:
                entry["guardrail"] = guardrail
        return entry

    def _preset(self, spec: Any, where: Path, name: str) -> dict[str, Any]:
        self.comments[where] = (
            "add `publish_with: <key name>` (a key of this workspace with a readable secret_sink) "
            "before changing it: versions are written with an inference key"
        )
        return _dump(spec)

    def _byok_key(self, spec: Any, where: Path, name: str) -> dict[str, Any]:
        # For these providers the API takes the region from the key: written out, a rotation to a
        # key of another region would be refused (409) instead of followed.
        from_key = spec.provider in REGION_FROM_KEY and spec.declared_region is not None
        entry = _dump(spec, exclude={"allowed_keys", *(("declared_region",) if from_key else ())})
        if from_key:
            self.comments[where] = (
                f"declared_region {spec.declared_region} comes from the key (left out: it follows it)"
            )
        entry = {"provider": spec.provider, "key": f"env:{_env_name('BYOK', self.slug, name)}", **entry}
        self.comments[(*where, "key")] = (
            f"fill in: a reference to the {spec.provider} credential; read only when it is sent "
            "(a create, or a change of `rotation`)"
        )
        self.result.placeholders.append(".".join(str(p) for p in (*where, "key")))
        allowed = self.refs("api_key", spec.allowed_keys, (*where, "allowed_keys"))
        if allowed:
            entry["allowed_keys"] = allowed
        marker = self.live.rotation_markers.get(f"byok_key:{self.slug}/{name}")
        if marker:
            entry["rotation"] = marker
        return entry

    def _observability_destination(self, spec: Any, where: Path, name: str) -> dict[str, Any]:
        default_regions = spec.regions == list(DEFAULT_REGIONS)  # what a new destination gets: left out
        entry = _dump(spec, exclude={"api_keys", "config", *(("regions",) if default_regions else ())})
        config = dict(spec.config)
        for secret in OBSERVABILITY_REQUIRED_CONFIG.get(spec.type, ()):
            if secret in OBSERVABILITY_SECRET_CONFIG_KEYS:
                config[secret] = f"env:{_env_name('OBS', self.slug, name, secret)}"
                self.comments[(*where, "config", secret)] = (
                    f"fill in: a reference to the {spec.type} {secret}; read only when it is sent "
                    "(a create, or a change of `rotation`)"
                )
                self.result.placeholders.append(".".join(str(p) for p in (*where, "config", secret)))
        for key, value in config.items():
            if _masked(value):
                self.comments[(*where, "config", key)] = MASKED_NOTE
        entry = {"type": spec.type, "config": config, **{k: v for k, v in entry.items() if k != "type"}}
        api_keys = self.refs("api_key", spec.api_keys, (*where, "api_keys"))
        if api_keys:
            entry["api_keys"] = api_keys
        marker = self.live.rotation_markers.get(f"observability_destination:{self.slug}/{name}")
        if marker:
            entry["rotation"] = marker
        return entry


ENTRIES: dict[str, Callable[[_Workspace, Any, Path, str], dict[str, Any]]] = {
    "api_key": _Workspace._api_key,
    "preset": _Workspace._preset,
    "byok_key": _Workspace._byok_key,
    "observability_destination": _Workspace._observability_destination,
}
"""The named kinds written into a config file otherwise than as their spec's dump (references by
config name, secrets as placeholders, facts as comments); every other kind is `_Workspace._plain`."""


def export_account(
    live: LiveSnapshot,
    *,
    workspaces: Collection[str] = (),
    select: Selector = lambda address: True,
) -> ExportResult:
    """The config files for ``live`` (only ``workspaces`` when given; only objects ``select`` keeps)."""
    result = ExportResult()
    for slug in live.state.workspaces:
        if workspaces and slug not in workspaces:
            continue
        builder = _Workspace(live, slug, select, result)
        body = builder.document()
        inside = any(k in body for k, _ in COLLECTIONS)
        if not (select(f"workspace:{slug}") or inside):
            continue
        result.files[workspace_file(slug)] = to_yaml(
            {"version": CONFIG_VERSION, "workspaces": {slug: body}}, builder.comments, _header(f"Workspace '{slug}'")
        )
        result.counts["workspaces"] = result.counts.get("workspaces", 0) + 1
    for address in live.unnamed:
        result.skipped.append(f"{address}: it has no name (name it in OpenRouter to manage it)")
    for orphan in live.orphans:
        result.skipped.append(f"api_key:{orphan.workspace}/{orphan.name}: orphan of an interrupted apply")
    for credential in live.global_byok:
        result.skipped.append(
            f"{credential.address}: a global credential ({credential.spec.provider}, workspace_id null), usable "
            "in every workspace; the config declares credentials per workspace, so orctl leaves it alone"
        )
    organization: dict[str, Any] = {"version": CONFIG_VERSION}
    settings = live.state.organization
    if settings is not None and settings.filtered_model_catalog is not None and select("organization_settings"):
        organization["organization"] = _dump(settings)
    result.files[ORGANIZATION_FILE] = to_yaml(
        organization,
        {},
        [
            *_header("Organization-level settings"),
            "Undeclared live objects are reported as unmanaged, never changed (ownership.prune is off).",
            *_global_lines(live),
        ],
    )
    return result
