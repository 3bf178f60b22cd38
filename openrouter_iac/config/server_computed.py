"""Fields the API sets (a key's `last_used_at`, `external_user`): read, shown, never written.

The spec models carry them so the reader can show them; a config that writes one is told so,
rather than having the value silently ignored. Every kind's spec is checked (the table of kinds).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.objects import declared_objects
from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.model.traits import SERVER_COMPUTED, fields_with

Problem = tuple[PathKey, bool, str]


def check_server_computed(data: dict[str, Any]) -> Iterator[Problem]:
    """A problem for each server-computed field written in a config."""
    for kind, path, spec in declared_objects(data):
        for field in sorted(fields_with(kind.spec, SERVER_COMPUTED) & spec.keys()):
            yield (
                (*path, field),
                True,
                f"'{field}' is set by the API and only read (orctl shows it); remove it from the config",
            )
