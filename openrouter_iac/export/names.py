"""Config names for live objects: unique where live names collide (the first keeps its name), and
valid where a live name breaks the config's name rules (white space at an end, a control
character, a `/` in a key name)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from openrouter_iac.model.names import NameRule

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean_name(name: str, rule: NameRule | None) -> str:
    """``name`` if the config accepts it, else the nearest name it does (the object is renamed)."""
    if rule is None or rule.problem(name) is None:
        return name
    text = _CONTROL.sub(" ", name).strip()
    if rule.problem(text) is not None:
        text = text.replace("/", "-")
    return text if text and rule.problem(text) is None else "unnamed"


def unique_names(live: Iterable[tuple[str, str]], rule: NameRule | None = None) -> dict[str, str]:
    """(live name, live id) pairs, in live order → live id: a config name no other object has.

    The first object with a name keeps it; the others become `name (2)`, `name (3)`, skipping
    any name already taken by another live object. A name the config refuses (``rule``) is
    cleaned first, and counts as taken by another object."""
    pairs = list(live)
    taken = {name for name, _ in pairs}
    seen: set[str] = set()
    names: dict[str, str] = {}
    for name, live_id in pairs:
        base = clean_name(name, rule)
        if base not in seen and (base == name or base not in taken):
            seen.add(base)
            taken.add(base)
            names[live_id] = base
            continue
        number = 2
        while f"{base} ({number})" in taken:
            number += 1
        candidate = f"{base} ({number})"
        taken.add(candidate)
        names[live_id] = candidate
    return names
