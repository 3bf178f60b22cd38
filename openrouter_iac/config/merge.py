"""Merging the YAML files of a config directory (in name order) into one document.

Collections merge (workspaces, each workspace's guardrails/keys/presets/byok/observability, secret
sinks); any object or setting defined in two files is an error naming both places.
"""

from __future__ import annotations

from typing import Any

from openrouter_iac.config.yaml_source import PathKey, Position, SourceMap, dotted
from openrouter_iac.kinds import NAMED

__all__ = ["Merger", "dotted"]

_WORKSPACE_COLLECTIONS = frozenset(kind.collection for kind in NAMED if kind.collection)


def _is_collection(path: PathKey) -> bool:
    """Mappings whose entries may come from different files."""
    if path in ((), ("workspaces",), ("secret_sinks",)):
        return True
    if len(path) == 2 and path[0] == "workspaces":
        return True  # a workspace's settings in one file, its keys in another
    return len(path) == 3 and path[0] == "workspaces" and path[2] in _WORKSPACE_COLLECTIONS


class Merger:
    """Accumulates documents; ``problems`` collects every clash."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.source_map = SourceMap()
        self.problems: list[tuple[Position, PathKey, str]] = []

    def add(self, document: dict[str, Any], source_map: SourceMap) -> None:
        self._merge(self.data, document, (), source_map)
        # Positions of nodes that were merged keep the first file's entry for shared containers.
        for mine, theirs in ((self.source_map.values, source_map.values), (self.source_map.keys, source_map.keys)):
            if not mine:
                mine.update(theirs)  # the first file: the same as setdefault for each, at C speed
                continue
            for path, where in theirs.items():
                mine.setdefault(path, where)
        self.source_map.written_nulls.update(source_map.written_nulls)

    def _merge(self, into: dict[str, Any], new: dict[str, Any], path: PathKey, source_map: SourceMap) -> None:
        for key, value in new.items():
            child = (*path, key)
            if key not in into:
                into[key] = value
                continue
            existing = into[key]
            if _is_collection(child) and isinstance(existing, dict) and isinstance(value, dict):
                self._merge(existing, value, child, source_map)
            elif child == ("version",) and existing == value:
                continue  # every file may state the version it is written for
            elif child == ("version",):
                first = self.source_map.value_position(child)
                again = source_map.value_position(child)
                if again is not None:
                    self.problems.append(
                        (again, child, f"version {value!r} here, but {existing!r} at {first}; all files must agree")
                    )
            else:
                first = self.source_map.key_position(child)
                again = source_map.key_position(child)
                if again is not None:
                    self.problems.append((again, child, f"defined twice: first at {first}, again here"))
