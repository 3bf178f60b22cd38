"""Workspace members: the member list of a workspace, a setting (`members:`)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.payloads import MembersWrite

KIND = ResourceKind(
    name="workspace_members",
    spec=MembersWrite,
    layer=1,
    phase="members",
    delete_phase="delete_members",
    singular="workspace member list",
    plural="workspace member lists",
    settings=("members",),
    reads=WorkspaceList("/workspaces/{workspace_id}/members", "members", scoped=False),
    writes="/workspaces/{workspace_id}/members",  # POST /add and /remove (live/writer.py)
)
