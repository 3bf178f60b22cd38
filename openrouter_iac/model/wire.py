"""The generic mapper of plain fields, both ways: each field marked ``Wire`` on a spec model is
read from the API object under its API name and written into request bodies as is.

Reading: an absent value, `null` or `[]` reads as the field's default (the API's "none").
Writing: what ``Wire.send`` says, immutable fields on create only, server-computed never;
timestamps with seconds always (the API refuses minute precision).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from openrouter_iac.model.traits import IMMUTABLE, SERVER_COMPUTED, Wire, has


@dataclass(frozen=True)
class Plain:
    """One plain field of a model, with what writing it needs (worked out once per model)."""

    field: str
    api: str
    wire: Wire
    immutable: bool
    computed: bool
    default: Any


@functools.cache
def plain_fields(model: type[BaseModel]) -> tuple[Plain, ...]:
    """Every plain field (marked ``Wire``) of ``model``, in declaration order."""
    found = []
    for name, info in model.model_fields.items():
        wire = next((item for item in info.metadata if isinstance(item, Wire)), None)
        if wire is not None:
            immutable, computed = has(model, name, IMMUTABLE), has(model, name, SERVER_COMPUTED)
            found.append(Plain(name, wire.api or name, wire, immutable, computed, info.default))
    return tuple(found)


def read_plain(model: type[BaseModel], raw: dict[str, Any]) -> dict[str, Any]:
    """The plain fields of ``model`` in the API object ``raw`` (to validate into the model)."""
    out: dict[str, Any] = {}
    for plain in plain_fields(model):
        value = raw.get(plain.api)
        if value is not None and value != []:
            out[plain.field] = value
    return out


def write_plain(spec: BaseModel, *, creating: bool, changed: Collection[str] = ()) -> dict[str, Any]:
    """The plain fields of a create (``creating``) or update body; ``changed``: the fields the plan changes."""
    body: dict[str, Any] = {}
    for plain in plain_fields(type(spec)):
        wire = plain.wire
        if plain.computed or (creating and not wire.on_create) or (not creating and plain.immutable):
            continue
        value = getattr(spec, plain.field)
        if wire.send == "changed" and plain.field not in changed:
            continue
        if wire.send == "set_or_changed" and plain.field not in changed and _unset(value, plain.default):
            continue
        body[plain.api] = api_value(value)
    return body


def _unset(value: Any, default: Any) -> bool:
    """A value a create need not send: none, or the field's default (`declared_zdr: false` is set)."""
    return value is None or value == [] or value == default


def api_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return api_timestamp(value)
    return value


def api_timestamp(moment: datetime) -> str:
    """ISO 8601 UTC with seconds always written (`...T00:00:00Z`): the API refuses minute precision."""
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds").replace("+00:00", "Z")
