"""`orctl emulator` commands, also run as `python -m openrouter_iac.emulator`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from emulator_support import REPO_ROOT

from openrouter_iac.cli import main
from openrouter_iac.emulator import EmbeddedEmulator
from openrouter_iac.emulator.cli import serve


def test_module_entry_point_is_the_serve_command() -> None:
    # One command, one set of flags: `python -m openrouter_iac.emulator` runs `orctl emulator serve`.
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_iac.emulator", "--help"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("Usage: python -m openrouter_iac.emulator [OPTIONS]")
    flags = {opt for param in serve.params if isinstance(param, click.Option) for opt in param.opts}
    assert flags - {"--help"} and all(flag in result.stdout for flag in flags)


def test_emulator_group_is_registered() -> None:
    result = CliRunner().invoke(main, ["emulator", "--help"])
    assert result.exit_code == 0
    assert "serve" in result.output and "init" in result.output


def test_init_writes_state_from_seed_for_embedded_mode(tmp_path: Path) -> None:
    state = tmp_path / "emulator.json"
    seed = REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"
    runner = CliRunner()
    result = runner.invoke(main, ["emulator", "init", "--state", str(state), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    assert "4 workspace(s), 14 API key(s)" in result.output
    assert "sk-or-" not in result.output
    with EmbeddedEmulator(state) as emu:
        status, payload = emu.emulator.call("GET", "/workspaces")
        assert status == 200 and payload["total_count"] == 4
    again = runner.invoke(main, ["emulator", "init", "--state", str(state)])
    assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(main, ["emulator", "init", "--state", str(state), "--force"])
    assert forced.exit_code == 0 and "1 workspace(s), 0 API key(s)" in forced.output


def test_init_reports_bad_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"workspaces": [{"slug": "NOPE"}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["emulator", "init", "--state", str(tmp_path / "s.json"), "--seed", str(seed)])
    assert result.exit_code == 1 and "workspaces[0]" in result.output


def test_serve_refuses_implicit_non_loopback_and_bad_faults(tmp_path: Path) -> None:
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"rules": [{"error_rate": 5}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["emulator", "serve", "--ephemeral", "--faults", str(faults)])
    assert result.exit_code == 1 and "error_rate must be between 0 and 1" in result.output
