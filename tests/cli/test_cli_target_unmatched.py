"""A `--target` that selects nothing the config declares or the account holds is said in a
warning: the empty plan it gives would otherwise read as "no changes"."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl, write_config

WARNING = "--target 'api_key:lab/nope' matches nothing in the config or the account"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": {"limit": 1}}}})


@pytest.mark.parametrize("command", ["plan", "apply", "drift"])
def test_a_target_that_matches_nothing_is_warned_about(tmp_path: Path, command: str) -> None:
    result = orctl(command, "-c", str(_config(tmp_path)), "--emulator", "--target", "api_key:lab/nope")
    assert WARNING in result.output + result.stderr, result.output


def test_the_warning_is_in_the_json_plan(tmp_path: Path) -> None:
    result = orctl("plan", "-c", str(_config(tmp_path)), "--emulator", "--target", "api_key:lab/nope", "-o", "json")
    assert WARNING in result.stdout


@pytest.mark.parametrize("target", ["api_key:lab/bot", "workspace:lab", "api_key:lab/*", "organization_settings"])
def test_a_target_that_matches_a_declared_object_is_not_warned_about(tmp_path: Path, target: str) -> None:
    result = orctl("plan", "-c", str(_config(tmp_path)), "--emulator", "--target", target)
    assert result.exit_code == 0, result.output
    assert "matches nothing" not in result.output + result.stderr


def test_export_warns_about_a_target_that_matches_nothing(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert orctl("apply", "-c", str(config), "--emulator", "--auto-approve").exit_code == 0
    out = tmp_path / "exported"
    nothing = orctl(
        "export", "--emulator", "-o", str(out), "--target", "api_key:lab/nope", "--target", "api_key:lab/bot"
    )
    assert nothing.exit_code == 0, nothing.output
    assert "--target 'api_key:lab/nope' matches nothing in the account" in nothing.stderr
    assert "'api_key:lab/bot' matches nothing" not in nothing.stderr
    assert "bot:" in (out / "10-lab.yaml").read_text()
