"""The table of resource kinds: one module per kind, listed here in apply order.

Adding a kind is one module here (its reads, its `writes` path and `body`), a line in this
table and its spec model, plus its emulator route, tests and docs; ``tests/test_kinds.py`` fails
while any part of it is missing. See docs/architecture.md "Adding a kind".
"""

from __future__ import annotations

from dataclasses import replace

from openrouter_iac.kinds import (
    api_key,
    assignment,
    budget,
    byok_key,
    default_guardrail,
    guardrail,
    members,
    observability,
    organization,
    preset,
    workspace,
)
from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.address import KindName
from openrouter_iac.model.names import NameRule
from openrouter_iac.model.resources import Workspace

_DECLARED: tuple[ResourceKind, ...] = (
    organization.KIND,
    workspace.KIND,
    members.KIND,
    budget.KIND,
    default_guardrail.KIND,
    guardrail.KIND,
    api_key.KIND,
    assignment.KIND,
    byok_key.KIND,
    observability.KIND,
    preset.KIND,
)

IN_WORKSPACE: tuple[KindName, ...] = tuple(
    kind.name for kind in _DECLARED if kind.collection is not None or kind.settings
)
"""The kinds a `Workspace` holds (a collection or a setting of it), in table order: what deleting a
workspace removes. What they hold in turn (a key's assignment) is their own `dependents`."""

KINDS: tuple[ResourceKind, ...] = tuple(
    replace(kind, dependents=(*kind.dependents, *IN_WORKSPACE)) if kind.spec is Workspace else kind
    for kind in _DECLARED
)
"""Every kind, in the order their creates and updates run; the workspace's entry with its
`dependents` derived (a new kind of a workspace needs no line in kinds/workspace.py)."""

BY_NAME: dict[KindName, ResourceKind] = {kind.name: kind for kind in KINDS}

NAMED: tuple[ResourceKind, ...] = tuple(kind for kind in KINDS if kind.collection is not None)
"""Kinds with named objects in a workspace collection (`guardrails`, `keys`, `presets`...)."""

WORKSPACE_NAMES: dict[str, NameRule] = {
    kind.collection: kind.name_rule for kind in NAMED if kind.collection is not None and kind.name_rule is not None
}
"""The name rule of each named collection of a workspace (`keys` → the key name rule...)."""

PRUNABLE: tuple[ResourceKind, ...] = tuple(kind for kind in NAMED if kind.deletable)
"""Named kinds that pruning deletes (presets are archived instead, by the preset planner)."""

WORKSPACE_FIELDS: frozenset[str] = frozenset(
    field for kind in KINDS for field in (*kind.settings, kind.collection) if field is not None
)
"""The `Workspace` fields that hold other kinds (everything else on it is a workspace setting)."""

PHASES: tuple[str, ...] = tuple(dict.fromkeys(kind.phase for kind in KINDS)) + tuple(
    dict.fromkeys(kind.delete_phase for kind in reversed(KINDS) if kind.delete_phase != kind.phase)
)
"""The plan's order: creates and updates top-down in table order, then deletes bottom-up (what
holds others goes last: a workspace after everything in it)."""


def kind_of(name: KindName) -> ResourceKind:
    return BY_NAME[name]


__all__ = [
    "BY_NAME",
    "IN_WORKSPACE",
    "KINDS",
    "NAMED",
    "PHASES",
    "PRUNABLE",
    "WORKSPACE_FIELDS",
    "WORKSPACE_NAMES",
    "ResourceKind",
    "WorkspaceList",
]
