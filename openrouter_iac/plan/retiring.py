"""The plan's part of rotations with overlap (model/retiring.py): which `rotation_overlap` a
rotation uses, and when an old key under a retiring name is deleted.

A retiring key of a declared workspace is deleted once its due time has passed (or at once with
`--retire-now`). Its delete is the end of an approved rotation, not a new destructive decision,
so `safety` does not count it (details.retiring_until marks it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openrouter_iac.model.address import Address
from openrouter_iac.model.config import Config
from openrouter_iac.model.durations import seconds
from openrouter_iac.model.payloads import Details
from openrouter_iac.model.resources import ApiKey
from openrouter_iac.model.retiring import utc_text
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.lifecycle import RetiringNote
from openrouter_iac.plan.model import Change, Unmanaged
from openrouter_iac.plan.targets import matches

BREAKS = "consumers of the old key will break"
"""The end of a rotation's reason without an overlap (plan/builder.py writes it)."""


def with_overlap(config: Config, target: ApiKey, live: ApiKey | None, now: datetime) -> ApiKey:
    """``target`` carrying the overlap its rotation uses (its own, else `safety.rotation_overlap`).
    An expired old key gets none: it answers nobody, so nothing is gained by keeping it."""
    overlap = target.rotation_overlap or config.safety.rotation_overlap
    if overlap is not None and seconds(overlap) == 0:
        overlap = None  # `0s`: no overlap, said explicitly (e.g. one key opting out of the default)
    if live is not None and live.expires_at is not None and live.expires_at <= now:
        overlap = None
    if overlap == target.rotation_overlap:
        return target
    return target.model_copy(update={"rotation_overlap": overlap})


def describe_overlap(change: Change) -> Change:
    """A key rotation with an overlap says the old key keeps working, not that consumers break."""
    overlap = key_rotation_overlap(change)
    if not overlap or not change.reason or BREAKS not in change.reason:
        return change
    return change.model_copy(update={"reason": change.reason.replace(BREAKS, overlap_effect(overlap))})


def overlap_effect(overlap: str) -> str:
    """What a key rotation with an overlap means for consumers (renderers say it too)."""
    return f"the old key stays enabled for {overlap} beside the new one (rotation_overlap)"


def key_rotation_overlap(change: Change) -> str | None:
    """The overlap a key rotation keeps its old key for, or None."""
    if change.kind != "api_key" or not change.rotation or not isinstance(change.desired, ApiKey):
        return None
    return change.desired.rotation_overlap


def retiring(
    config: Config, live: LiveSnapshot, now: datetime, *, retire_now: bool, targets: Sequence[str] = ()
) -> tuple[list[Change], list[RetiringNote], list[Unmanaged]]:
    """Deletes of retiring keys whose time has come, a note for every retiring key, and the
    retiring keys of workspaces the config does not declare (reported, never touched)."""
    changes: list[Change] = []
    notes: list[RetiringNote] = []
    unmanaged: list[Unmanaged] = []
    for key in sorted(live.retiring, key=lambda k: (k.workspace, k.name, k.due, k.key_hash)):
        address = Address.of("api_key", key.workspace, key.name)
        until = utc_text(key.due)
        if targets and not matches(address, targets):
            continue
        if key.workspace not in config.workspaces:
            reason = f"old key of a rotation, retiring until {until}, in a workspace not declared"
            unmanaged.append(Unmanaged(kind="api_key", address=address, reason=reason))
            continue
        due = retire_now or key.due <= now
        notes.append(RetiringNote(address=address, key_hash=key.key_hash, until=until, due=due))
        if not due:
            continue
        when = "ended early (--retire-now)" if key.due > now else f"ended at {until}"
        changes.append(
            Change(
                action="delete",
                kind="api_key",
                address=address,
                workspace=key.workspace,
                name=key.name,
                live_id=key.key_hash,
                reason=f"retiring: the old key of a rotation; its overlap {when}",
                details=Details(retiring_until=until),
            )
        )
    return changes, notes, unmanaged


def is_retiring_delete(change: Change) -> bool:
    return change.action == "delete" and change.details.retiring_until is not None
