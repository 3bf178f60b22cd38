"""A value in a sensitive field never reaches any output, whatever the planner put there."""

from __future__ import annotations

import pytest
from render_support import SECRET, fc, make_plan

from openrouter_iac.plan.model import Action, Change, Plan
from openrouter_iac.render import render_json, render_markdown, render_text


def leaky_plan(action: Action) -> Plan:
    fields = [
        fc("key", SECRET, SECRET, sensitive=True),
        fc("config", None, {"apiKey": SECRET, "nested": [SECRET]}, sensitive=True),
        fc("system_prompt", f"old\n{SECRET}", f"new\n{SECRET}", sensitive=True),
    ]
    changes = [
        Change(action=action, kind=kind, address=f"{kind}:w/x", workspace="w", name="x", rotation=True, fields=fields)
        for kind in ("byok_key", "observability_destination", "api_key", "preset", "guardrail")
    ]
    return make_plan(changes)


@pytest.mark.parametrize("action", ["create", "update", "replace", "delete"])
def test_sensitive_values_never_rendered(action: Action) -> None:
    plan = leaky_plan(action)
    outputs = [
        render_text(plan, color=False),
        render_text(plan, color=True),
        render_json(plan),
        render_markdown(plan),
        render_markdown(plan, show_empty=True),
    ]
    for output in outputs:
        assert "(sensitive)" in output
        assert SECRET not in output
        assert SECRET[:16] not in output
        assert SECRET[-16:] not in output
