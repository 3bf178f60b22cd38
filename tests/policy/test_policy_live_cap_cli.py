"""Managing one key of an existing workspace whose cap was set in the dashboard: the config leaves
`budgets` out (absent means not managed, so orctl keeps them), and neither the plan's policy
findings nor apply's policy gate call the workspace uncapped. Removing the live cap still is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from policy_support import EXPIRY

from openrouter_iac.cli import main

KEY = (
    "      notebook: {limit: 20, limit_reset: monthly, behavior: notebooks, "
    f"expires_at: '{EXPIRY}', secret_sink: local}}\n"
)


@pytest.fixture(autouse=True)
def _account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    seed = {
        "format": "orctl-emulator-seed/1",
        "workspaces": [{"slug": "default"}, {"slug": "research", "name": "Research", "budgets": {"monthly": 1000}}],
    }
    Path("seed.json").write_text(json.dumps(seed), encoding="utf-8")
    assert orctl("emulator", "init", "--seed", "seed.json").exit_code == 0


def orctl(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"ORCTL_DEBUG": ""}, catch_exceptions=False)


def _config(budgets: str = "") -> str:
    Path("orctl.yaml").write_text(
        "version: 1\nsecret_sinks:\n  local: {type: file, path: 'secrets/{workspace}/{key}.key'}\n"
        f"workspaces:\n  research:\n    name: Research\n{budgets}    keys:\n{KEY}",
        encoding="utf-8",
    )
    return "orctl.yaml"


def test_a_live_cap_the_config_leaves_alone_counts() -> None:
    config = _config()
    plan = orctl("plan", "-c", config, "--emulator", "--output", "json")
    assert plan.exit_code == 0, plan.output
    rules = [f["rule"] for f in json.loads(plan.stdout)["policy_findings"]]
    assert "workspace-uncapped" not in rules
    applied = orctl("apply", "-c", config, "--emulator", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 1 change(s) done." in applied.stdout


def test_a_plan_that_removes_the_live_cap_is_still_refused() -> None:
    config = _config(budgets="    budgets: {monthly: null}\n")
    plan = orctl("plan", "-c", config, "--emulator", "--output", "json")
    assert plan.exit_code == 0, plan.output
    assert "workspace-uncapped" in [f["rule"] for f in json.loads(plan.stdout)["policy_findings"]]
    applied = orctl("apply", "-c", config, "--emulator", "--auto-approve")
    assert applied.exit_code == 1
    assert "[workspace-uncapped] workspace:research" in applied.stderr
