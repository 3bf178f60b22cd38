"""The objects of a raw config document that a kind's spec describes, found through the table of
kinds (so a rule written once covers every kind, and a new kind needs no edit here)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.kinds import KINDS, ResourceKind
from openrouter_iac.model.resources import Workspace


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _holds(setting: str, kind: ResourceKind) -> bool:
    """Whether the workspace setting ``setting`` is one object of ``kind``'s spec (`default_guardrail`)."""
    annotation = Workspace.model_fields[setting].annotation
    return annotation is kind.spec or kind.spec in typing.get_args(annotation)


def declared_objects(data: dict[str, Any]) -> Iterator[tuple[ResourceKind, PathKey, dict[str, Any]]]:
    """(kind, path, raw mapping) of the organization settings, every workspace, its settings
    objects and the objects of its named collections, in document order."""
    for kind in KINDS:
        if kind.name == "organization_settings" and isinstance(data.get("organization"), dict):
            yield kind, ("organization",), data["organization"]
    for slug, workspace in _mapping(data.get("workspaces")).items():
        if not isinstance(workspace, dict):
            continue
        base: PathKey = ("workspaces", slug)
        for kind in KINDS:
            if kind.name == "workspace":
                yield kind, base, workspace
            for setting in kind.settings:
                if isinstance(workspace.get(setting), dict) and _holds(setting, kind):
                    yield kind, (*base, setting), workspace[setting]
            if kind.collection is not None:
                for name, spec in _mapping(workspace.get(kind.collection)).items():
                    if isinstance(spec, dict):
                        yield kind, (*base, kind.collection, name), spec
