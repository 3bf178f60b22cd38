"""The quoted-boolean check walks only the parts of a config that can hold a boolean field, with
a walker worked out once per annotation: it finds what walking every annotation of every value
finds (the walk it replaced, kept here as the reference), on the repository's configs and on
configs whose every value is swapped for a boolean-looking one."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from openrouter_iac.config.quoted_booleans import Problem, _reason, check_quoted_booleans
from openrouter_iac.config.yaml_source import read_yaml
from openrouter_iac.model.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(p for d in ("examples", "tests") for p in (ROOT / d).rglob("*.yaml"))


def reference(annotation: Any, value: Any, path: tuple[str | int, ...]) -> Iterator[Problem]:
    origin = get_origin(annotation)
    if origin is Annotated:
        yield from reference(get_args(annotation)[0], value, path)
    elif annotation is bool:
        reason = _reason(value)
        if reason is not None:
            yield path, False, reason
    elif origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        if str in options or (bool in options and any(arg in (int, float) for arg in options)):
            return
        seen: set[Problem] = set()
        for option in options:
            for problem in reference(option, value, path):
                if problem not in seen:
                    seen.add(problem)
                    yield problem
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(value, dict):
        for name, field in annotation.model_fields.items():
            key = name if name in value else field.alias if field.alias in value else None
            if key is not None:
                yield from reference(field.annotation, value[key], (*path, key))
    elif origin is dict and isinstance(value, dict):
        item = get_args(annotation)[1] if get_args(annotation) else Any
        for key, child in value.items():
            yield from reference(item, child, (*path, key))
    elif origin is list and isinstance(value, list):
        item = get_args(annotation)[0] if get_args(annotation) else Any
        for index, child in enumerate(value):
            yield from reference(item, child, (*path, index))


def documents() -> list[Any]:
    found = []
    for path in CONFIGS:
        data, _, problems = read_yaml(path, path.name)
        if isinstance(data, dict) and not problems:
            found.append(data)
    return found


DOCUMENTS = documents()
SWAPS = st.sampled_from(["yes", "off", "True", " n ", 1, 0, 1.0, 2, True, False, None, "text", [], {}])


def swapped(value: Any, draw: st.DrawFn) -> Any:
    """``value`` with each leaf either kept or swapped for a boolean-looking value."""
    if isinstance(value, dict):
        return {key: swapped(child, draw) for key, child in value.items()}
    if isinstance(value, list):
        return [swapped(child, draw) for child in value]
    return draw(SWAPS) if draw(st.booleans()) else value


@pytest.mark.parametrize("index", range(len(DOCUMENTS)))
def test_the_repository_configs_give_the_same_problems(index: int) -> None:
    data = DOCUMENTS[index]
    assert list(check_quoted_booleans(data)) == list(reference(Config, data, ()))


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_configs_with_boolean_looking_values_give_the_same_problems(data: st.DataObject) -> None:
    document = swapped(data.draw(st.sampled_from(DOCUMENTS)), data.draw)
    assert list(check_quoted_booleans(document)) == list(reference(Config, document, ()))
