"""Short notes attached to a change: why it happens, what it breaks, which preset version it makes."""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.plan.model import Change
from openrouter_iac.plan.retiring import key_rotation_overlap, overlap_effect
from openrouter_iac.render.presets import version_note

KEY_ROTATION_EFFECT = "consumers of the old key will break"
CREDENTIAL_ROTATION_EFFECT = "the stored credential is sent again"
OBSERVED_NOTE = "observe only (mode: observe): reported, never applied"


@dataclass(frozen=True)
class Note:
    text: str
    warning: bool = False
    """Something that breaks consumers; shown louder."""


def rotation_effect(change: Change) -> str:
    """What a rotation means for this kind: a new key secret (the old one kept for a while with
    `rotation_overlap`), or a credential sent again."""
    overlap = key_rotation_overlap(change)
    if overlap:
        return overlap_effect(overlap)
    return KEY_ROTATION_EFFECT if change.kind == "api_key" else CREDENTIAL_ROTATION_EFFECT


def rotation_note(change: Change) -> str:
    """`secret rotation: consumers of the old key will break`."""
    return f"secret rotation: {rotation_effect(change)}"


def change_notes(change: Change) -> list[Note]:
    """Rotation first (it is what breaks things), then the planner's reason, then the preset version."""
    notes: list[Note] = []
    reason = (change.reason or "").strip()
    if change.rotation and rotation_effect(change) in reason:
        # The planner's reason already says what breaks; saying it twice adds nothing.
        notes.append(Note(reason, warning=True))
    else:
        if change.rotation:
            notes.append(Note(rotation_note(change), warning=True))
        if reason:
            notes.append(Note(reason))
    version = version_note(change)
    if version:
        notes.append(Note(version))
    if change.observed:
        notes.append(Note(OBSERVED_NOTE))
    return notes
