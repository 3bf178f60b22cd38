"""Presets: versioned bundles, append-only upstream, one slug per workspace. A preset is never
deleted: the planner archives it (pruning, or its workspace's deletion) and restores an archived
slug declared again (plan/builder.py `presets`, live/writer_presets.py)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.names import WORKSPACE_NAMES
from openrouter_iac.model.resources import Preset

KIND = ResourceKind(
    name="preset",
    spec=Preset,
    layer=4,
    phase="preset",
    delete_phase="delete_preset",
    singular="preset",
    plural="presets",
    collection="presets",
    name_rule=WORKSPACE_NAMES["presets"],
    deletable=False,  # not pruned with the generic kinds: archived by the preset planner
    protectable=True,
    # Every preset call names its workspace: without it the API answers for the default one.
    reads=WorkspaceList("/presets", "presets"),
)
