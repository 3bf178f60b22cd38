"""Presets: versioned bundles, append-only upstream, one slug per workspace. A preset is never
deleted: the planner archives it (pruning, or its workspace's deletion) and restores an archived
slug declared again (plan/builder.py `presets`, live/writer_presets.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from openrouter_iac.kinds.base import Publisher, ResourceKind, WorkspaceList, spec_of
from openrouter_iac.model.names import slug_rule
from openrouter_iac.model.resources import Preset


def publisher(spec: BaseModel) -> str | None:
    return spec_of(spec, Preset).publish_with


KIND = ResourceKind(
    name="preset",
    spec=Preset,
    layer=4,
    phase="preset",
    delete_phase="delete_preset",
    singular="preset",
    plural="presets",
    collection="presets",
    name_rule=slug_rule("preset slug", 100),  # path {slug}: URL-safe
    deletable=False,  # not pruned with the generic kinds: archived by the preset planner
    protectable=True,
    # Every preset call names its workspace: without it the API answers for the default one.
    reads=WorkspaceList("/presets", "presets"),
    writes="/presets",  # /{slug}: versions, archive, restore (live/writer_presets.py)
    published_with=Publisher("publish_with", publisher),  # versions go with that key's secret
)


# Wire: a version's `config` holds the structural keys and the sampling parameters side by side;
# versions are written as a chat-completions request through the create-from-request endpoint.

STRUCTURAL_KEYS = ("model", "models", "provider")
PLACEHOLDER_MESSAGE = "(published by orctl: the preset keeps no messages)"


def from_version(version: dict[str, Any]) -> Preset:
    config = dict(version.get("config") or {})
    structural = {key: config.pop(key) for key in STRUCTURAL_KEYS if key in config}
    return Preset(system_prompt=version.get("system_prompt"), parameters=config, **structural)


def request_body(spec: Preset) -> dict[str, Any]:
    """A chat-completions body that the create-from-request endpoint turns into this content."""
    content = spec.content()
    if spec.system_prompt is not None:
        messages = [{"role": "system", "content": spec.system_prompt}]
    else:
        # `messages` needs at least one item (ChatRequest minItems 1); the endpoint drops it, and a
        # user message sets no system prompt.
        messages = [{"role": "user", "content": PLACEHOLDER_MESSAGE}]
    return {**content["config"], "messages": messages}
