"""Normalising desired and live objects into comparable dicts, and diffing two of them by field.

Both sides go through the same function, so config-only fields are dropped, model slugs become
canonical slugs, set-like lists are sorted, and null, absent, [] and {} all read the same.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from openrouter_iac.model.snapshot import Catalogue
from openrouter_iac.plan.model import FieldChange

SET_LIKE = frozenset(
    {
        "allowed_models",
        "ignored_models",
        "allowed_providers",
        "ignored_providers",
        "allowed_data_regions",
        "members",
        "api_keys",
        "allowed_keys",
        "allowed_user_ids",
        "content_filters",
    }
)
MODEL_LISTS = frozenset({"allowed_models", "ignored_models"})


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _sort_key(value: Any) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


_SCALARS = (str, bool, int)
_DROP_EMPTY_MEMBERS = frozenset({"zdr", "budget", "prompt_injection"})


def normalize(spec: BaseModel, catalogue: Catalogue | None, *, drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A comparable dict of ``spec``: config-only fields and ``drop`` removed."""
    config_only: frozenset[str] = getattr(spec, "CONFIG_ONLY", frozenset())
    skip = config_only | drop
    # Called twice per object of a plan (20,000 keys: 40,000 calls), so scalars take a short path.
    raw = spec.model_dump(mode="json", exclude=set(skip) if skip else None)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or isinstance(value, _SCALARS):
            out[name] = value
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if name in MODEL_LISTS and isinstance(value, list) and catalogue is not None:
            value = [catalogue.canonical(slug) for slug in value]
        if name in SET_LIKE and isinstance(value, list):
            value = sorted({_sort_key(v): v for v in value}.values(), key=_sort_key)
        if isinstance(value, dict) and name in _DROP_EMPTY_MEMBERS:
            value = {k: v for k, v in value.items() if v is not None} or None
        out[name] = None if _empty(value) else value
    return out


def field_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Fields whose values differ (``before`` None means the object is new: every set field)."""
    changes = []
    for name, new in after.items():
        old = before.get(name) if before is not None else None
        if before is None and new is None:
            continue
        if old != new:
            changes.append(FieldChange(field=name, before=old, after=new))
    return changes
