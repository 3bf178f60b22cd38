"""Formatting of plan values: one compact, unambiguous notation shared by every renderer.

Values are written in a JSON-like notation (strings quoted, `null`, `true`) so that an empty
string, a missing value and the word "null" can never be confused in a plan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

SENSITIVE = "(sensitive)"
"""What every renderer shows in place of a sensitive value."""

_BARE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def format_value(value: Any) -> str:
    """One value on one line: `"text"`, `12`, `0.5`, `true`, `null`, `["a", "b"]`, `{key: 1}`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{_format_key(str(k))}: {format_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    # Plans only hold JSON values; anything else is shown, quoted, rather than crashing the plan.
    return json.dumps(str(value), ensure_ascii=False)


def format_number(value: float) -> str:
    """`50.0` reads as `50`: caps and rates are floats in the model but mostly whole numbers."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_money(value: Any) -> str:
    """`$50`, `$12.50`, `$0.005`; a non-number is shown as-is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return format_value(value)
    if float(value).is_integer():
        return f"${int(value):,}"
    text = f"{value:,.6f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def _format_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def canonical(value: Any) -> Any:
    """The value with every mapping's keys sorted, so equal values always serialise identically."""
    if isinstance(value, dict):
        return {str(k): canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def identity(value: Any) -> str:
    """A hashable identity for list items (dicts included), for set-like comparisons."""
    return json.dumps(canonical(value), sort_keys=True, default=str)


def set_difference(before: Iterable[Any], after: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """Items added and items removed, each in the order of the list they come from."""
    before_list, after_list = list(before), list(after)
    before_ids = {identity(v) for v in before_list}
    after_ids = {identity(v) for v in after_list}
    added = [v for v in after_list if identity(v) not in before_ids]
    removed = [v for v in before_list if identity(v) not in after_ids]
    return _unique(added), _unique(removed)


def _unique(values: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = identity(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out
