"""Expiry of declared keys: a warning while it nears, a report (never a re-create) once past.

OpenRouter refuses an expired key and never lists it unless asked (`include_expired=true`, which
the reader sends). An expired declared key therefore still matches its live key; the plan says it
has expired and what fixes it: a new `expires_at`, which rotates the key (the field is immutable).
A create or rotation whose `expires_at` has already passed is left out of the plan with a warning:
the API would refuse it, and a key must never be made again under the settings that expired it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from openrouter_iac.model.config import Config
from openrouter_iac.model.durations import as_timedelta
from openrouter_iac.model.resources import ApiKey
from openrouter_iac.model.retiring import utc_text
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.lifecycle import KeyExpiry
from openrouter_iac.plan.model import Change

FIX = "set a new expires_at (in the future) on the key; changing it rotates the key"


def expiring_by_hash(live: LiveSnapshot, horizon: datetime) -> dict[str, ApiKey]:
    """Live keys that expire by ``horizon`` (mostly none of a plan's 20,000), by key hash."""
    found: dict[str, ApiKey] = {}
    for slug, workspace in live.state.workspaces.items():
        for name, key in workspace.keys.items():
            if key.expires_at is None or key.expires_at > horizon:
                continue
            key_hash = live.ids.get(f"api_key:{slug}/{name}")
            if key_hash:
                found[key_hash] = key
    return found


def key_expiry(
    config: Config, live: LiveSnapshot, bindings: dict[str, str], changes: Iterable[Change], now: datetime
) -> list[KeyExpiry]:
    """Declared keys whose live key has expired or expires within `safety.expiry_warning`, unless
    this plan already rotates them."""
    horizon = now + as_timedelta(config.safety.expiry_warning)
    rotated = {c.address for c in changes if c.kind == "api_key" and c.action == "replace"}
    by_hash = expiring_by_hash(live, horizon)
    found: list[KeyExpiry] = []
    if not by_hash:
        return found
    for slug, workspace in config.workspaces.items():
        for name in workspace.keys:
            address = f"api_key:{slug}/{name}"
            live_key = by_hash.get(bindings.get(address, ""))
            if live_key is None or live_key.expires_at is None or address in rotated:
                continue
            found.append(
                KeyExpiry(
                    address=address,
                    expires_at=utc_text(live_key.expires_at),
                    expired=live_key.expires_at <= now,
                    fix=FIX,
                )
            )
    return found


def expiry_warning(item: KeyExpiry, config: Config) -> str:
    if item.expired:
        return f"{item.address} expired at {item.expires_at}: OpenRouter refuses it; {item.fix}"
    within = config.safety.expiry_warning
    return f"{item.address} expires at {item.expires_at} (within safety.expiry_warning {within}); {item.fix}"


def past_expiry(changes: list[Change], now: datetime) -> tuple[list[Change], list[str]]:
    """The changes without key creates/rotations whose `expires_at` has passed (and without the
    guardrail assignments of those keys), and a warning for each key left out."""
    dropped: set[tuple[str | None, str | None]] = set()
    warnings: list[str] = []
    for change in changes:
        if change.kind != "api_key" or change.action not in ("create", "replace"):
            continue
        spec = change.desired
        expires = spec.expires_at if isinstance(spec, ApiKey) else None
        if expires is not None and expires <= now:
            dropped.add((change.workspace, change.name))
            what = "created" if change.action == "create" else "rotated"
            warnings.append(
                f"{change.address} is not {what}: its expires_at {utc_text(expires)} has passed "
                f"(OpenRouter refuses it); {FIX.replace('changing it rotates the key', 'then plan again')}"
            )
    if not dropped:
        return changes, []
    kept = [
        c
        for c in changes
        if not (
            c.kind in ("api_key", "guardrail_assignment") and c.action != "delete" and (c.workspace, c.name) in dropped
        )
    ]
    return kept, warnings
