"""`orctl plan` against the bundled messy seed account, as a new user first tries it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl, plan, write_config

SEED = Path(__file__).resolve().parents[2] / "examples" / "emulator-seeds" / "messy-account.json"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert orctl("emulator", "init", "--seed", str(SEED)).exit_code == 0


def test_an_unmanaged_workspace_counts_every_live_object_also_those_sharing_a_name(tmp_path: Path) -> None:
    # default: 6 keys (two pairs share a name), 3 guardrails (two share one), 1 preset.
    result = plan(write_config(tmp_path / "orctl.yaml", {"marketing": {"name": "Marketing"}}))
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.startswith("  workspace:")}
    assert lines["workspace:default"].endswith("(6 keys, 3 guardrails, 1 preset))"), result.stdout
    assert lines["workspace:research"].endswith("(4 keys, 1 guardrail, 1 preset))"), result.stdout
    assert lines["workspace:legacy-sandbox"].endswith("(2 keys, 1 guardrail, 0 presets))"), result.stdout
