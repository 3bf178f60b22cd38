"""Turning pydantic validation errors into orctl problems: a data path, and a reason a person reads."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from openrouter_iac.config.yaml_source import PathKey
from openrouter_iac.suggest import suggest

__all__ = ["model_at", "problems_from", "reason", "suggest"]
from openrouter_iac.model.config import CONFIG_VERSION
from openrouter_iac.model.enums import PROMPT_INJECTION_SLUG


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


def _number(value: Any) -> str:
    """`5`, `0.0001`, `1.5`: a bound or an input as a person writes it."""
    return f"{value:g}" if isinstance(value, float) else str(value)


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
    if isinstance(value, int | float):
        return _number(value)
    return f"{type(value).__name__} {value}"


_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}

_FIELD_EXPECTED = {
    "zdr": "true, false or a mapping of provider groups such as {anthropic: true, openai: true}",
}
"""What a field takes, where the type alone would mislead (a shorthand the model accepts)."""

_MISSING_HINTS: dict[tuple[int | str, ...], str] = {
    ("version",): f" (add `version: {CONFIG_VERSION}` at the top)",
}

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
    field = next((part for part in reversed(error["loc"]) if isinstance(part, str) and "[" not in part), "")
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        allowed = list(model.model_fields) if model else []
        hint = suggest(key, allowed)
        if not hint and allowed:
            hint = f" (allowed: {', '.join(allowed)})"
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"required key '{error['loc'][-1]}' is missing{_MISSING_HINTS.get(tuple(error['loc']), '')}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = suggest(str(value), options) if isinstance(value, str) else ""
        if value == PROMPT_INJECTION_SLUG:
            hint = " (the prompt-injection detector has its own setting: `prompt_injection: {action: block}`)"
        shown = f"'{value}'" if isinstance(value, str) else _describe(value)
        return f"{shown} is not one of: {', '.join(options)}{hint}"
    if kind == "union_tag_invalid":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", ""))
        return f"type '{tag}' is not one of: {', '.join(options)}{suggest(tag, options)}"
    if kind == "union_tag_not_found":
        return f"required key '{ctx.get('discriminator', 'type').strip(chr(39))}' is missing"
    if kind in _EXPECTED:
        expected = _FIELD_EXPECTED.get(field, _EXPECTED[kind])
        return f"expected {expected}, got {_describe(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in _BOUNDS:
        bound, words = _BOUNDS[kind]
        return f"must be {words} {_number(ctx.get(bound))}, got {_describe(value)}"
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return f"must be at least {least} character{'s' if least != 1 else ''} long, got {_describe(value)}"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "more"
        return f"must be at most {ctx.get('max_length')} characters long, got {length}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        if ctx.get("actual_length") == 0:
            return f"must not be an empty list (leave the key out instead); at least {least} item needed"
        return f"must have at least {least} items, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    return str(error["msg"])


def _value_at(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def problems_from(exc: ValidationError, root: type[BaseModel], data: Any) -> list[tuple[PathKey, bool, str]]:
    """(data path, about the key itself, reason) for every error in ``exc``.

    A missing key is reported on the mapping that lacks it (path and position of that mapping);
    an unknown key on the key itself; a wrong union tag on the `type` value.
    """
    found = []
    for error in exc.errors(include_url=False):
        path, about_key = _data_path(data, error["loc"])
        kind = error["type"]
        model = None
        if kind == "extra_forbidden":
            about_key = True
            model = model_at(root, data, path[:-1])
        elif kind == "missing":
            path, about_key = path[:-1], True
        elif kind == "union_tag_not_found":
            about_key = True
        elif kind == "union_tag_invalid":
            discriminator = str((error.get("ctx") or {}).get("discriminator", "'type'")).strip("'")
            if isinstance(_value_at(data, path), dict):
                path = (*path, discriminator)
        found.append((path, about_key, reason(error, model)))
    return found
