"""Organization settings: one object per account ([newer] /organization/settings)."""

from __future__ import annotations

from typing import Any

from openrouter_iac.kinds.base import ResourceKind, WriteContext
from openrouter_iac.model.resources import OrganizationSettings
from openrouter_iac.model.trusted import read
from openrouter_iac.model.wire import write_plain


def write_body(context: WriteContext) -> dict[str, Any]:
    return body(context.spec(OrganizationSettings))


KIND = ResourceKind(
    name="organization_settings",
    spec=OrganizationSettings,
    layer=0,
    phase="organization",
    delete_phase="organization",  # never deleted: settings only change
    singular="organization settings",
    plural="organization settings",
    deletable=False,
    writes="/organization/settings",
    body=write_body,
    singleton=True,
)


# Wire: plain fields only (`GET`/`PATCH /organization/settings`, `{data: {...}}`).


def from_api(raw: dict[str, Any]) -> OrganizationSettings:
    return read(OrganizationSettings, raw)


def body(spec: OrganizationSettings) -> dict[str, Any]:
    return write_plain(spec, creating=False)
