"""Normalising desired and live objects into comparable dicts, and diffing two of them by field.

Both sides go through the same function, so config-only fields are dropped, model slugs become
canonical slugs, set-like lists are sorted, and null, absent, [] and {} all read the same.
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from openrouter_iac.model.snapshot import Catalogue
from openrouter_iac.model.traits import MODEL_SLUGS, SET_LIKE, Nested, fields_with, nested
from openrouter_iac.plan.model import FieldChange, PathChange


def _holds_model(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    options = typing.get_args(annotation) or (annotation,)
    return any(isinstance(o, type) and issubclass(o, BaseModel) for o in options)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _sort_key(value: Any) -> str:
    return repr(sorted(value.items())) if isinstance(value, dict) else repr(value)


_SCALARS = (str, bool, int)


@dataclass(frozen=True)
class _Shape:
    """What normalising needs from one model's field traits, worked out once per model."""

    model_slugs: frozenset[str]
    set_like: frozenset[str]
    models: frozenset[str]
    """Fields holding a nested model (zdr, budget, prompt_injection)."""
    nested: dict[str, Nested]
    """Free-form nested fields, diffed path by path, and their traits."""
    dumped: tuple[str, ...]
    """The fields a dump holds (``exclude=True`` ones are never dumped), in the model's order."""


@functools.cache
def _shape(model: type[BaseModel]) -> _Shape:
    return _Shape(
        fields_with(model, MODEL_SLUGS),
        fields_with(model, SET_LIKE),
        frozenset(name for name in model.model_fields if _holds_model(model, name)),
        {name: shape for name in model.model_fields if (shape := nested(model, name)) is not None},
        tuple(name for name, info in model.model_fields.items() if info.exclude is not True),
    )


_PLAIN = frozenset({str, int, float, bool})


@functools.lru_cache(maxsize=256)
def _part(model: type[BaseModel], only: frozenset[str], drop: frozenset[str]) -> tuple[str, ...]:
    """The dumped fields of ``model`` in ``only``, less config-only ones and ``drop``, in order
    (the objects of one collection mostly declare the same fields: one entry serves them all)."""
    skip = getattr(model, "CONFIG_ONLY", frozenset()) | drop
    return tuple(name for name in _shape(model).dumped if name in only and name not in skip)


def _dump_fields(spec: BaseModel, names: tuple[str, ...]) -> dict[str, Any]:
    """``spec.model_dump(mode="json", include=names)``, in the model's order, with the plain values
    (str, int, float, bool, None: dumped as they are) read directly instead of serialised."""
    values = spec.__dict__
    out: dict[str, Any] = {}
    rest = set()
    for name in names:
        value = values[name]
        if value is None or type(value) in _PLAIN:
            out[name] = value
        else:
            out[name] = None  # holds its place in the order; the dump below fills it in
            rest.add(name)
    if rest:
        out.update(spec.model_dump(mode="json", include=rest))
    return out


def plainly_equal(spec: BaseModel, other: BaseModel, only: frozenset[str], drop: frozenset[str] = frozenset()) -> bool:
    """Whether ``normalize(spec, c, only=only, drop=drop)`` is sure to equal ``other``'s, told from
    the raw values: each field holds the same object on both sides, or plain equal values (a plan
    of 20,000 unchanged keys then normalises none of them). False means "not sure": normalise."""
    if type(spec) is not type(other):
        return False
    mine, theirs = spec.__dict__, other.__dict__
    for name in _part(type(spec), only, drop):
        a, b = mine[name], theirs[name]
        if a is b and type(a) is not float:  # None, an enum member; a NaN is unequal to itself
            continue
        if type(a) not in _PLAIN or type(b) not in _PLAIN or a != b:
            return False
    return True


def normalize(
    spec: BaseModel,
    catalogue: Catalogue | None,
    *,
    drop: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A comparable dict of ``spec``: config-only fields and ``drop`` removed; just the fields in
    ``only`` when given (each field is normalised on its own, so the part equals the whole's part)."""
    # Called twice per object of a plan (20,000 keys: 40,000 calls), so scalars take a short path.
    shape = _shape(type(spec))
    if only is not None:
        raw = _dump_fields(spec, _part(type(spec), only, drop))
    else:
        skip = getattr(spec, "CONFIG_ONLY", frozenset()) | drop
        raw = spec.model_dump(mode="json", exclude=set(skip) if skip else None)
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or isinstance(value, _SCALARS):
            out[name] = value
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if name in shape.model_slugs and isinstance(value, list) and catalogue is not None:
            value = [catalogue.canonical(slug) for slug in value]
        if name in shape.set_like and isinstance(value, list):
            value = sorted({_sort_key(v): v for v in value}.values(), key=_sort_key)
        if isinstance(value, dict) and name in shape.models:
            # A nested model (zdr, budget...): an unset part reads like an absent one.
            value = {k: v for k, v in value.items() if v is not None} or None
        out[name] = None if _empty(value) else value
    return out


def field_changes(
    before: dict[str, Any] | None, after: dict[str, Any], model: type[BaseModel] | None = None
) -> list[FieldChange]:
    """Fields whose values differ (``before`` None means the object is new: every set field).
    A nested field of ``model`` (trait ``Nested``) is compared path by path."""
    changes = []
    nested_fields = _shape(model).nested if model is not None else {}
    for name, new in after.items():
        old = before.get(name) if before is not None else None
        if before is None and new is None:
            continue
        shape = nested_fields.get(name)
        if shape is not None and isinstance(old, dict) and isinstance(new, dict):
            paths = nested_paths(old, new, shape.set_like)
            if paths:
                changes.append(FieldChange(field=name, before=old, after=new, paths=paths))
            continue
        if old != new:
            changes.append(FieldChange(field=name, before=old, after=new))
    return changes


def nested_paths(before: dict[str, Any], after: dict[str, Any], set_like: frozenset[str]) -> list[PathChange]:
    """Where two nested values differ, as dotted paths. A list is one value (its items are not
    paths of their own); a list named in ``set_like`` is compared ignoring order."""

    from deepdiff import DeepDiff  # only nested values (preset parameters, ...) need it: a tenth of a plan's start-up

    def unordered(level: Any) -> bool:
        path = level.path(output_format="list")
        return bool(path) and path[-1] in set_like

    diff = DeepDiff(before, after, ignore_order_func=unordered)
    found: dict[str, PathChange] = {}
    for levels in diff.tree.values():
        for level in levels:
            parts = level.path(output_format="list")
            cut = next((i for i, part in enumerate(parts) if isinstance(part, int)), len(parts))
            keys = [str(part) for part in parts[:cut]]
            path = ".".join(keys)
            if path in found:
                continue
            found[path] = PathChange(path=path, before=_at(before, keys), after=_at(after, keys))
    return [found[path] for path in sorted(found)]


def _at(value: Any, keys: list[str]) -> Any:
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value
