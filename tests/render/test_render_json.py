"""The stable JSON plan: documented keys, fixed order, byte-identical output, golden file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from render_support import fc, make_plan, summary

from openrouter_iac.plan.model import Change, FieldChange, PathChange, Plan
from openrouter_iac.render import JSON_FORMAT_VERSION, render_json

GOLDEN = Path(__file__).parent / "golden" / "plan.json"

TOP_KEYS = [
    "format_version",
    "orctl_version",
    "fingerprint",
    "changes",
    "summary",
    "unmanaged",
    "warnings",
    "safety",
    "policy_findings",
    "spend_ceiling",
    "retiring",
    "key_expiry",
]
CHANGE_KEYS = [
    "action",
    "kind",
    "address",
    "workspace",
    "name",
    "layer",
    "reason",
    "rotation",
    "fields",
    "details",
    "weakens_policy",
    "weakening_reasons",
    "observed",
]
FIELD_KEYS = ["field", "before", "after", "sensitive", "paths"]
SAFETY_KEYS = [
    "managed_objects",
    "deletes",
    "rotations",
    "protected_hits",
    "empty_config_against_populated_scope",
    "emptied_scopes",
    "max_delete_fraction",
    "min_objects_for_fraction",
    "delete_fraction_exceeded",
]


def test_documented_keys_in_fixed_order(plan: Plan) -> None:
    document = json.loads(render_json(plan))
    assert list(document) == TOP_KEYS
    assert document["format_version"] == JSON_FORMAT_VERSION == "1.3"
    assert all(list(change) == CHANGE_KEYS for change in document["changes"])
    assert all(list(field) == FIELD_KEYS for change in document["changes"] for field in change["fields"])
    assert list(document["summary"]) == ["create", "update", "replace", "delete"]
    assert all(list(item) == ["kind", "address", "reason"] for item in document["unmanaged"])
    assert list(document["safety"]) == SAFETY_KEYS


def test_values(plan: Plan) -> None:
    document = json.loads(render_json(plan))
    assert ", ".join(f"{n} to {action}" for action, n in document["summary"].items()) == summary(plan)
    assert all(document["summary"].values())
    # Changes keep the plan's (apply) order, unlike the grouped text plan.
    assert [c["address"] for c in document["changes"]] == [c.address for c in plan.changes]
    rotation = next(c for c in document["changes"] if c["kind"] == "api_key" and c["action"] == "replace")
    assert rotation["rotation"] is True and rotation["layer"] == 3
    preset = next(c for c in document["changes"] if c["address"] == "preset:healthcare/triage")
    assert preset["details"] == {"restores_version": 2, "version_after": 6, "version_before": 5}
    byok = next(c for c in document["changes"] if c["kind"] == "byok_key")
    assert byok["fields"] == [{"field": "key", "before": None, "after": "(sensitive)", "sensitive": True, "paths": []}]
    assert document["safety"]["rotations"] == ["api_key:healthcare/intake-summarizer", "byok_key:healthcare/bedrock"]


def test_indent_two_and_deterministic(plan: Plan) -> None:
    text = render_json(plan)
    assert text.startswith('{\n  "format_version": "1.3",\n')
    assert not text.endswith("\n")
    assert render_json(plan) == text


def test_mapping_keys_are_canonical() -> None:
    def plan_with(after: dict[str, object]) -> str:
        change = Change(action="update", kind="preset", address="preset:w/p", fields=[fc("parameters", {}, after)])
        return render_json(make_plan([change]))

    assert plan_with({"b": 1, "a": {"y": 2, "x": 1}}) == plan_with({"a": {"x": 1, "y": 2}, "b": 1})


def test_nested_changes_carry_their_deepdiff_paths() -> None:
    before, after = {"temperature": 0.7, "stop": ["a"]}, {"temperature": 0.3, "stop": ["a"], "top_p": 0.9}
    field = FieldChange(
        field="parameters",
        before=before,
        after=after,
        paths=[
            PathChange(path="temperature", before=0.7, after=0.3),
            PathChange(path="top_p", before=None, after=0.9),
        ],
    )
    change = Change(action="update", kind="preset", address="preset:w/p", fields=[field])
    (rendered,) = json.loads(render_json(make_plan([change])))["changes"][0]["fields"]
    assert rendered["paths"] == [
        {"path": "temperature", "before": 0.7, "after": 0.3},
        {"path": "top_p", "before": None, "after": 0.9},
    ]
    secret = FieldChange(field="config", sensitive=True, paths=[PathChange(path="apiKey", before="a", after="b")])
    masked = Change(action="update", kind="observability_destination", address="observability_destination:w/d")
    (shown,) = json.loads(render_json(make_plan([masked.model_copy(update={"fields": [secret]})])))["changes"]
    assert shown["fields"][0]["paths"] == [{"path": "apiKey", "before": "(sensitive)", "after": "(sensitive)"}]


def test_empty_plan(empty_plan: Plan) -> None:
    document = json.loads(render_json(empty_plan))
    assert document["changes"] == [] and document["unmanaged"] == [] and document["warnings"] == []
    assert document["summary"] == {"create": 0, "update": 0, "replace": 0, "delete": 0}


def test_golden(plan: Plan) -> None:
    text = render_json(plan) + "\n"
    if os.environ.get("ORCTL_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.read_text(encoding="utf-8") == text, "JSON plan changed; ORCTL_UPDATE_GOLDEN=1 regenerates it"
