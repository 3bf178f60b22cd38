"""Turning pydantic validation errors into orctl problems: a data path, and a reason a person reads."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from openrouter_iac.config.yaml_source import PathKey


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close to ``word``, else an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types behind Optional / Union / Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def model_at(root: type[BaseModel], data: Any, path: PathKey) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path`` (for 'did you mean' on unknown keys)."""
    candidates: list[Any] = [root]
    node = data
    for part in path:
        next_candidates: list[Any] = []
        for candidate in candidates:
            for concrete in _unwrap(candidate):
                origin = typing.get_origin(concrete)
                if isinstance(concrete, type) and issubclass(concrete, BaseModel) and isinstance(part, str):
                    field = concrete.model_fields.get(part)
                    if field is not None:
                        next_candidates.append(field.annotation)
                elif origin is dict:
                    next_candidates.append(typing.get_args(concrete)[1])
                elif origin is list:
                    next_candidates.append(typing.get_args(concrete)[0])
        candidates = next_candidates
        node = node.get(part) if isinstance(node, dict) else None
    models = [c for cand in candidates for c in _unwrap(cand) if isinstance(c, type) and issubclass(c, BaseModel)]
    if len(models) > 1 and isinstance(node, dict):
        # A discriminated union: pick the member whose `type` literal matches.
        for model in models:
            literal = model.model_fields.get("type")
            if literal is not None and node.get("type") in typing.get_args(literal.annotation):
                return model
    return models[0] if models else None


def _data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[PathKey, bool]:
    """Map a pydantic ``loc`` to a path in the data; drop union tags. Second item: 'the key itself'."""
    path: list[str | int] = []
    node = data
    about_key = False
    for part in loc:
        if part == "[key]":
            about_key = True
            break
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not path_has_tag(node, part):
            # A missing key: the problem is about the parent mapping, but name the key.
            path.append(part)
            node = None
        # else: a union tag such as 'keyring' or 'function-after[...]': not part of the data.
    return tuple(path), about_key


def path_has_tag(node: dict[str, Any], part: str) -> bool:
    """True when ``part`` is a discriminator value of ``node`` rather than a key."""
    return node.get("type") == part or "[" in part


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"string '{value}'"
    return f"{type(value).__name__} {value}"


_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "datetime_type": "a date-time such as 2027-06-30T00:00:00Z",
    "datetime_parsing": "a date-time such as 2027-06-30T00:00:00Z",
    "datetime_from_date_parsing": "a date-time such as 2027-06-30T00:00:00Z",
}


def reason(error: ErrorDetails, model: type[BaseModel] | None) -> str:
    """One readable sentence for a pydantic error."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        allowed = list(model.model_fields) if model else []
        return f"unknown key '{key}'{suggest(key, allowed)}"
    if kind == "missing":
        return f"required key '{error['loc'][-1]}' is missing"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = suggest(str(value), options) if isinstance(value, str) else ""
        shown = f"'{value}'" if isinstance(value, str) else _describe(value)
        return f"{shown} is not one of: {', '.join(options)}{hint}"
    if kind == "union_tag_invalid":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", ""))
        return f"type '{tag}' is not one of: {', '.join(options)}{suggest(tag, options)}"
    if kind == "union_tag_not_found":
        return f"required key '{ctx.get('discriminator', 'type').strip(chr(39))}' is missing"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{_describe(value)}: {error['msg'].lower()}"
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        return error["msg"].replace("String", "text").replace("List", "list")
    return str(error["msg"])


def problems_from(exc: ValidationError, root: type[BaseModel], data: Any) -> list[tuple[PathKey, bool, str]]:
    """(data path, about the key itself, reason) for every error in ``exc``."""
    found = []
    for error in exc.errors(include_url=False):
        path, about_key = _data_path(data, error["loc"])
        if error["type"] == "extra_forbidden":
            about_key = True
            parent = path[:-1]
        else:
            parent = path
        model = model_at(root, data, parent) if error["type"] == "extra_forbidden" else None
        found.append((path, about_key, reason(error, model)))
    return found
