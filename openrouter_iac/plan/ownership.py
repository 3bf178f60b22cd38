"""Absent means not managed: what the config leaves out of an object keeps its live value.

A field the config sets (``model_fields_set``: written in YAML, even as ``null``) is managed;
every other field of a live object is left as it is. The planner diffs, and the writer writes,
the *effective* object: the live one with the declared fields laid over it. A new object has no
live value, so it gets the declared fields and the API's defaults for the rest.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

S = TypeVar("S", bound=BaseModel)


def declared(spec: BaseModel) -> frozenset[str]:
    """The fields the config sets on ``spec`` (config-only fields always count)."""
    config_only: frozenset[str] = getattr(spec, "CONFIG_ONLY", frozenset())
    return config_only.union(spec.model_fields_set)


def effective(desired: S, live: S | None, *, skip: frozenset[str] = frozenset()) -> S:
    """``live`` with every field ``desired`` declares laid over it (``desired`` when there is no live)."""
    if live is None:
        return desired
    update = {name: getattr(desired, name) for name in declared(desired) - skip}
    return live.model_copy(update=update)


def effective_value(desired: BaseModel, live: BaseModel | None, field: str) -> Any:
    """What ``effective(desired, live)`` holds in ``field``, without making the copy."""
    if live is None or field in desired.model_fields_set or field in getattr(desired, "CONFIG_ONLY", ()):
        return getattr(desired, field)
    return getattr(live, field)
