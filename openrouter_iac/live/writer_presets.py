"""Preset writes: archive (a preset's delete), restore-or-create, new versions.

Upstream a preset is append-only and lives in one workspace: `POST /presets/{slug}/chat/completions`
with the publishing inference key creates it or appends a version; `DELETE /presets/{slug}`
archives it (hidden from get and list, versions kept, the slug still taken); `POST
/presets/{slug}/restore` brings it back with no new version. No list shows archived presets, so
a create first tries a restore: a 404 means the slug is free. Archive and restore name the
workspace (`workspace_id`) and need a read-write management key.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import ApplyError, NotFoundError
from openrouter_iac.kinds.preset import from_version as preset_from_version
from openrouter_iac.live.writer_plain import write_path
from openrouter_iac.model.resources import Preset
from openrouter_iac.plan.model import Change

ARCHIVED = "archived (its versions are kept; declaring it again restores it)"


@dataclass(frozen=True)
class PresetOutcome:
    detail: str | None
    """What the report says instead of the plain verb (None: the verb says it)."""


@dataclass
class PresetWriter:
    client: OpenRouterClient
    """The management client (archive and restore)."""
    publish: Callable[[Change, Preset], None]
    """Pushes a version with the preset's publishing key."""

    def write(self, change: Change, slug: str, workspace_id: str) -> PresetOutcome:
        scope = {"workspace_id": workspace_id}
        if change.action == "delete":
            if not change.live_id:
                raise ApplyError(f"{change.address}: the plan gives no live id to archive")
            with contextlib.suppress(NotFoundError):  # already gone (or archived and hidden): reached
                self.client.delete(write_path("preset", slug), params=scope, resource=change.address)
            return PresetOutcome(ARCHIVED)
        spec = change.spec(Preset)
        if change.action == "create" and change.details.restore_if_archived:
            restored = self._restore(change, slug, scope)
            if restored is not None:
                number, content = restored
                if content == spec.content():
                    return PresetOutcome(f"restored (v{number} kept, no new version)")
                _needs_publisher(change, spec, f"it was restored (v{number}), but its content differs from the config")
                self.publish(change, spec)
                return PresetOutcome(f"restored, then a new version published after v{number}")
            _needs_publisher(change, spec, "its slug is not archived, so it is a new preset")
        self.publish(change, spec)
        return PresetOutcome(None)

    def _restore(self, change: Change, slug: str, scope: dict[str, str]) -> tuple[int, dict[str, Any]] | None:
        """The designated version and content of the restored preset; None when the slug is free."""
        try:
            path = f"{write_path('preset', slug)}/restore"
            answer = self.client.post(path, json=None, params=scope, resource=change.address, idempotent=True)
        except NotFoundError:
            return None
        data = answer.get("data") if isinstance(answer, dict) else None
        version = (data or {}).get("designated_version") if isinstance(data, dict) else None
        if not isinstance(version, dict):
            return 0, {}  # restored, but its content is unknown: a new version makes it right
        return int(version.get("version") or 0), preset_from_version(version).content()


def _needs_publisher(change: Change, spec: Preset, why: str) -> None:
    """A restore needs no publishing key; a new version does (refused here with the fix, not deep
    in the publish call)."""
    if spec.publish_with is None:
        raise ApplyError(
            f"{change.address}: {why}; publishing a version needs publish_with",
            hint="set publish_with to a key of this workspace whose secret sink can be read back",
        )
