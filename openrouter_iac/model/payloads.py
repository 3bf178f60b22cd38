"""The typed data a plan change carries to apply, for the kinds whose payload is not a spec model
itself (budgets, member lists, key assignments), and the typed details of a change.

Serialised, each is the JSON object the saved-plan format has always had (`{"limit_usd": ...}`,
`{"members": [...]}`, `{"guardrail": ...}`; details `{"renamed_from": ...}` and so on).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    # Built on first use (a plan), not at import: the kinds table names them, and `orctl validate`
    # imports the table but never makes a payload.
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class BudgetWrite(_Payload):
    """One workspace budget interval as written (PUT /workspaces/{id}/budgets/{interval})."""

    limit_usd: float
    include_byok_in_budgets: bool | None = None


class MembersWrite(_Payload):
    """A workspace's member list as declared."""

    members: list[str]


class AssignmentWrite(_Payload):
    """The guardrail a key is assigned to."""

    guardrail: str


class Details(_Payload):
    """Kind-specific extras of a change, for display and for the writer. Every key is optional;
    serialised without the ones not set, so the JSON plan keeps its documented `details` shapes."""

    renamed_from: str | None = None
    """A rename (previous_names): the live name or slug."""
    add: list[str] | None = None
    """Members added (workspace members)."""
    remove: list[str] | None = None
    """Members removed (workspace members)."""
    from_: str | None = Field(None, alias="from")
    """The guardrail a key assignment moves from."""
    version_before: int | None = None
    """Presets: the designated version now (None for a new preset)."""
    version_after: int | None = None
    """Presets: the version this change produces."""
    restores_version: int | None = None
    """Presets: an earlier version whose content this change brings back."""
    archive: bool | None = None
    """Presets: this delete archives (`DELETE /presets/{slug}`): hidden, versions kept, the slug
    stays taken in its workspace; declaring it again restores it."""
    restore_if_archived: bool | None = None
    """Presets: this create restores the slug first if it is archived (no list shows archived
    presets, so only apply can tell); a new version follows only when the content differs."""
    retiring_until: str | None = None
    """Keys: the delete of an old key whose rotation overlap ended (due time, UTC)."""

    def as_json(self) -> dict[str, Any]:
        """The keys that were set, as the saved plan and the JSON plan spell them (`from`)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
