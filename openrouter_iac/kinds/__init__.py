"""The table of resource kinds: one module per kind, listed here in apply order.

Adding a kind is one module here (its reads, its `writes` path and `body`), a line in this
table and its spec model, plus its emulator route, tests and docs; ``tests/test_kinds.py`` fails
while any part of it is missing. See docs/architecture.md "Adding a kind".
"""

from __future__ import annotations

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

KINDS: tuple[ResourceKind, ...] = (
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
"""Every kind, in the order their creates and updates run."""

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
    "KINDS",
    "NAMED",
    "PHASES",
    "PRUNABLE",
    "WORKSPACE_FIELDS",
    "WORKSPACE_NAMES",
    "ResourceKind",
    "WorkspaceList",
]
