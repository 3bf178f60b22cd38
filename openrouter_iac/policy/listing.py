"""Name a few objects in a finding's message and count the rest: a message is read by a person
(and pasted into CI logs), so it stays one bounded line at 20,000 keys. The full list is kept in
the finding's ``objects``."""

from __future__ import annotations

from collections.abc import Sequence

MAX_NAMED = 10


def bounded(items: Sequence[str], noun: str, *, limit: int = MAX_NAMED) -> str:
    """``a, b, c`` or ``a, …, j … and 1,990 more keys`` (``noun`` is singular, e.g. "key")."""
    if len(items) <= limit:
        return ", ".join(items)
    rest = len(items) - limit
    return ", ".join(items[:limit]) + f" … and {rest:,} more {noun}{'s' if rest != 1 else ''}"
