"""A mistyped `--target` kind is a usage error (exit 1), not an empty plan: under
`--detailed-exitcode` an empty plan (exit 0) would tell a CI job "no changes" for a typo."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("apikey:lab/*", "unknown kind 'apikey' (did you mean 'api_key'?)"),
        ("lab/bot", "an address is KIND:WORKSPACE/NAME, e.g. 'api_key:lab/bot'"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "apply", "drift", "export"])
def test_a_mistyped_target_kind_is_a_usage_error(tmp_path: Path, command: str, target: str, reason: str) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": {"limit": 1}}}})
    args = [command, "--emulator", "--target", target]
    if command != "export":
        args += ["-c", str(config)]
    if command == "plan":
        args.append("--detailed-exitcode")
    result = orctl(*args)
    assert result.exit_code == 1, result.output
    assert f"Error: Invalid value for '--target': {target!r}: {reason}" in result.stderr


@pytest.mark.parametrize(
    "target", ["api_key:lab/*", "workspace:lab", "organization_settings", "*:lab/bot", "api_*:lab/*"]
)
def test_valid_targets_are_accepted(tmp_path: Path, target: str) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": {"limit": 1}}}})
    result = orctl("plan", "-c", str(config), "--emulator", "--target", target)
    assert result.exit_code == 0, result.output
