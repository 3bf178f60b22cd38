"""`orctl export` of live names the config language refuses (white space at an end, a control
character, a `/` in a key name): each object gets a valid name, is pinned by id and renamed on
apply, so the exported config validates and the plan after the apply is empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import apply, live, orctl, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_exported_names_validate_and_converge_after_the_renames(tmp_path: Path) -> None:
    assert apply(write_config(tmp_path / "seed.yaml", {"lab": {"name": "Lab"}})).exit_code == 0
    lab = next(w["id"] for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab")
    assert live("POST", "/guardrails", {"name": " spaced ", "workspace_id": lab})[0] == 201
    assert live("POST", "/guardrails", {"name": "spaced", "workspace_id": lab})[0] == 201
    assert live("POST", "/keys", {"name": "tab\tkey", "workspace_id": lab, "limit": 1})[0] == 201
    assert live("POST", "/keys", {"name": "team/bot", "workspace_id": lab, "limit": 1})[0] == 201

    exported = orctl("export", "--emulator", "-o", "adopted")
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "adopted" / "10-lab.yaml").read_text("utf-8")
    assert "live name ' spaced ' breaks the config's name rules" in text
    assert orctl("validate", "-c", "adopted").exit_code == 0

    planned = orctl("plan", "-c", "adopted", "--emulator")
    assert planned.exit_code == 0, planned.output
    for renamed in ('name: " spaced " → "spaced (2)"', 'name: "tab\\tkey" → "tab key"', '"team/bot" → "team-bot"'):
        assert renamed in planned.stdout, planned.stdout
    done = orctl("apply", "-c", "adopted", "--emulator", "--auto-approve", "--allow-policy-violations")
    assert done.exit_code == 0, done.output
    assert orctl("plan", "-c", "adopted", "--emulator", "--detailed-exitcode").exit_code == 0
