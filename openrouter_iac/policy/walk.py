"""Iterating over the objects of a config, with their addresses and config paths."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from openrouter_iac.model.positions import PathKey
from openrouter_iac.model.resources import AccountState, ApiKey, Workspace


@dataclass(frozen=True)
class KeyRef:
    slug: str
    workspace: Workspace
    name: str
    key: ApiKey

    @property
    def address(self) -> str:
        return f"api_key:{self.slug}/{self.name}"

    @property
    def path(self) -> PathKey:
        return ("workspaces", self.slug, "keys", self.name)


def all_keys(state: AccountState) -> Iterator[KeyRef]:
    for slug, workspace in state.workspaces.items():
        for name, key in workspace.keys.items():
            yield KeyRef(slug, workspace, name, key)


def workspace_path(slug: str, *rest: str | int) -> PathKey:
    return ("workspaces", slug, *rest)
