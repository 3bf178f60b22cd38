"""Rules the schema alone cannot express: references between objects, the API's own limits, and
secret hygiene. They run on the merged raw document (alongside the schema check), so every problem
in a config is reported at once, and each is tied to the path of the offending value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.null_lists import check_null_lists
from openrouter_iac.config.quoted_booleans import check_quoted_booleans
from openrouter_iac.config.regex_rules import pattern_problem
from openrouter_iac.config.schema_errors import suggest
from openrouter_iac.config.server_computed import check_server_computed
from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.errors import SecretError
from openrouter_iac.kinds import KINDS, NAMED, WORKSPACE_NAMES
from openrouter_iac.model.address import Address
from openrouter_iac.model.config import CONFIG_VERSION
from openrouter_iac.model.enums import (
    BYOK_PROVIDERS,
    MAX_DESTINATIONS_PER_TYPE,
    OBSERVABILITY_REQUIRED_CONFIG,
    OBSERVABILITY_SECRET_CONFIG_KEYS,
)
from openrouter_iac.model.names import SECRET_SINK_NAME, WORKSPACE_SLUG
from openrouter_iac.secrets.refs import looks_like_secret_literal, parse_secret_ref

Problem = tuple[PathKey, bool, str]
"""(path, about the mapping key rather than the value, reason)."""

PROTECT_KINDS = tuple(kind.name for kind in KINDS if kind.protectable)
_UNREADABLE_SINK_TYPES = frozenset({"command"})


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _workspaces(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for slug, workspace in _mapping(data.get("workspaces")).items():
        if isinstance(workspace, dict):
            yield slug, workspace


def _check_version(data: dict[str, Any]) -> Iterator[Problem]:
    # A missing version is a schema error (required key); only the values are checked here.
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > CONFIG_VERSION:
        yield (
            ("version",),
            False,
            f"this config is version {version}, but this orctl understands version {CONFIG_VERSION} "
            "only: upgrade orctl",
        )
    elif isinstance(version, int) and not isinstance(version, bool) and version < 1:
        yield ("version",), False, f"version must be {CONFIG_VERSION}"


def _check_names(data: dict[str, Any]) -> Iterator[Problem]:
    """The one set of name rules (each kind's `name_rule`), for every named kind."""
    for name in _mapping(data.get("secret_sinks")):
        if problem := SECRET_SINK_NAME.problem(str(name)):
            yield ("secret_sinks", name), True, problem
    for slug, workspace in _workspaces(data):
        if problem := WORKSPACE_SLUG.problem(str(slug)):
            yield ("workspaces", slug), True, problem
        for collection, rule in WORKSPACE_NAMES.items():
            for name in _mapping(workspace.get(collection)):
                if problem := rule.problem(str(name)):
                    yield ("workspaces", slug, collection, name), True, problem


def _reference(
    value: Any,
    path: PathKey,
    defined: dict[str, Any],
    what: str,
    where: str,
    elsewhere: dict[str, list[str]] | None = None,
) -> Iterator[Problem]:
    """An unknown name in ``defined``. ``elsewhere`` maps names to the other workspaces declaring
    them, so a reference across workspaces says why it does not count."""
    if not isinstance(value, str) or value in defined:
        return
    known = ", ".join(sorted(defined)) or "none"
    other = (elsewhere or {}).get(value)
    if other:
        note = f"; '{value}' is declared in workspace '{other[0]}', but a workspace can only refer to its own {what}s"
    else:
        note = suggest(value, defined)
    yield path, False, f"unknown {what} '{value}' in {where} (defined: {known}){note}"


def _names_by_workspace(data: dict[str, Any], collection: str) -> dict[str, list[str]]:
    """Name -> the workspaces whose ``collection`` declares it."""
    found: dict[str, list[str]] = defaultdict(list)
    for slug, workspace in _workspaces(data):
        for name in _mapping(workspace.get(collection)):
            found[name].append(slug)
    return found


def _elsewhere(names: dict[str, list[str]], slug: str) -> dict[str, list[str]]:
    return {name: [s for s in slugs if s != slug] for name, slugs in names.items()}


def _check_secret_ref(value: Any, path: PathKey) -> Iterator[Problem]:
    if not isinstance(value, str):
        return
    if looks_like_secret_literal(value) and ":" not in value.split("/", 1)[0]:
        yield (
            path,
            False,
            "a secret value must not be written in the config: use a reference "
            "(env:NAME, keyring:SERVICE/NAME or file:PATH)",
        )
        return
    try:
        parse_secret_ref(value)
    except SecretError as exc:
        yield path, False, f"{exc.message}; {exc.hint}" if exc.hint else exc.message


def _check_keys(slug: str, workspace: dict[str, Any], data: dict[str, Any]) -> Iterator[Problem]:
    guardrails = _mapping(workspace.get("guardrails"))
    other_guardrails = _elsewhere(_names_by_workspace(data, "guardrails"), slug)
    sinks = _mapping(data.get("secret_sinks"))
    prefix = _mapping(data.get("ownership")).get("key_name_prefix") or ""
    for name, key in _mapping(workspace.get("keys")).items():
        path: PathKey = ("workspaces", slug, "keys", name)
        if isinstance(prefix, str) and prefix and not name.startswith(prefix):
            yield path, True, f"key name '{name}' must start with ownership.key_name_prefix '{prefix}'"
        if not isinstance(key, dict):
            continue
        yield from _reference(
            key.get("guardrail"),
            (*path, "guardrail"),
            guardrails,
            "guardrail",
            f"workspace '{slug}'",
            other_guardrails,
        )
        yield from _reference(key.get("secret_sink"), (*path, "secret_sink"), sinks, "secret sink", "secret_sinks")


def _check_policy(policy: Any, path: PathKey) -> Iterator[Problem]:
    for index, entry in enumerate(_mapping(policy).get("content_filters") or []):
        pattern = entry.get("pattern") if isinstance(entry, dict) else None
        if isinstance(pattern, str) and pattern:
            problem = pattern_problem(pattern)
            if problem:
                yield (*path, "content_filters", index, "pattern"), False, problem


def _check_guardrails(slug: str, workspace: dict[str, Any]) -> Iterator[Problem]:
    yield from _check_policy(workspace.get("default_guardrail"), ("workspaces", slug, "default_guardrail"))
    for name, guardrail in _mapping(workspace.get("guardrails")).items():
        yield from _check_policy(guardrail, ("workspaces", slug, "guardrails", name))


def _check_presets(
    slug: str, workspace: dict[str, Any], data: dict[str, Any], other_keys: dict[str, list[str]]
) -> Iterator[Problem]:
    keys = _mapping(workspace.get("keys"))
    sinks = _mapping(data.get("secret_sinks"))
    for name, preset in _mapping(workspace.get("presets")).items():
        path: PathKey = ("workspaces", slug, "presets", name)
        publisher = _mapping(preset).get("publish_with")
        if publisher is None:
            continue  # fine until a version must be written: apply's pre-flight check asks for it then
        yield from _reference(publisher, (*path, "publish_with"), keys, "API key", f"workspace '{slug}'", other_keys)
        sink_name = _mapping(keys.get(publisher)).get("secret_sink")
        sink_type = _mapping(sinks.get(sink_name)).get("type") if isinstance(sink_name, str) else None
        if publisher in keys and sink_name is None:
            yield (
                (*path, "publish_with"),
                False,
                (f"key '{publisher}' has no secret_sink, so orctl cannot read its secret to publish versions"),
            )
        elif sink_type in _UNREADABLE_SINK_TYPES:
            yield (
                (*path, "publish_with"),
                False,
                (
                    f"key '{publisher}' stores its secret in a '{sink_type}' sink, which orctl cannot read "
                    "back to publish versions; use a sink it can read back: keyring, file, env-file or "
                    "aws-secrets-manager"
                ),
            )


def _check_byok(slug: str, workspace: dict[str, Any], other_keys: dict[str, list[str]]) -> Iterator[Problem]:
    keys = _mapping(workspace.get("keys"))
    for name, byok in _mapping(workspace.get("byok")).items():
        path: PathKey = ("workspaces", slug, "byok", name)
        if not isinstance(byok, dict):
            continue
        if "key" not in byok:
            yield path, True, "required key 'key' is missing (a reference such as env:NAME)"
        else:
            yield from _check_secret_ref(byok["key"], (*path, "key"))
        for index, key_name in enumerate(byok.get("allowed_keys") or []):
            yield from _reference(
                key_name, (*path, "allowed_keys", index), keys, "API key", f"workspace '{slug}'", other_keys
            )


def _check_observability(slug: str, workspace: dict[str, Any], other_keys: dict[str, list[str]]) -> Iterator[Problem]:
    keys = _mapping(workspace.get("keys"))
    per_type: dict[str, list[str]] = defaultdict(list)
    for name, destination in _mapping(workspace.get("observability")).items():
        path: PathKey = ("workspaces", slug, "observability", name)
        if not isinstance(destination, dict):
            continue
        kind = destination.get("type")
        if isinstance(kind, str):
            per_type[kind].append(name)
        config = destination.get("config")
        if isinstance(config, dict) and isinstance(kind, str) and kind in OBSERVABILITY_REQUIRED_CONFIG:
            missing = [k for k in OBSERVABILITY_REQUIRED_CONFIG[kind] if k not in config]
            if missing:
                yield (
                    (*path, "config"),
                    False,
                    f"a {kind} destination needs config keys: {', '.join(missing)}",
                )
        for key, value in _mapping(config).items():
            if key in OBSERVABILITY_SECRET_CONFIG_KEYS:
                if isinstance(value, str) and ":" in value and not looks_like_secret_literal(value):
                    yield from _check_secret_ref(value, (*path, "config", key))
                else:
                    yield (
                        (*path, "config", key),
                        False,
                        (
                            f"'{key}' is a secret: write a reference (env:NAME, keyring:SERVICE/NAME or "
                            "file:PATH), not the value"
                        ),
                    )
            elif isinstance(value, str) and looks_like_secret_literal(value):
                yield (
                    (*path, "config", key),
                    False,
                    ("this looks like a secret; write a reference (env:NAME, keyring:SERVICE/NAME or file:PATH)"),
                )
        for index, key_name in enumerate(destination.get("api_keys") or []):
            yield from _reference(
                key_name, (*path, "api_keys", index), keys, "API key", f"workspace '{slug}'", other_keys
            )
    for kind, names in per_type.items():
        if len(names) > MAX_DESTINATIONS_PER_TYPE:
            yield (
                ("workspaces", slug, "observability", names[MAX_DESTINATIONS_PER_TYPE]),
                True,
                (
                    f"at most {MAX_DESTINATIONS_PER_TYPE} {kind} destinations per workspace; "
                    f"this is number {MAX_DESTINATIONS_PER_TYPE + 1} ({', '.join(names)})"
                ),
            )


_RENAMABLE = {kind.collection: kind.singular for kind in NAMED if kind.renamable and kind.collection}


def _previous_name_problems(
    entries: dict[PathKey, tuple[str, str]], in_use: dict[str, str], kind: str
) -> Iterator[Problem]:
    """``entries``: path of each previous-names entry -> (the earlier name, the current owner).
    ``in_use``: names declared now -> where (for the message)."""
    claimed: dict[str, str] = {}
    for path, (old, owner) in entries.items():
        if old == owner:
            yield path, False, f"previous name '{old}' is this {kind}'s current name"
        elif old in in_use:
            yield (
                path,
                False,
                (
                    f"previous name '{old}' is still in use ({in_use[old]}); a previous name must name "
                    "nothing declared now: remove it here, or rename the other one"
                ),
            )
        elif old in claimed and claimed[old] != owner:
            yield (
                path,
                False,
                f"previous name '{old}' is also claimed by {kind} '{claimed[old]}'; only one {kind} can take it over",
            )
        claimed.setdefault(old, owner)


def _previous_entries(collection: dict[str, Any], base: PathKey) -> dict[PathKey, tuple[str, str]]:
    entries: dict[PathKey, tuple[str, str]] = {}
    for name, spec in collection.items():
        previous = _mapping(spec).get("previous_names")
        for index, old in enumerate(previous if isinstance(previous, list) else []):
            if isinstance(old, str):
                entries[(*base, name, "previous_names", index)] = (old, name)
    return entries


def _check_previous_names(data: dict[str, Any]) -> Iterator[Problem]:
    """A previous name tells orctl which live object to rename; one still in use is ambiguous."""
    workspaces = dict(_workspaces(data))
    yield from _previous_name_problems(
        _previous_entries(workspaces, ("workspaces",)),
        {slug: f"workspace '{slug}' is declared in this config" for slug in workspaces},
        "workspace",
    )
    for slug, workspace in workspaces.items():
        for collection, kind in _RENAMABLE.items():
            members = _mapping(workspace.get(collection))
            entries = _previous_entries(members, ("workspaces", slug, collection))
            in_use = {name: f"{kind} '{name}' is declared in workspace '{slug}'" for name in members}
            if collection == "keys":
                # `other-workspace/name`: the key moves in from another workspace.
                for path, (old, owner) in list(entries.items()):
                    source, slash, old_name = old.partition("/")
                    if slash and source == slug:
                        entries[path] = (old_name, owner)
                    elif slash:
                        entries[path] = (old, f"{slug}/{owner}")
                in_use.update(
                    {
                        f"{other}/{name}": f"{kind} '{name}' is declared in workspace '{other}'"
                        for other, spec in workspaces.items()
                        if other != slug
                        for name in _mapping(spec.get("keys"))
                    }
                )
            yield from _previous_name_problems(entries, in_use, kind)


def _declared_addresses(data: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for slug, workspace in _workspaces(data):
        found.add(Address.of("workspace", slug))
        for kind in NAMED:
            found.update(kind.address(slug, name) for name in _mapping(workspace.get(kind.collection or "")))
    return found


def _check_protect(data: dict[str, Any]) -> Iterator[Problem]:
    entries = _mapping(data.get("safety")).get("protect")
    if not entries:
        return  # no need to list every declared address (20,000 keys: 20,000 of them)
    declared = _declared_addresses(data)
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        path: PathKey = ("safety", "protect", index)
        if not isinstance(entry, str):
            continue
        kind, _, _rest = entry.partition(":")
        if kind not in PROTECT_KINDS:
            yield (
                path,
                False,
                (
                    f"'{entry}' is not an address: write KIND:WORKSPACE[/NAME] with KIND one of "
                    f"{', '.join(PROTECT_KINDS)}{suggest(kind, PROTECT_KINDS)}"
                ),
            )
        elif entry not in declared:
            yield path, False, f"'{entry}' names nothing declared in this config{suggest(entry, declared)}"


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PLACEHOLDERS = ("workspace", "key", "WORKSPACE", "KEY")
_TEMPLATES = {
    "file": ("path",),
    "env-file": ("path", "variable"),
    "command": ("hash_record",),
    "aws-secrets-manager": ("secret_name",),
}
"""Sink settings that are templates. Command `run` arguments are left alone: they may hold braces."""
_TARGET_NAMES = {"file": "file", "env-file": "variable", "command": "hash record", "aws-secrets-manager": "secret name"}


def _expand(template: str, workspace: str, key: str) -> str:
    values = {
        "workspace": workspace,
        "key": key,
        "WORKSPACE": workspace.upper().replace("-", "_"),
        "KEY": key.upper().replace("-", "_"),
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _check_sink_templates(name: str, sink: dict[str, Any]) -> Iterator[Problem]:
    for setting in _TEMPLATES.get(str(sink.get("type")), ()):
        template = sink.get(setting)
        if not isinstance(template, str):
            continue
        for match in _PLACEHOLDER.finditer(template):
            if match.group(1) not in _PLACEHOLDERS:
                yield (
                    ("secret_sinks", name, setting),
                    False,
                    (
                        f"unknown placeholder '{match.group(0)}'{suggest(match.group(1), _PLACEHOLDERS)}; "
                        "the placeholders are {workspace}, {key}, {WORKSPACE} and {KEY}"
                    ),
                )


def _check_sink_sharing(data: dict[str, Any]) -> Iterator[Problem]:
    """Two keys whose secrets would land in the same file (or the same variable of a dotenv file)."""
    sinks = _mapping(data.get("secret_sinks"))
    taken: dict[tuple[str, str], str] = {}
    for slug, workspace in _workspaces(data):
        for key_name, key in _mapping(workspace.get("keys")).items():
            sink_name = _mapping(key).get("secret_sink")
            sink = _mapping(sinks.get(sink_name)) if isinstance(sink_name, str) else {}
            settings = _TEMPLATES.get(str(sink.get("type")), ())
            templates = [sink.get(setting) for setting in settings]
            if sink.get("type") == "env-file" and "variable" not in sink:
                templates[1] = "OPENROUTER_KEY_{WORKSPACE}_{KEY}"
            if sink.get("type") == "aws-secrets-manager" and "secret_name" not in sink:
                templates[0] = "orctl/{workspace}/{key}"
            if not templates or not all(isinstance(t, str) for t in templates):
                continue
            target = " ".join(_expand(str(t), slug, key_name) for t in templates)
            first = taken.setdefault((str(sink_name), target), f"{slug}/{key_name}")
            if first != f"{slug}/{key_name}":
                what = _TARGET_NAMES[str(sink["type"])]
                yield (
                    ("workspaces", slug, "keys", key_name, "secret_sink"),
                    False,
                    (
                        f"key '{first}' already uses sink '{sink_name}' with the same {what} "
                        f"({target}); put {{key}} (and {{workspace}}) in the sink's {' and '.join(settings)}"
                    ),
                )


def _check_sinks(data: dict[str, Any]) -> Iterator[Problem]:
    for name, sink in _mapping(data.get("secret_sinks")).items():
        if isinstance(sink, dict):
            yield from _check_sink_templates(name, sink)
        if isinstance(sink, dict) and sink.get("type") == "command" and isinstance(sink.get("run"), list):
            for index, arg in enumerate(sink["run"]):
                if isinstance(arg, str) and looks_like_secret_literal(arg):
                    yield (
                        ("secret_sinks", name, "run", index),
                        False,
                        "this looks like a secret; keep it out of argv",
                    )


def check_advice(data: dict[str, Any]) -> list[Problem]:
    """What `orctl validate` warns about without refusing the config: a BYOK provider slug this
    orctl version does not know. Upstream the list changes almost weekly, so the live `/providers`
    catalogue decides at plan time (plan/provider_slugs.py); offline it is only a warning."""
    found: list[Problem] = []
    for slug, workspace in _workspaces(data):
        for name, byok in _mapping(workspace.get("byok")).items():
            provider = byok.get("provider") if isinstance(byok, dict) else None
            if isinstance(provider, str) and provider not in BYOK_PROVIDERS:
                found.append(
                    (
                        ("workspaces", slug, "byok", name, "provider"),
                        False,
                        f"'{provider}' is not a BYOK provider slug this orctl version knows"
                        f"{suggest(provider, BYOK_PROVIDERS)}; `orctl plan` checks it against the live "
                        "/providers catalogue",
                    )
                )
    return found


def check_rules(data: dict[str, Any], written_nulls: frozenset[PathKey] = frozenset()) -> list[Problem]:
    """Every rule problem in the merged raw document (``written_nulls``: values written as `null`)."""
    problems: list[Problem] = [*_check_version(data), *_check_names(data), *_check_sinks(data), *_check_protect(data)]
    problems.extend(_check_previous_names(data))
    problems.extend(_check_sink_sharing(data))
    problems.extend(check_null_lists(data, written_nulls))
    problems.extend(check_server_computed(data))
    problems.extend(check_quoted_booleans(data))
    key_names = _names_by_workspace(data, "keys")
    for slug, workspace in _workspaces(data):
        other_keys = _elsewhere(key_names, slug)
        problems.extend(_check_keys(slug, workspace, data))
        problems.extend(_check_guardrails(slug, workspace))
        problems.extend(_check_presets(slug, workspace, data, other_keys))
        problems.extend(_check_byok(slug, workspace, other_keys))
        problems.extend(_check_observability(slug, workspace, other_keys))
    return problems
