"""The planner skips the full diff of a matched object it can tell is unchanged (`_Builder.unchanged`):
for any account and config, the plan must be exactly the one the full path makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openrouter_iac.model.config import Config
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.plan import builder
from openrouter_iac.plan.builder import build_plan

CATALOGUE = Catalogue({"openai/gpt-4o": "openai/gpt-4o-2024", "openai/gpt-4o-2024": "openai/gpt-4o-2024"}, frozenset())
GUARDRAILS = ["g1", "g2"]

KEY_VARIANTS: list[dict[str, Any]] = [
    {},
    {"limit": 10},
    {"limit": 10.0, "limit_reset": "monthly"},
    {"limit": 11},
    {"disabled": True},
    {"guardrail": "g1"},
    {"guardrail": "g2", "limit": 10},
    {"guardrail": None},
    {"expires_at": "2027-06-30T00:00:00Z"},
    {"expires_at": "2027-07-30T00:00:00Z"},
    {"include_byok_in_limit": True, "secret_sink": "none"},
]
GUARDRAIL_VARIANTS: list[dict[str, Any]] = [
    {},
    {"description": "d"},
    {"allowed_models": ["openai/gpt-4o"]},
    {"allowed_models": ["openai/gpt-4o-2024"]},
    {"budget": {"limit_usd": 5, "reset": "monthly"}},
    {"members": ["b", "a"]},
    {"members": ["a", "b"]},
]
BYOK_VARIANTS: list[dict[str, Any]] = [
    {"provider": "openai"},
    {"provider": "openai", "rotation": "2026-10"},
    {"provider": "openai", "rotation": "2026-11", "fallback": True},
    {"provider": "openai", "allowed_keys": ["k0"]},
]

index = st.integers(min_value=0, max_value=50)


def workspace(keys: list[int], guardrails: list[int], byok: list[int]) -> dict[str, Any]:
    return {
        "name": "Acme",
        "guardrails": {
            name: GUARDRAIL_VARIANTS[v % len(GUARDRAIL_VARIANTS)]
            for name, v in zip(GUARDRAILS, guardrails, strict=False)
        },
        "keys": {f"k{n}": KEY_VARIANTS[v % len(KEY_VARIANTS)] for n, v in enumerate(keys)},
        "byok": {f"b{n}": BYOK_VARIANTS[v % len(BYOK_VARIANTS)] for n, v in enumerate(byok)},
    }


def live_of(ws: dict[str, Any], lost: list[int], markers: list[int]) -> LiveSnapshot:
    account = Config.model_validate({"version": 1, "workspaces": {"acme": ws}}).account()
    live_ws = account.workspaces["acme"]
    ids = {"workspace:acme": "ws-acme", "default_guardrail:acme": "dg-acme"}
    ids |= {f"api_key:acme/{name}": f"hash-{name}" for name in live_ws.keys}
    ids |= {f"guardrail:acme/{name}": f"g-{name}" for name in live_ws.guardrails}
    ids |= {f"byok_key:acme/{name}": f"byok-{name}" for name in live_ws.byok}
    keys = sorted(live_ws.keys)
    return LiveSnapshot(
        state=account,
        ids=ids,
        catalogue=CATALOGUE,
        default_workspace=None,
        lost_secrets={f"api_key:acme/{keys[n % len(keys)]}": "the sink is empty" for n in lost if keys},
        rotation_markers={f"byok_key:acme/b{n}": "2026-10" for n in markers},
    )


def both_ways(desired: Config, live: LiveSnapshot, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    now = builder.datetime(2026, 12, 1, tzinfo=builder.UTC)
    fast = build_plan(desired, live, base_dir=Path("."), now=now).model_dump()
    with monkeypatch.context() as patch:
        patch.setattr(builder._Builder, "unchanged", lambda *_: False)
        full = build_plan(desired, live, base_dir=Path("."), now=now).model_dump()
    return fast, full


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    live_keys=st.lists(index, max_size=6),
    want_keys=st.lists(index, max_size=6),
    live_guardrails=st.lists(index, min_size=2, max_size=2),
    want_guardrails=st.lists(index, min_size=2, max_size=2),
    live_byok=st.lists(index, max_size=3),
    want_byok=st.lists(index, max_size=3),
    lost=st.lists(index, max_size=2),
    markers=st.lists(st.integers(min_value=0, max_value=3), max_size=2),
)
def test_the_fast_path_plans_what_the_full_path_plans(
    monkeypatch: pytest.MonkeyPatch,
    live_keys: list[int],
    want_keys: list[int],
    live_guardrails: list[int],
    want_guardrails: list[int],
    live_byok: list[int],
    want_byok: list[int],
    lost: list[int],
    markers: list[int],
) -> None:
    live = live_of(workspace(live_keys, live_guardrails, live_byok), lost, markers)
    desired = Config.model_validate(
        {"version": 1, "workspaces": {"acme": workspace(want_keys, want_guardrails, want_byok)}}
    )
    fast, full = both_ways(desired, live, monkeypatch)
    assert fast == full


def test_an_unchanged_account_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace([1, 2, 5, 6], [1, 0], [0, 1])  # plain values only: lists are "not sure"
    calls: list[str] = []
    real = builder._Builder.unchanged

    def spy(self: Any, kind: Any, address: str, spec: Any, live_spec: Any) -> bool:
        result = real(self, kind, address, spec, live_spec)
        calls.append(f"{address}={result}")
        return result

    monkeypatch.setattr(builder._Builder, "unchanged", spy)
    plan = build_plan(
        Config.model_validate({"version": 1, "workspaces": {"acme": ws}}),
        live_of(ws, [], [1]),
        base_dir=Path("."),
        now=builder.datetime(2026, 12, 1, tzinfo=builder.UTC),  # the expiries above must stay ahead
    )
    assert plan.changes == []
    assert all(call.endswith("=True") for call in calls) and len(calls) == 8, calls
