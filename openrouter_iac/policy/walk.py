"""Iterating over the objects of a config, with their addresses and config paths."""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.model.positions import PathKey
from openrouter_iac.model.resources import AccountState, ApiKey, Workspace


@dataclass(frozen=True, slots=True)
class KeyRef:
    slug: str
    workspace: Workspace
    name: str
    key: ApiKey
    address: str
    """`api_key:SLUG/NAME`."""
    path: PathKey
    """`("workspaces", SLUG, "keys", NAME)`."""


def all_keys(state: AccountState) -> list[KeyRef]:
    """Every key of ``state``, in order (a lint runs a dozen rules over them: made once, see
    :attr:`LintContext.keys`)."""
    return [
        KeyRef(slug, workspace, name, key, f"api_key:{slug}/{name}", ("workspaces", slug, "keys", name))
        for slug, workspace in state.workspaces.items()
        for name, key in workspace.keys.items()
    ]


def workspace_path(slug: str, *rest: str | int) -> PathKey:
    return ("workspaces", slug, *rest)
