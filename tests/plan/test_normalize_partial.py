"""The planner compares only the fields a config declares (plan/normalize.py ``only=``): a part of
an object normalised on its own must be exactly that part of the whole, values and order alike;
two objects it skips normalising (``plainly_equal``) must have no field change between them. And
the collector pause (gc_pause.py) the reader and planner run under restores what it found."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.model.resources import (
    ApiKey,
    ByokKey,
    Guardrail,
    ObservabilityDestination,
    Preset,
    Workspace,
)
from openrouter_iac.model.snapshot import Catalogue
from openrouter_iac.plan.normalize import field_changes, normalize, plainly_equal

CATALOGUE = Catalogue({"openai/gpt-4o": "openai/gpt-4o-2024", "openai/gpt-4o-2024": "openai/gpt-4o-2024"}, frozenset())

SPECS: list[BaseModel] = [
    ApiKey(limit=10.0, guardrail="tier-1", expires_at=datetime(2027, 1, 1, tzinfo=UTC), previous_names=["old"]),
    ApiKey(limit=0, disabled=True, include_byok_in_limit=True, limit_reset="monthly"),
    ApiKey(),
    Guardrail.model_validate(
        {
            "description": "d",
            "budget": {"limit_usd": 5, "reset": "monthly"},
            "allowed_models": ["openai/gpt-4o", "anthropic/x"],
            "allowed_providers": ["b", "a"],
            "zdr": True,
            "content_filters": [{"pattern": "a+", "action": "redact"}, {"pattern": "b", "action": "block"}],
            "sensitive_info": {"email": "redact"},
            "members": ["u2", "u1"],
        }
    ),
    Preset(model="openai/gpt-4o", parameters={"temperature": 0.2}, provider={"order": ["x"], "only": ["b", "a"]}),
    ByokKey(provider="openai", allowed_models=["openai/gpt-4o"], allowed_keys=["k2", "k1"]),
    ObservabilityDestination(type="webhook", config={"url": "https://example.invalid/hook"}, sampling_rate=0.5),
    Workspace(name="W", budgets={"monthly": 100}, members=["b", "a"]),
]


def _subsets(spec: BaseModel) -> list[frozenset[str]]:
    names = list(type(spec).model_fields)
    return [
        frozenset(),
        frozenset(names),
        frozenset(spec.model_fields_set),
        frozenset(names[::2]),
        frozenset(names[1::3]),
        frozenset({*names[:2], "not_a_field"}),
    ]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("drop", [frozenset(), frozenset({"guardrail", "members"})])
def test_a_part_normalised_alone_is_that_part_of_the_whole(spec: BaseModel, drop: frozenset[str]) -> None:
    whole = normalize(spec, CATALOGUE, drop=drop)
    for only in _subsets(spec):
        part = normalize(spec, CATALOGUE, drop=drop, only=only)
        expected = {name: value for name, value in whole.items() if name in only}
        assert part == expected
        assert list(part) == list(expected)  # the plan lists field changes in model order


def test_server_computed_fields_stay_out_of_a_part_as_of_the_whole() -> None:
    spec = ApiKey.model_validate({"limit": 1, "last_used_at": "2026-01-01T00:00:00Z"})
    assert "last_used_at" not in normalize(spec, None, only=frozenset({"limit", "last_used_at"}))
    assert "last_used_at" not in normalize(spec, None)


def _nested_pause(depth: int) -> list[bool]:
    seen = [gc.isenabled()]
    with paused_gc():
        seen.append(gc.isenabled())
        if depth:
            seen += _nested_pause(depth - 1)
        seen.append(gc.isenabled())
    return seen


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_pause_nests_and_restores_the_state_it_found(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        seen = _nested_pause(2)
        assert seen[0] is enabled and not any(seen[1:])
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), paused_gc():
            raise RuntimeError("boom")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def _pairs() -> list[tuple[BaseModel, BaseModel]]:
    """Specs beside ones that differ a little, or only in how a value is written."""
    plus_one = datetime(2027, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))  # the same instant
    pairs: list[tuple[BaseModel, BaseModel]] = [(spec, spec.model_copy()) for spec in SPECS]
    pairs += [
        (ApiKey(limit=10), ApiKey(limit=10.0)),
        (ApiKey(limit=10), ApiKey(limit=11)),
        (ApiKey.model_construct(limit=float("nan")), ApiKey.model_construct(limit=float("nan"))),  # unvalidated
        (ApiKey(expires_at=datetime(2027, 1, 1, tzinfo=UTC)), ApiKey.model_construct(expires_at=plus_one)),
        (ApiKey(limit_reset="monthly"), ApiKey(limit_reset="monthly")),
        (ApiKey(limit_reset="monthly"), ApiKey(limit_reset="daily")),
        (ApiKey(guardrail="a"), ApiKey(guardrail="b")),
        (ApiKey(disabled=True), ApiKey(disabled=False)),
        (Guardrail(allowed_providers=["a", "b"]), Guardrail(allowed_providers=["b", "a"])),
        (Guardrail.model_construct(allowed_models=[]), Guardrail()),
        (Guardrail(description="x"), ApiKey()),
    ]
    return pairs


@pytest.mark.parametrize(("one", "other"), _pairs())
def test_plainly_equal_only_when_normalising_both_gives_the_same(one: BaseModel, other: BaseModel) -> None:
    # The planner skips normalising a matched object when plainly_equal says so: it must never
    # say "equal" where the diff would show a change (it may say "not sure" where it would not).
    for only in _subsets(one):
        for drop in (frozenset(), frozenset({"guardrail"})):
            if plainly_equal(one, other, only, drop):
                mine = normalize(one, CATALOGUE, drop=drop, only=only)
                theirs = normalize(other, CATALOGUE, drop=drop, only=only)
                assert not field_changes(theirs, mine, type(one))


def test_plainly_equal_says_equal_for_an_unchanged_key() -> None:
    declared = ApiKey.model_validate({"limit": 10, "guardrail": "tier-1"})
    live = ApiKey.model_validate({"limit": 10.0, "guardrail": "tier-1", "disabled": False})
    assert plainly_equal(declared, live, frozenset(declared.model_fields_set), frozenset({"guardrail"}))
    assert not plainly_equal(ApiKey(limit=20), live, frozenset({"limit"}))
