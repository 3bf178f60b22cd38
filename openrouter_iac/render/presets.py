"""Preset specifics: the version a change produces, and the system prompt as a unified diff."""

from __future__ import annotations

import difflib
from typing import Any

from openrouter_iac.model.resources import Preset
from openrouter_iac.plan.model import Change

RESTORE_NOTE = "restored instead if the slug is archived"


def archives(change: Change) -> bool:
    """A preset's delete: upstream it is an archive (`DELETE /presets/{slug}`), not a removal."""
    return change.kind == "preset" and change.action == "delete" and bool(change.details.archive)


def action_word(change: Change) -> str:
    """`archive` for a preset's delete, else the action (`create`, `delete`...)."""
    return "archive" if archives(change) else change.action


def version_note(change: Change) -> str | None:
    """`v3 → v4`, `new preset, v1` or `restores v2 content as v4 (live v5)`; None without versions."""
    if change.kind != "preset" or change.action == "delete":
        return None
    before = _version(change.details.version_before)
    after = _version(change.details.version_after)
    restores = _version(change.details.restores_version)
    if after is None:
        return None
    if restores is not None:
        note = f"restores v{restores} content as v{after}"
        return note if before is None else f"{note} (live v{before})"
    if before is None:
        restore = f" ({RESTORE_NOTE})" if change.details.restore_if_archived else ""
        if restore and change.spec(Preset).publish_with is None:
            restore = " (no publish_with: apply can only restore it, if the slug is archived with this content)"
        return f"new preset, v{after}{restore}"
    return f"v{before} → v{after}"


def prompt_labels(change: Change) -> tuple[str, str]:
    """Labels of the two sides of a text diff: preset versions when known, else before/after."""
    before = _version(change.details.version_before)
    after = _version(change.details.version_after)
    if change.kind == "preset" and after is not None:
        return (f"v{before}" if before is not None else "(none)", f"v{after}")
    return ("before", "after")


def unified_diff(before: str | None, after: str | None, labels: tuple[str, str]) -> list[str]:
    """Unified diff lines (`---`, `+++`, `@@`, then ` `/`-`/`+` lines) between two texts."""
    return list(
        difflib.unified_diff(
            (before or "").splitlines(),
            (after or "").splitlines(),
            fromfile=labels[0],
            tofile=labels[1],
            lineterm="",
        )
    )


def _version(value: Any) -> int | None:
    # Versions are ints; a bool is an int to Python but never a version.
    return value if isinstance(value, int) and not isinstance(value, bool) else None
