"""Nested values (preset parameters and provider routing, destination config, filter rules) are
diffed path by path with deepdiff; lists whose order does not matter are compared as sets."""

from __future__ import annotations

from openrouter_iac.model.resources import ObservabilityDestination, Preset
from openrouter_iac.model.traits import IMMUTABLE, SET_LIKE, has
from openrouter_iac.plan.model import PathChange
from openrouter_iac.plan.normalize import field_changes


def test_a_changed_parameter_is_one_path() -> None:
    before = {"parameters": {"temperature": 0.7, "max_tokens": 800}}
    after = {"parameters": {"temperature": 0.3, "max_tokens": 800, "top_p": 0.9}}
    [change] = field_changes(before, after, Preset)
    assert change.field == "parameters"
    assert change.paths == [
        PathChange(path="temperature", before=0.7, after=0.3),
        PathChange(path="top_p", before=None, after=0.9),
    ]


def test_provider_only_ignores_order_but_order_does_not() -> None:
    before = {"provider": {"only": ["a", "b"], "order": ["x", "y"]}}
    assert field_changes(before, {"provider": {"only": ["b", "a"], "order": ["x", "y"]}}, Preset) == []
    [change] = field_changes(before, {"provider": {"only": ["a", "b"], "order": ["y", "x"]}}, Preset)
    assert change.paths == [PathChange(path="order", before=["x", "y"], after=["y", "x"])]


def test_destination_config_paths_go_deep() -> None:
    before = {"config": {"url": "https://a.example", "headers": {"X-Team": "ml", "X-Env": "prod"}}}
    after = {"config": {"url": "https://a.example", "headers": {"X-Team": "ai", "X-Env": "prod"}}}
    [change] = field_changes(before, after, ObservabilityDestination)
    assert change.paths == [PathChange(path="headers.X-Team", before="ml", after="ai")]


def test_traits_sit_on_the_model_fields() -> None:
    assert has(ObservabilityDestination, "type", IMMUTABLE)
    assert has(ObservabilityDestination, "api_keys", SET_LIKE)
    assert not has(Preset, "models", SET_LIKE)  # fallback order matters
