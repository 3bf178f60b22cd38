"""Organization settings: one object per account ([newer] /organization/settings)."""

from __future__ import annotations

from openrouter_iac.kinds.base import ResourceKind
from openrouter_iac.model.resources import OrganizationSettings

KIND = ResourceKind(
    name="organization_settings",
    spec=OrganizationSettings,
    layer=0,
    phase="organization",
    delete_phase="organization",  # never deleted: settings only change
    singular="organization settings",
    plural="organization settings",
    deletable=False,
)
