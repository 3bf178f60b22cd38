"""The reasons the renderer fixtures pin (render_support.py) are the ones a real plan says: each is
produced here by `orctl plan --output json` against the emulator, so a fixture cannot drift into
a string the builder never writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from render_support import (
    REASON_KEY_REPLACE,
    REASON_PRUNED,
    REASON_ROTATION_MARKER,
    REASON_UNMANAGED,
    REASON_UNMANAGED_WORKSPACE,
)

from openrouter_iac.cli import main

SINKS = {"local": {"type": "file", "path": ".orctl/secrets/{workspace}/{key}.key"}}
ENV = {"OPENAI_KEY": "sk-proj-fake-test-only-0123456789", "ORCTL_DEBUG": ""}


def _keys(*names: str, **extra: Any) -> dict[str, Any]:
    return {name: {"secret_sink": "local", **extra} for name in names}


def _orctl(config: Path, workspaces: dict[str, Any], *args: str) -> str:
    config.write_text(json.dumps({"version": 1, "secret_sinks": SINKS, "workspaces": workspaces}), "utf-8")
    result = CliRunner().invoke(main, [*args, "-c", str(config), "--emulator"], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_pinned_reason_is_one_the_builder_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "orctl.yaml"
    byok = {"provider": "openai", "key": "env:OPENAI_KEY", "rotation": "2026-01"}
    before = {
        "hc": {"name": "HC", "keys": {**_keys("old-batch"), **_keys("intake", expires_at="2029-01-01T00:00:00Z")},
               "byok": {"bedrock": byok}},
        "ops": {"name": "Ops", "keys": _keys("kept", "dashboard")},
        "sandbox": {"name": "Sandbox", "keys": _keys("a", "b")},
    }  # fmt: skip
    _orctl(config, before, "apply", "--auto-approve", "--allow-policy-violations")  # bare keys: not policy-clean
    after = {
        "hc": {"name": "HC", "prune": True, "keys": _keys("intake", expires_at="2030-01-01T00:00:00Z"),
               "byok": {"bedrock": {**byok, "rotation": "2026-02"}}},
        "ops": {"name": "Ops", "keys": _keys("kept")},
    }  # fmt: skip
    plan = json.loads(_orctl(config, after, "plan", "--output", "json"))
    said = {c["address"]: c["reason"] for c in plan["changes"]} | {u["address"]: u["reason"] for u in plan["unmanaged"]}
    assert said["api_key:hc/intake"] == REASON_KEY_REPLACE
    assert said["byok_key:hc/bedrock"] == REASON_ROTATION_MARKER
    assert said["api_key:hc/old-batch"] == REASON_PRUNED
    assert said["api_key:ops/dashboard"] == REASON_UNMANAGED
    assert said["workspace:sandbox"] == REASON_UNMANAGED_WORKSPACE
