"""Lists written with every item commented out.

`allowed_providers:` followed only by commented-out items is YAML null, which would mean "no
restriction at all": the opposite of what the author meant. `[]` is refused by the schema; an empty
value is refused here, for every list where null means "everything" (or "nothing ignored"). The word
`null` (or `~`) written out is meant: it lifts the restriction (absent leaves it as it is).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.yaml_source import PathKey

Problem = tuple[PathKey, bool, str]

GUARDRAIL_LISTS = ("allowed_models", "ignored_models", "allowed_providers", "ignored_providers", "allowed_data_regions")
BYOK_LISTS = ("allowed_models", "allowed_keys", "allowed_user_ids")
OBSERVABILITY_LISTS = ("api_keys",)
WORKSPACE_LISTS = ("disabled_server_tools",)

REASON = (
    "the list is empty (null: are its items commented out?); list at least one item, "
    "write `null` to lift the restriction, or remove the key to leave it as it is"
)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _nulls(spec: Any, path: PathKey, names: tuple[str, ...], written: frozenset[PathKey]) -> Iterator[Problem]:
    spec = _mapping(spec)
    for name in names:
        # `allowed_models: null` written out lifts the restriction (absent would leave it as it is).
        if name in spec and spec[name] is None and (*path, name) not in written:
            yield (*path, name), False, REASON


UNCLEARABLE = "regions cannot be cleared (the API keeps at least one); write [global] for the default"
OBSERVABILITY_UNCLEARABLE = ("regions",)


def _uncleared(spec: Any, path: PathKey, names: tuple[str, ...]) -> Iterator[Problem]:
    spec = _mapping(spec)
    for name in names:
        if name in spec and spec[name] is None:
            yield (*path, name), False, UNCLEARABLE


def check_null_lists(data: dict[str, Any], written: frozenset[PathKey] = frozenset()) -> Iterator[Problem]:
    """A problem for each list present with no value, in document order."""
    for slug, workspace in _mapping(data.get("workspaces")).items():
        base = ("workspaces", slug)
        workspace = _mapping(workspace)
        yield from _nulls(workspace, base, WORKSPACE_LISTS, written)
        yield from _nulls(workspace.get("default_guardrail"), (*base, "default_guardrail"), GUARDRAIL_LISTS, written)
        for name, guardrail in _mapping(workspace.get("guardrails")).items():
            yield from _nulls(guardrail, (*base, "guardrails", name), GUARDRAIL_LISTS, written)
        for name, byok in _mapping(workspace.get("byok")).items():
            yield from _nulls(byok, (*base, "byok", name), BYOK_LISTS, written)
        for name, destination in _mapping(workspace.get("observability")).items():
            yield from _nulls(destination, (*base, "observability", name), OBSERVABILITY_LISTS, written)
            yield from _uncleared(destination, (*base, "observability", name), OBSERVABILITY_UNCLEARABLE)
