"""A small declarative validator for request bodies and query strings.

Written here (rather than generated from the OpenAPI file) so the emulator stays independent of
the spec at run time, and so every rejection carries a message a person can act on.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from openrouter_iac.emulator.env import iso
from openrouter_iac.emulator.errors import ApiError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_HINT = "lower-case letters and digits in groups separated by single hyphens, e.g. 'team-alpha'"
HASH_PATTERN = r"^[a-f0-9]{64}$"


@dataclass(frozen=True)
class Field:
    kind: str  # string | number | integer | boolean | array | object | map | any | uuid | datetime
    required: bool = False
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    min_len: int | None = None
    max_len: int | None = None
    pattern: str | None = None
    pattern_hint: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    items: Field | None = None
    min_items: int | None = None
    max_items: int | None = None
    fields: Mapping[str, Field] | None = None
    # Unknown keys in an object with known ``fields`` are rejected unless ``open`` is set.
    open: bool = False
    # For ``map``: schema of every value.
    values: Field | None = None
    # Field name -> reason, for keys that exist on the resource but may not be sent here.
    forbidden: Mapping[str, str] = field(default_factory=dict)


def string(**kw: Any) -> Field:
    return Field("string", **kw)


def number(**kw: Any) -> Field:
    return Field("number", **kw)


def integer(**kw: Any) -> Field:
    return Field("integer", **kw)


def boolean(**kw: Any) -> Field:
    return Field("boolean", **kw)


def array(items: Field, **kw: Any) -> Field:
    return Field("array", items=items, **kw)


def obj(fields: Mapping[str, Field], **kw: Any) -> Field:
    return Field("object", fields=fields, **kw)


def string_map(**kw: Any) -> Field:
    return Field("map", values=string(), **kw)


def any_object(**kw: Any) -> Field:
    return Field("object", open=True, **kw)


def uuid_field(**kw: Any) -> Field:
    return Field("uuid", **kw)


def datetime_field(**kw: Any) -> Field:
    return Field("datetime", **kw)


def enum(*values: Any, **kw: Any) -> Field:
    return Field("any", enum=values, **kw)


class _Invalid(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


_KIND_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "map": "an object",
    "uuid": "a UUID string",
    "datetime": "an ISO-8601 date-time string",
}


def _label(path: str) -> str:
    return f'"{path}"' if path else "the body"


def _check(value: Any, spec: Field, path: str) -> Any:
    if value is None:
        if spec.nullable:
            return None
        if spec.enum is not None and None in spec.enum:
            return None
        raise _Invalid(path, f"{_label(path)} must not be null")
    if spec.enum is not None:
        if any(value == v and type(value) is type(v) for v in spec.enum):
            return value
        shown = ", ".join("null" if v is None else str(v) for v in spec.enum)
        raise _Invalid(path, f"{_label(path)} must be one of: {shown}; got {value!r}")
    kind = spec.kind
    if kind == "any":
        return value
    if kind in ("string", "uuid", "datetime"):
        if not isinstance(value, str):
            raise _Invalid(path, f"{_label(path)} must be {_KIND_NAMES[kind]}, got {_describe(value)}")
        if kind == "uuid":
            return _check_uuid(value, path)
        if kind == "datetime":
            return _check_datetime(value, path)
        return _check_string(value, spec, path)
    if kind in ("number", "integer"):
        return _check_number(value, spec, path)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _Invalid(path, f"{_label(path)} must be a boolean, got {_describe(value)}")
        return value
    if kind == "array":
        return _check_array(value, spec, path)
    if kind == "map":
        if not isinstance(value, dict):
            raise _Invalid(path, f"{_label(path)} must be an object, got {_describe(value)}")
        assert spec.values is not None
        return {k: _check(v, spec.values, f"{path}.{k}") for k, v in value.items()}
    if kind == "object":
        return _check_object(value, spec, path)
    raise AssertionError(f"unknown field kind {kind}")


def _check_string(value: str, spec: Field, path: str) -> str:
    if spec.min_len is not None and len(value) < spec.min_len:
        unit = "character" if spec.min_len == 1 else "characters"
        raise _Invalid(path, f"{_label(path)} must be at least {spec.min_len} {unit} long")
    if spec.max_len is not None and len(value) > spec.max_len:
        raise _Invalid(path, f"{_label(path)} must be at most {spec.max_len} characters long, got {len(value)}")
    if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
        hint = f" ({spec.pattern_hint})" if spec.pattern_hint else ""
        raise _Invalid(path, f"{_label(path)} must match {spec.pattern}{hint}; got {value!r}")
    return value


def _check_number(value: Any, spec: Field, path: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = _KIND_NAMES[spec.kind] + (" or null" if spec.nullable else "")
        raise _Invalid(path, f"{_label(path)} must be {expected}, got {_describe(value)}")
    number: float | int = value
    if isinstance(number, float) and not math.isfinite(number):
        raise _Invalid(path, f"{_label(path)} must be a finite number")
    if spec.kind == "integer" and isinstance(number, float):
        if not number.is_integer():
            raise _Invalid(path, f"{_label(path)} must be an integer, got {number}")
        number = int(number)
    if spec.minimum is not None:
        if spec.exclusive_minimum and number <= spec.minimum:
            raise _Invalid(path, f"{_label(path)} must be greater than {spec.minimum:g}, got {number}")
        if not spec.exclusive_minimum and number < spec.minimum:
            raise _Invalid(path, f"{_label(path)} must be at least {spec.minimum:g}, got {number}")
    if spec.maximum is not None and number > spec.maximum:
        raise _Invalid(path, f"{_label(path)} must be at most {spec.maximum:g}, got {number}")
    return number


def _check_array(value: Any, spec: Field, path: str) -> list[Any]:
    if not isinstance(value, list):
        expected = "an array" + (" or null" if spec.nullable else "")
        raise _Invalid(path, f"{_label(path)} must be {expected}, got {_describe(value)}")
    if spec.min_items is not None and len(value) < spec.min_items:
        extra = " (send null to clear it)" if spec.nullable and spec.min_items == 1 else ""
        raise _Invalid(path, f"{_label(path)} must have at least {spec.min_items} item(s){extra}")
    if spec.max_items is not None and len(value) > spec.max_items:
        raise _Invalid(path, f"{_label(path)} must have at most {spec.max_items} items, got {len(value)}")
    assert spec.items is not None
    return [_check(item, spec.items, f"{path}[{i}]") for i, item in enumerate(value)]


def _check_object(value: Any, spec: Field, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, f"{_label(path)} must be a JSON object, got {_describe(value)}")
    if spec.fields is None:
        return dict(value)
    prefix = f"{path}." if path else ""
    for key in value:
        if key in spec.forbidden:
            raise _Invalid(prefix + key, f'"{prefix}{key}" {spec.forbidden[key]}')
        if key not in spec.fields and not spec.open:
            allowed = ", ".join(sorted(spec.fields))
            raise _Invalid(prefix + key, f'unknown field "{prefix}{key}"; allowed fields: {allowed}')
    out: dict[str, Any] = {}
    for name, sub in spec.fields.items():
        if name in value:
            out[name] = _check(value[name], sub, prefix + name)
        elif sub.required:
            raise _Invalid(prefix + name, f'"{prefix}{name}" is required')
    if spec.open:
        for key, item in value.items():
            out.setdefault(key, item)
    return out


def _check_uuid(value: str, path: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise _Invalid(path, f"{_label(path)} must be a UUID, got {value!r}") from None
    if str(parsed) != value.lower():
        raise _Invalid(path, f"{_label(path)} must be a UUID in 8-4-4-4-12 form, got {value!r}")
    return value.lower()


def _check_datetime(value: str, path: str) -> str:
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _Invalid(path, f"{_label(path)} must be an ISO-8601 date-time, got {value!r}") from None
    if moment.tzinfo is None or "T" not in text.upper():
        raise _Invalid(path, f"{_label(path)} must be a full date-time in UTC ending in 'Z', got {value!r}")
    if moment.utcoffset() != timedelta(0):
        raise _Invalid(path, f"{_label(path)} must be in UTC (offset Z or +00:00), got {value!r}")
    return iso(moment)


def validate(value: Any, spec: Field, *, where: str = "request body") -> Any:
    """Validate and normalise ``value``; raise a 400 ``ApiError`` naming the offending field."""
    try:
        return _check(value, spec, "")
    except _Invalid as problem:
        raise ApiError(400, f"Invalid {where}: {problem.message}", metadata={"field": problem.path or None}) from None


def check_field(value: Any, spec: Field, name: str, *, where: str = "request body") -> Any:
    """Validate one named value (used for query parameters and cross-field checks)."""
    try:
        return _check(value, spec, name)
    except _Invalid as problem:
        raise ApiError(400, f"Invalid {where}: {problem.message}", metadata={"field": name}) from None
