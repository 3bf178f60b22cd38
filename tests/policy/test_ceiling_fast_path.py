"""A key's ceiling is computed without building its caps: the same number as the smallest monthly
bound of the caps `key_caps` lists for it (its limit, its guardrail's and the default guardrail's
budgets), for any mix of limits, resets, guardrails and disabled keys."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openrouter_iac.model.resources import ApiKey, Workspace
from openrouter_iac.policy.caps import guardrail_cap, key_cap
from openrouter_iac.policy.ceiling import key_ceiling

AMOUNTS = st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e6, allow_nan=False), st.integers(1, 10_000))
RESETS = st.sampled_from(["daily", "weekly", "monthly", "lifetime"])


BUDGETS = st.one_of(
    st.none(), st.builds(lambda usd, reset: {"limit_usd": usd, "reset": reset}, AMOUNTS.filter(bool), RESETS)
)


@st.composite
def keys_in_workspaces(draw: st.DrawFn) -> tuple[Workspace, ApiKey]:
    budgets = draw(st.dictionaries(st.sampled_from(["g1", "g2", "g3"]), BUDGETS, max_size=3))
    default = draw(st.one_of(st.none(), BUDGETS.map(lambda b: {"budget": b} if b else {})))
    workspace = Workspace.model_validate(
        {
            "name": "W",
            "guardrails": {name: {"budget": b} if b else {} for name, b in budgets.items()},
            **({"default_guardrail": default} if default is not None else {}),
        }
    )
    key = ApiKey.model_validate(
        {
            "limit": draw(AMOUNTS),
            "limit_reset": draw(st.one_of(st.none(), st.sampled_from(["daily", "weekly", "monthly"]))),
            "guardrail": draw(st.one_of(st.none(), st.sampled_from(["g1", "g2", "g3", "missing"]))),
            "disabled": draw(st.booleans()),
        }
    )
    return workspace, key


def by_caps(slug: str, workspace: Workspace, name: str, key: ApiKey) -> float | None:
    """The ceiling as the caps give it (the way it was computed before the fast path)."""
    if key.disabled:
        return 0.0
    guardrail = workspace.guardrails.get(key.guardrail) if key.guardrail else None
    caps = [
        key_cap(slug, name, key),
        guardrail_cap(slug, key.guardrail, guardrail) if guardrail else None,
        guardrail_cap(slug, None, workspace.default_guardrail),
    ]
    bounds = [cap.per_month for cap in caps if cap is not None]
    return min(bounds) if bounds else None


@settings(max_examples=300, deadline=None)
@given(keys_in_workspaces())
def test_key_ceiling_equals_the_caps_bound(case: tuple[Workspace, ApiKey]) -> None:
    workspace, key = case
    assert key_ceiling("ws", workspace, "k", key) == by_caps("ws", workspace, "k", key)
