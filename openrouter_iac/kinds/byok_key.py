"""BYOK provider credentials of a workspace. The credential is write-only (sent on create and
when the rotation marker changes)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.names import WORKSPACE_NAMES
from openrouter_iac.model.resources import ByokKey

KIND = ResourceKind(
    name="byok_key",
    spec=ByokKey,
    layer=3,
    phase="attached",  # after keys: a credential names the keys that may use it
    delete_phase="delete_attached",
    singular="BYOK credential",
    plural="BYOK credentials",
    collection="byok",
    name_rule=WORKSPACE_NAMES["byok"],
    renamable=True,
    protectable=True,
    secret_field="key",
    reads=WorkspaceList("/byok", "BYOK credentials"),
)
