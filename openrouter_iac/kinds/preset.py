"""Presets: versioned bundles, append-only upstream. The API cannot delete one on its own (it
goes with its workspace)."""

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
    deletable=False,
    protectable=True,
    # Every preset call names its workspace: without it the API answers for the default one.
    reads=WorkspaceList("/presets", "presets"),
)
