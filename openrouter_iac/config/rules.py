"""Rules the schema alone cannot express: references between objects, the API's own limits, and
secret hygiene. They run on the merged raw document (alongside the schema check), so every problem
in a config is reported at once, and each is tied to the path of the offending value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.regex_rules import pattern_problem
from openrouter_iac.config.schema_errors import suggest
from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.errors import SecretError
from openrouter_iac.model.config import CONFIG_VERSION
from openrouter_iac.model.enums import (
    BYOK_PROVIDERS,
    MAX_DESTINATIONS_PER_TYPE,
    OBSERVABILITY_REQUIRED_CONFIG,
    OBSERVABILITY_SECRET_CONFIG_KEYS,
)
from openrouter_iac.secrets.refs import looks_like_secret_literal, parse_secret_ref

Problem = tuple[PathKey, bool, str]
"""(path, about the mapping key rather than the value, reason)."""

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROTECT_KINDS = ("workspace", "guardrail", "api_key", "preset", "byok_key", "observability_destination")
_UNREADABLE_SINK_TYPES = frozenset({"command"})


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _workspaces(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for slug, workspace in _mapping(data.get("workspaces")).items():
        if isinstance(workspace, dict):
            yield slug, workspace


def _check_version(data: dict[str, Any]) -> Iterator[Problem]:
    version = data.get("version")
    if "version" not in data:
        yield (), False, f"required key 'version' is missing (add `version: {CONFIG_VERSION}` at the top)"
    elif isinstance(version, int) and not isinstance(version, bool) and version > CONFIG_VERSION:
        yield (
            ("version",),
            False,
            f"this config is version {version}, but this orctl understands version {CONFIG_VERSION} "
            "only: upgrade orctl",
        )
    elif isinstance(version, int) and not isinstance(version, bool) and version < 1:
        yield ("version",), False, f"version must be {CONFIG_VERSION}"


def _check_slug(slug: str) -> Iterator[Problem]:
    path = ("workspaces", slug)
    if not 1 <= len(slug) <= 50:
        yield path, True, f"workspace slug '{slug}' must be 1 to 50 characters long"
    elif not _SLUG.match(slug):
        yield (
            path,
            True,
            f"workspace slug '{slug}' must be lowercase letters and digits in groups separated by "
            "single dashes (pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$)",
        )


def _reference(value: Any, path: PathKey, defined: dict[str, Any], what: str, where: str) -> Iterator[Problem]:
    if not isinstance(value, str) or value in defined:
        return
    known = ", ".join(sorted(defined)) or "none"
    yield path, False, f"unknown {what} '{value}' in {where} (defined: {known}){suggest(value, defined)}"


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
        yield path, False, exc.message


def _check_keys(slug: str, workspace: dict[str, Any], data: dict[str, Any]) -> Iterator[Problem]:
    guardrails = _mapping(workspace.get("guardrails"))
    sinks = _mapping(data.get("secret_sinks"))
    prefix = _mapping(data.get("ownership")).get("key_name_prefix") or ""
    for name, key in _mapping(workspace.get("keys")).items():
        path: PathKey = ("workspaces", slug, "keys", name)
        if isinstance(prefix, str) and prefix and not name.startswith(prefix):
            yield path, True, f"key name '{name}' must start with ownership.key_name_prefix '{prefix}'"
        if not name.strip() or name != name.strip():
            yield path, True, "key names may not be empty or start or end with spaces"
        if not isinstance(key, dict):
            continue
        yield from _reference(
            key.get("guardrail"), (*path, "guardrail"), guardrails, "guardrail", f"workspace '{slug}'"
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
        path: PathKey = ("workspaces", slug, "guardrails", name)
        if not 1 <= len(name) <= 200:
            yield path, True, "guardrail names must be 1 to 200 characters long"
        yield from _check_policy(guardrail, path)


def _check_presets(slug: str, workspace: dict[str, Any], data: dict[str, Any]) -> Iterator[Problem]:
    keys = _mapping(workspace.get("keys"))
    sinks = _mapping(data.get("secret_sinks"))
    for name, preset in _mapping(workspace.get("presets")).items():
        path: PathKey = ("workspaces", slug, "presets", name)
        if not _SLUG.match(name):
            yield path, True, f"preset slug '{name}' must be lowercase letters and digits separated by dashes"
        publisher = _mapping(preset).get("publish_with")
        if publisher is None:
            if preset is not None:
                yield (
                    path,
                    True,
                    (
                        "a preset needs `publish_with: <key name>`: upstream, versions are written with an "
                        "ordinary API key of the workspace"
                    ),
                )
            continue
        yield from _reference(publisher, (*path, "publish_with"), keys, "key", f"workspace '{slug}'")
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
                    "back to publish versions; use a keyring, file or env-file sink"
                ),
            )


def _check_byok(slug: str, workspace: dict[str, Any]) -> Iterator[Problem]:
    keys = _mapping(workspace.get("keys"))
    for name, byok in _mapping(workspace.get("byok")).items():
        path: PathKey = ("workspaces", slug, "byok", name)
        if len(name) > 255:
            yield path, True, "BYOK credential names must be at most 255 characters long"
        if not isinstance(byok, dict):
            continue
        provider = byok.get("provider")
        if isinstance(provider, str) and provider not in BYOK_PROVIDERS:
            yield (
                (*path, "provider"),
                False,
                (f"'{provider}' is not a BYOK provider slug{suggest(provider, BYOK_PROVIDERS)}"),
            )
        if "key" not in byok:
            yield path, False, "required key 'key' is missing (a reference such as env:NAME)"
        else:
            yield from _check_secret_ref(byok["key"], (*path, "key"))
        for index, key_name in enumerate(byok.get("allowed_keys") or []):
            yield from _reference(key_name, (*path, "allowed_keys", index), keys, "key", f"workspace '{slug}'")


def _check_observability(slug: str, workspace: dict[str, Any]) -> Iterator[Problem]:
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
            yield from _reference(key_name, (*path, "api_keys", index), keys, "key", f"workspace '{slug}'")
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


def _check_preset_slugs_unique(data: dict[str, Any]) -> Iterator[Problem]:
    first_seen: dict[str, str] = {}
    for slug, workspace in _workspaces(data):
        for name in _mapping(workspace.get("presets")):
            if name in first_seen:
                yield (
                    ("workspaces", slug, "presets", name),
                    True,
                    (
                        f"preset slug '{name}' is also declared in workspace '{first_seen[name]}'; "
                        "preset slugs are account-wide upstream"
                    ),
                )
            else:
                first_seen[name] = slug


def _declared_addresses(data: dict[str, Any]) -> set[str]:
    found = set()
    kinds = {
        "guardrails": "guardrail",
        "keys": "api_key",
        "presets": "preset",
        "byok": "byok_key",
        "observability": "observability_destination",
    }
    for slug, workspace in _workspaces(data):
        found.add(f"workspace:{slug}")
        for collection, kind in kinds.items():
            found.update(f"{kind}:{slug}/{name}" for name in _mapping(workspace.get(collection)))
    return found


def _check_protect(data: dict[str, Any]) -> Iterator[Problem]:
    declared = _declared_addresses(data)
    entries = _mapping(data.get("safety")).get("protect")
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


def _check_sinks(data: dict[str, Any]) -> Iterator[Problem]:
    for name, sink in _mapping(data.get("secret_sinks")).items():
        if not re.match(r"^[A-Za-z0-9_.-]+$", name):
            yield ("secret_sinks", name), True, "sink names may use letters, digits, '.', '_' and '-' only"
        if isinstance(sink, dict) and sink.get("type") == "command" and isinstance(sink.get("run"), list):
            for index, arg in enumerate(sink["run"]):
                if isinstance(arg, str) and looks_like_secret_literal(arg):
                    yield (
                        ("secret_sinks", name, "run", index),
                        False,
                        "this looks like a secret; keep it out of argv",
                    )


def check_rules(data: dict[str, Any]) -> list[Problem]:
    """Every rule problem in the merged raw document."""
    problems: list[Problem] = [*_check_version(data), *_check_sinks(data), *_check_protect(data)]
    problems.extend(_check_preset_slugs_unique(data))
    for slug, workspace in _workspaces(data):
        problems.extend(_check_slug(slug))
        problems.extend(_check_keys(slug, workspace, data))
        problems.extend(_check_guardrails(slug, workspace))
        problems.extend(_check_presets(slug, workspace, data))
        problems.extend(_check_byok(slug, workspace))
        problems.extend(_check_observability(slug, workspace))
    return problems
