"""`orctl plan --output json` gives the deepdiff paths of a change inside a nested value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import apply, plan, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_nested_change_lists_its_paths(tmp_path: Path) -> None:
    hook = {"type": "webhook", "config": {"url": "https://hooks.example.com/in", "method": "POST"}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "observability": {"hook": hook}}})
    assert apply(config).exit_code == 0
    changed = {**hook, "config": {"url": "https://hooks.example.com/v2", "method": "POST"}}
    write_config(config, {"lab": {"name": "Lab", "observability": {"hook": changed}}})
    shown = plan(config, "--output", "json")
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["format_version"] == "1.3"
    (change,) = [c for c in document["changes"] if c["address"] == "observability_destination:lab/hook"]
    (field,) = [f for f in change["fields"] if f["field"] == "config"]
    assert field["paths"] == [
        {"path": "url", "before": "https://hooks.example.com/in", "after": "https://hooks.example.com/v2"}
    ]
    assert all(f["paths"] == [] for c in document["changes"] for f in c["fields"] if f["field"] != "config")
