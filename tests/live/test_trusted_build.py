"""The reader's fast way of building live specs (model/trusted.py) builds what validation builds.

The planner compares live specs with config specs, so a live spec built without validation must be
the same object validation would give: equal, with the same type in every field (`5.0`, not `5`),
the same fields set, the same dump; and a value validation refuses is refused the same way. Every
field of every spec model is tried with values of every sort, the good and the bad.
"""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any, Literal, Union

import pytest
from pydantic import BaseModel, ValidationError

from openrouter_iac.kinds import KINDS
from openrouter_iac.kinds.base import ReadContext
from openrouter_iac.model.resources import (
    ApiKey,
    Budgets,
    ContentFilter,
    GuardrailBudget,
    PromptInjection,
    ZeroDataRetention,
)
from openrouter_iac.model.trusted import build, read
from openrouter_iac.model.wire import plain_fields, read_plain

MODELS: list[type[BaseModel]] = sorted(
    {kind.spec for kind in KINDS} | {Budgets, GuardrailBudget, ZeroDataRetention, ContentFilter, PromptInjection},
    key=lambda model: model.__name__,
)

DATES = [
    "2030-01-01T00:00:00Z",
    "2030-01-01T00:00:00.123Z",
    "2030-01-01T00:00:00+00:00",
    "2030-01-01T02:00:00+02:00",
    "2030-01-01",
    "2030-01-01T00:00:00",
    "not a date",
    1_900_000_000,
]
ANYTHING: list[Any] = [None, True, 0, 1, 2.5, -1, "", "x", [], ["x"], {}, {"a": 1}, float("inf")]


def _samples(annotation: Any) -> list[Any]:
    """Values of every sort for a field of ``annotation``: what the API gives and what it must not."""
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return [value for arg in typing.get_args(annotation) for value in _samples(arg)]
    if annotation is type(None):
        return [None]
    if annotation is bool:
        return [True, False, 0, 1, "true", None]
    if annotation is float or annotation is int:
        return [0, 5, 5.5, 0.00001, 1, 2, 100, -1, True, "5", float("inf"), float("nan"), 10**20, None]
    if annotation is str:
        return ["x", "", "a b", " padded ", "x" * 1001, 5, None]
    if annotation is datetime:
        return [*DATES, None]
    if origin is Literal:
        return [*typing.get_args(annotation), "not-one-of-them", 1, None]
    if origin is list:
        items = _samples(typing.get_args(annotation)[0])
        return [[], items[:1], items[:2], items[-2:], tuple(items[:1]), "x", None]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation.model_construct(), {}, "x", None]
    return ANYTHING


def _required(model: type[BaseModel]) -> dict[str, Any]:
    """A good value for each required field (the first sample of its type)."""
    return {name: _samples(info.annotation)[0] for name, info in model.model_fields.items() if info.is_required()}


def _cases(model: type[BaseModel]) -> list[dict[str, Any]]:
    base = _required(model)
    cases = [base, {}, {**base, "not_a_field": 1}]
    for name, info in model.model_fields.items():
        cases.extend({**base, name: value} for value in _samples(info.annotation))
    return cases


def _same(model: type[BaseModel], values: dict[str, Any], made: Any = None) -> None:
    """``made()`` (by default ``build(model, values)``) gives what ``model_validate(values)`` gives."""
    make = made or (lambda: build(model, values))
    try:
        expected = model.model_validate(values)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as built:
            make()
        assert built.value.errors(include_context=False) == exc.errors(include_context=False)
        return
    got = make()
    assert type(got) is model
    assert got == expected
    assert list(got.__dict__) == list(expected.__dict__)
    for name in model.model_fields:
        mine, theirs = getattr(got, name), getattr(expected, name)
        assert type(mine) is type(theirs), name
        if isinstance(theirs, datetime):
            assert type(mine.tzinfo) is type(theirs.tzinfo), name
        if isinstance(theirs, list):
            assert [type(v) for v in mine] == [type(v) for v in theirs], name
            assert mine is not values.get(name), "a list of the input is copied, as validation does"
    assert got.model_fields_set == expected.model_fields_set
    assert got.model_dump_json() == expected.model_dump_json()
    assert repr(got) == repr(expected)
    assert got.model_extra == expected.model_extra


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_field_of_every_sort_builds_as_validation_does(model: type[BaseModel]) -> None:
    for values in _cases(model):
        _same(model, values)


@pytest.mark.parametrize(
    "model", sorted({kind.spec for kind in KINDS}, key=lambda m: m.__name__), ids=lambda m: m.__name__
)
def test_every_plain_field_read_from_the_api_is_what_validation_makes_of_it(model: type[BaseModel]) -> None:
    # The reader's way: the plain fields from the API object (None and [] read as the default), the
    # kind's own fields beside them.
    api_names = {p.field: p.api for p in plain_fields(model)}
    required = _required(model)
    special = {name: value for name, value in required.items() if name not in api_names}
    base = {api_names[name]: value for name, value in required.items() if name in api_names}
    for field, api in api_names.items():
        for value in _samples(model.model_fields[field].annotation):
            raw = {**base, api: value, "id": "x-1", "unrelated": [1]}
            _same(model, {**read_plain(model, raw), **special}, lambda raw=raw: read(model, raw, special))


def test_a_plain_key_is_built_without_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a test that only ever compares validation with itself: the common key takes the fast way.
    expected = ApiKey.model_validate(
        {"limit": 10, "disabled": True, "last_used_at": "2026-11-30T08:00:00Z", "guardrail": "cap"}
    )

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("validated")

    monkeypatch.setattr(ApiKey, "model_validate", refused)
    raw = {"hash": "h", "name": "bot", "limit": 10, "disabled": True, "limit_reset": None}
    assert read(ApiKey, {**raw, "last_used_at": "2026-11-30T08:00:00Z", "usage": 0}, {"guardrail": "cap"}) == expected


def test_defaults_made_per_object_are_not_shared() -> None:
    first, second = build(ApiKey, {}), build(ApiKey, {})
    assert first.previous_names == [] and first.previous_names is not second.previous_names


def test_a_key_read_from_the_api_is_the_key_validation_gives() -> None:
    kind = next(kind for kind in KINDS if kind.name == "api_key")
    assert kind.from_api is not None
    context = ReadContext(names={"guardrail": {"g-1": "cap"}}, guardrail_of_key={"h-1": "g-1", "h-2": "g-9"})
    for key_hash in ("h-1", "h-2", "h-3"):
        for extra in (
            {},
            {"limit": 10, "limit_reset": "monthly", "include_byok_in_limit": True, "disabled": True},
            {"limit": 2.5, "expires_at": "2030-01-01T00:00:00Z", "last_used_at": "2026-11-30T08:00:00.000Z"},
            {"limit": None, "limit_reset": None, "external_user": "u-1", "usage": 3, "label": "sk-or-...abc"},
            {"expires_at": "2030-01-01T02:00:00+02:00"},  # refused, as validation refuses it
        ):
            raw = {"hash": key_hash, "name": "bot", **extra}
            guardrail = {"h-1": "cap", "h-2": "id:g-9"}.get(key_hash)
            values = {**read_plain(ApiKey, raw), "guardrail": guardrail}
            try:
                expected = ApiKey.model_validate(values)
            except ValidationError:
                with pytest.raises(ValidationError):
                    kind.from_api(raw, context)
                continue
            got = kind.from_api(raw, context)
            assert got == expected and got.model_dump_json() == expected.model_dump_json()
            assert got.model_fields_set == expected.model_fields_set
