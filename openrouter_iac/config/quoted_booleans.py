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
from collections.abc import Callable, Iterator
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
    check = _checker(annotation)
    if check is not None:
        yield from check(value, path)


Checker = Callable[[Any, PathKey], Iterator[Problem]]
_CHECKERS: dict[int, tuple[Any, Checker | None]] = {}
"""The checker of each annotation met (by id; the annotation is kept so its id stays its own)."""


def _checker(annotation: Any) -> Checker | None:
    """What walking a value of ``annotation`` checks, worked out once per annotation: None when no
    boolean field can be inside it (a config's names, limits and lists are never walked)."""
    known = _CHECKERS.get(id(annotation))
    if known is not None:
        return known[1]
    _CHECKERS[id(annotation)] = (annotation, _deferred(annotation))  # a model that holds itself
    made = _make(annotation)
    _CHECKERS[id(annotation)] = (annotation, made)
    return made


def _deferred(annotation: Any) -> Checker:
    def check(value: Any, path: PathKey) -> Iterator[Problem]:
        made = _checker(annotation)
        if made is not None:
            yield from made(value, path)

    return check


def _boolean(value: Any, path: PathKey) -> Iterator[Problem]:
    reason = _reason(value)
    if reason is not None:
        yield path, False, reason


def _make(annotation: Any) -> Checker | None:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _checker(get_args(annotation)[0])
    if annotation is bool:
        return _boolean
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if str in options or (bool in options and any(arg in (int, float) for arg in options)):
            return None  # text (or a number) is a valid value of this field
        checks = [check for check in map(_checker, options) if check is not None]
        return _first_of_each(checks) if checks else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = [
            (name, field.alias, check)
            for name, field in annotation.model_fields.items()
            if (check := _checker(field.annotation)) is not None
        ]
        return _model(fields) if fields else None
    if origin is dict:
        item = _checker(get_args(annotation)[1] if get_args(annotation) else Any)
        return _items(item, dict) if item is not None else None
    if origin is list:
        item = _checker(get_args(annotation)[0] if get_args(annotation) else Any)
        return _items(item, list) if item is not None else None
    return None


def _first_of_each(checks: list[Checker]) -> Checker:
    def check(value: Any, path: PathKey) -> Iterator[Problem]:
        seen: set[Problem] = set()
        for option in checks:  # e.g. the sink types: a field is checked in each type that has it
            for problem in option(value, path):
                if problem not in seen:
                    seen.add(problem)
                    yield problem

    return check


def _model(fields: list[tuple[str, str | None, Checker]]) -> Checker:
    def check(value: Any, path: PathKey) -> Iterator[Problem]:
        if not isinstance(value, dict):
            return
        for name, alias, field_check in fields:
            key = name if name in value else alias if alias in value else None
            if key is not None:
                yield from field_check(value[key], (*path, key))

    return check


def _items(item: Checker, container: type) -> Checker:
    def check(value: Any, path: PathKey) -> Iterator[Problem]:
        if isinstance(value, dict) and container is dict:
            for key, child in value.items():
                yield from item(child, (*path, key))
        elif isinstance(value, list) and container is list:
            for index, child in enumerate(value):
                yield from item(child, (*path, index))

    return check
