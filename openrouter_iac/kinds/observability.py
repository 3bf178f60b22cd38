"""Observability (broadcast) destinations of a workspace. Secret config values are write-only."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind, WorkspaceList
from openrouter_iac.model.names import WORKSPACE_NAMES
from openrouter_iac.model.resources import ObservabilityDestination

KIND = ResourceKind(
    name="observability_destination",
    spec=ObservabilityDestination,
    layer=3,
    phase="attached",  # after keys: a destination names the keys it traces
    delete_phase="delete_attached",
    singular="observability destination",
    plural="observability destinations",
    collection="observability",
    name_rule=WORKSPACE_NAMES["observability"],
    renamable=True,
    protectable=True,
    secret_field="secret config",
    reads=WorkspaceList("/observability/destinations", "observability destinations"),
)
