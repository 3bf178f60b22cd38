"""Renderers show the paths inside a nested value that the plan's deepdiff found."""

from __future__ import annotations

from render_support import make_plan

from openrouter_iac.plan.model import Change, FieldChange, PathChange
from openrouter_iac.render.text import render_text


def test_the_text_plan_shows_the_paths() -> None:
    field = FieldChange(
        field="parameters",
        before={"temperature": 0.7},
        after={"temperature": 0.3},
        paths=[PathChange(path="temperature", before=0.7, after=0.3)],
    )
    change = Change(action="update", kind="preset", address="preset:w/p", workspace="w", name="p", fields=[field])
    text = render_text(make_plan([change]), color=False)
    assert "      parameters.temperature: 0.7 → 0.3\n" in text
    saved = change.model_dump(mode="json")
    assert saved["fields"][0]["paths"] == [{"path": "temperature", "before": 0.7, "after": 0.3}]
    assert "paths" not in FieldChange(field="limit", before=1, after=2).model_dump()
