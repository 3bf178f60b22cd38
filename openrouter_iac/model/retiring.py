"""Retiring keys: the old key of a rotation with `rotation_overlap`, kept enabled until its due time.

orctl keeps no state file, so the due time lives in the key's own name:
`<name> [orctl-retiring until 2026-12-02T10:00:00Z]` (UTC, seconds). The reader recognises the
name (the key is neither unmanaged, nor an orphan, nor a second key of that name), and a plan after
the due time deletes it.

The API sets no maximum length for key names (POST /keys `name`: minLength 1 only; see
the key name rule in kinds/api_key.py), so the 45 characters the suffix adds are always accepted. A retiring name is
therefore never shortened: shortening would lose the base name, which says whose secret it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RETIRING_NAME = re.compile(r"^(?P<name>.+) \[orctl-retiring until (?P<due>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\]$")
"""Name of an old key that stays enabled until its due time after a rotation."""

RETIRING_MARK = "[orctl-retiring "
RESERVED_MARKERS = (RETIRING_MARK, "[orctl-pending ")
"""Name parts orctl writes itself; a config key name cannot contain them."""


def utc_text(moment: datetime) -> str:
    """`2026-12-02T10:00:00Z`: UTC, whole seconds (rounded up, so a due time is never early)."""
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        utc = utc.replace(microsecond=0) + timedelta(seconds=1)
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"


def retiring_name(name: str, due: datetime) -> str:
    return f"{name} [orctl-retiring until {utc_text(due)}]"


def parse_retiring(live_name: str) -> tuple[str, datetime] | None:
    """(base name, due time) of a retiring key's name; None for any other name (or an impossible date)."""
    if RETIRING_MARK not in live_name:  # the reader asks for every key: 20,000 of them
        return None
    match = RETIRING_NAME.match(live_name)
    if match is None:
        return None
    try:
        due = datetime.strptime(match["due"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return match["name"], due


@dataclass(frozen=True)
class RetiringKey:
    """A live key under a retiring name."""

    workspace: str
    name: str
    """The name of the key it was rotated out of (where its secret was delivered)."""
    key_hash: str
    due: datetime
    disabled: bool = False
