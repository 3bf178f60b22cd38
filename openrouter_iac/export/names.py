"""Unique config names for live objects whose names collide (the first keeps its name)."""

from __future__ import annotations

from collections.abc import Iterable


def unique_names(live: Iterable[tuple[str, str]]) -> dict[str, str]:
    """(live name, live id) pairs, in live order → live id: a config name no other object has.

    The first object with a name keeps it; the others become `name (2)`, `name (3)`, skipping
    any name already taken by another live object."""
    pairs = list(live)
    taken = {name for name, _ in pairs}
    seen: set[str] = set()
    names: dict[str, str] = {}
    for name, live_id in pairs:
        if name not in seen:
            seen.add(name)
            names[live_id] = name
            continue
        number = 2
        while f"{name} ({number})" in taken:
            number += 1
        candidate = f"{name} ({number})"
        taken.add(candidate)
        names[live_id] = candidate
    return names
