"""Fields the API sets (a key's `last_used_at`, `external_user`): read, shown, never written.

The spec models carry them so the reader can show them; a config that writes one is told so,
rather than having the value silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.kinds import NAMED
from openrouter_iac.model.traits import SERVER_COMPUTED, fields_with

Problem = tuple[PathKey, bool, str]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def check_server_computed(data: dict[str, Any]) -> Iterator[Problem]:
    """A problem for each server-computed field written in a config, for every named kind."""
    for slug, workspace in _mapping(data.get("workspaces")).items():
        for kind in NAMED:
            computed = fields_with(kind.spec, SERVER_COMPUTED)
            if not computed:
                continue
            for name, spec in _mapping(_mapping(workspace).get(kind.collection or "")).items():
                for field in sorted(computed & _mapping(spec).keys()):
                    yield (
                        ("workspaces", slug, kind.collection or "", name, field),
                        True,
                        f"'{field}' is set by the API and only read (orctl shows it); remove it from the config",
                    )
