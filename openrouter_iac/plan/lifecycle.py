"""What a plan says about the lifecycle of live keys beyond its changes: old keys of rotations
that are still retiring, and keys that expire soon or have expired. Shown by `orctl plan` and
`orctl drift`; kept free of time-relative values (no "in 3 days"), so a saved plan stays equal to
a fresh one until something really changes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from openrouter_iac.model.address import Address


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RetiringNote(_Frozen):
    """An old key of a rotation with `rotation_overlap`: still enabled, deleted at ``until``."""

    address: Address
    """The declared key it was rotated out of (`api_key:ws/name`)."""
    key_hash: str
    until: str
    """UTC, `2026-12-02T10:00:00Z`."""
    due: bool
    """This plan deletes it (its time has come, or `--retire-now`)."""


class KeyExpiry(_Frozen):
    """A declared key that has expired, or expires within `safety.expiry_warning`."""

    address: Address
    expires_at: str
    expired: bool
    fix: str
    """What to do (set a new `expires_at`, which rotates the key)."""
