"""Booleans written as text or numbers: `disabled: "yes"`, `enabled: "off"`, `prune: 1`.

pydantic's lax mode would read them as booleans, but the JSON Schema (and YAML 1.2, and every
editor using the schema) says a quoted value is a string: the same file would be valid for
`orctl validate` and invalid in the editor, and `"off"` could silently mean `true` in a tool that
reads it as a non-empty string. So a boolean field takes `true`/`false` (or YAML 1.1's unquoted
yes/no/on/off, which the YAML reader already turns into booleans) and nothing else. Strings that
pydantic would not read as a boolean anyway are left to its own error. Free-form values
(`parameters`, a destination's `config`) are not typed, so not checked.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.model.config import Config

Problem = tuple[PathKey, bool, str]

_TEXT_BOOLEANS = frozenset({"0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes"})
"""The strings pydantic's lax mode reads as a boolean."""


def check_quoted_booleans(data: dict[str, Any]) -> Iterator[Problem]:
    """A problem for each boolean field of the config written as a string or a number."""
    yield from _walk(Config, data, ())


def _reason(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lower() in _TEXT_BOOLEANS:
        return (
            f"expected true or false, got string {value!r}: quoted, it is text in YAML; "
            "write true or false without quotes"
        )
    if isinstance(value, int | float) and value in (0, 1):
        return f"expected true or false, got number {value!r}; write true or false"
    return None


def _walk(annotation: Any, value: Any, path: PathKey) -> Iterator[Problem]:
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from _walk(get_args(annotation)[0], value, path)
    elif annotation is bool:
        reason = _reason(value)
        if reason is not None:
            yield path, False, reason
    elif origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if str in options or (bool in options and any(arg in (int, float) for arg in options)):
            return  # text (or a number) is a valid value of this field
        seen: set[Problem] = set()
        for option in options:  # e.g. the sink types: a field is checked in each type that has it
            for problem in _walk(option, value, path):
                if problem not in seen:
                    seen.add(problem)
                    yield problem
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        for name, field in annotation.model_fields.items():
            key = name if name in value else field.alias if field.alias in value else None
            if key is not None:
                yield from _walk(field.annotation, value[key], (*path, key))
    elif origin is dict and isinstance(value, dict):
        item = get_args(annotation)[1] if get_args(annotation) else Any
        for key, child in value.items():
            yield from _walk(item, child, (*path, key))
    elif origin is list and isinstance(value, list):
        item = get_args(annotation)[0] if get_args(annotation) else Any
        for index, child in enumerate(value):
            yield from _walk(item, child, (*path, index))
