"""The default workspace every account has is never managed: empty, it is not drift; holding
objects made by hand, it is reported (so a nightly drift job on a converged account exits 0)."""

from __future__ import annotations

import shutil
from pathlib import Path

from adopt_support import orctl

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal"


def _converged(tmp_path: Path) -> Path:
    config = tmp_path / "cfg"
    shutil.copytree(EXAMPLE, config)
    applied = orctl("apply", "-c", config, "--emulator", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    return config


def test_an_empty_default_workspace_is_not_drift(tmp_path: Path) -> None:
    config = _converged(tmp_path)
    result = orctl("drift", "-c", config, "--emulator")
    assert result.exit_code == 0, result.output
    assert "workspace:default" not in result.output


def test_a_default_workspace_holding_objects_made_by_hand_is_drift(tmp_path: Path) -> None:
    config = _converged(tmp_path)
    (config / "extra.yaml").write_text(
        "version: 1\nworkspaces:\n  default:\n    name: Default Workspace\n    keys:\n      by-hand: {limit: 1}\n"
    )
    made = orctl("apply", "-c", config, "--emulator", "--auto-approve", "--allow-policy-violations")
    assert made.exit_code == 0, made.output
    (config / "extra.yaml").unlink()
    result = orctl("drift", "-c", config, "--emulator")
    assert result.exit_code == 2, result.output
    assert "unmanaged workspace:default" in result.output


def test_a_sink_that_lost_its_secret_is_drift(tmp_path: Path) -> None:
    config = _converged(tmp_path)
    sink = config / ".orctl" / "secrets" / "sandbox" / "docs-summarizer.key"
    assert sink.exists()
    sink.unlink()
    result = orctl("drift", "-c", config, "--emulator")
    assert result.exit_code == 2, result.output
    assert "api_key:sandbox/docs-summarizer" in result.output
    assert "secret is lost" in result.output
