# ruff: noqa: E501  -- the expected messages are an interface and are compared whole.
"""One error boundary: no traceback reaches a user, usage errors exit 1 (2 only means "changes"),
an internal error is one line plus what apply had done, and --debug / ORCTL_DEBUG=1 show the
traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import STATE, apply, orctl, plan, write_config

from openrouter_iac.client.retry import RetryPolicy
from openrouter_iac.config import json_schema
from openrouter_iac.errors import ISSUES_URL
from openrouter_iac.live.writer import Writer

FAKE_SECRET = "sk-or-v1-" + "ab" * 32  # fake, test-only
HINT = " (run with --debug or ORCTL_DEBUG=1 for the traceback)"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _two_changes(tmp_path: Path) -> Path:
    return write_config(
        tmp_path / "orctl.yaml",
        {"sandbox": {"name": "Sandbox", "keys": {"bot": {"limit": 1, "secret_sink": "local"}}}},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--bogus"], "Error: No such option '--bogus'."),
        (["plan", "--detailed-exitcode", "--bogus"], "Error: No such option '--bogus'."),
        (
            ["plan", "--output", "yaml"],
            "Error: Invalid value for '--output': 'yaml' is not one of 'text', 'json', 'markdown'.",
        ),
        (["plan", "--parallelism", "0"], "Error: Invalid value for '--parallelism': 0 is not in the range 1<=x<=64."),
        (
            ["apply", "no-such-plan.json"],
            "Error: Invalid value for '[PLANFILE]': File 'no-such-plan.json' does not exist.",
        ),
        (["plna"], "Error: No such command 'plna'."),
        (["emulator", "serve", "--port", "x"], "Error: Invalid value for '--port': 'x' is not a valid integer."),
    ],
)
def test_usage_errors_exit_1(args: list[str], message: str) -> None:
    result = orctl(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_typo_under_detailed_exitcode_is_not_drift_for_the_installed_command() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "openrouter_iac.cli", "plan", "--detailed-exitcode", "--emulatr"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "No such option '--emulatr'" in run.stderr


def _boom() -> str:
    raise RuntimeError(f"boom with {FAKE_SECRET}\nand a second line")


def test_an_unexpected_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_schema, "config_schema_text", _boom)
    result = orctl("schema")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"internal error: RuntimeError: boom with sk-or-(sensitive) and a second line, please report it at {ISSUES_URL}{HINT}\n"
    )


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr(json_schema, "config_schema_text", _boom)
    result = orctl("--debug", "schema") if how == "flag" else orctl("schema", env={"ORCTL_DEBUG": "1"})
    assert result.exit_code == 1
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert "in _boom\n" in result.stderr
    assert FAKE_SECRET not in result.stderr
    assert result.stderr.endswith(
        f"internal error: RuntimeError: boom with sk-or-(sensitive) and a second line, please report it at {ISSUES_URL}\n"
    )


def test_debug_is_off_again_for_the_next_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_schema, "config_schema_text", _boom)
    assert orctl("--debug", "schema").stderr.startswith("Traceback")
    assert orctl("schema").stderr.endswith(HINT + "\n")


def test_apply_keeps_its_report_when_a_change_hits_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _two_changes(tmp_path)
    real = Writer.apply

    def broken(self: Writer, change: object) -> object:
        if getattr(change, "kind", None) == "api_key":
            raise AttributeError("'Writer' object has no attribute '_api_key'")
        return real(self, change)  # type: ignore[arg-type]

    monkeypatch.setattr(Writer, "apply", broken)
    result = apply(config, "--report", "report.json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    line = (
        f"internal error: AttributeError: 'Writer' object has no attribute '_api_key', please report it at {ISSUES_URL}"
    )
    assert "+ workspace:sandbox ... created" in result.stderr
    assert result.stdout.endswith(
        f"Apply stopped: 1 change(s) done, 1 failed, 0 not attempted.\n  failed: create api_key:sandbox/bot: {line}\n"
    )
    report = (tmp_path / "report.json").read_text("utf-8")
    assert '"status": "done"' in report and line in report
    debug = orctl("--debug", "apply", "-c", str(config), "--emulator", "--auto-approve", "--allow-policy-violations")
    assert debug.exit_code == 1
    assert (
        "orctl debug: internal error applying api_key:sandbox/bot\nTraceback (most recent call last):" in debug.stderr
    )
    assert "AttributeError: 'Writer' object has no attribute '_api_key'" in debug.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"format": "something"}', "not an orctl emulator state file (expected format 'orctl-emulator-state')"),
    ],
)
def test_a_corrupt_emulator_state_is_one_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    config = _two_changes(tmp_path)
    STATE.parent.mkdir()
    STATE.write_text(content, "utf-8")
    for result in (plan(config), apply(config)):
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        first, hint = result.stderr.splitlines()
        assert first.startswith("Error: ") and first.endswith(reason)
        assert hint == (
            "  hint: move it away (or run: orctl emulator init --force --state .orctl/emulator.json) to start a new account"
        )
    assert STATE.read_text("utf-8") == content  # left as it was, for the user to look at


def test_schema_into_a_missing_directory_is_one_clear_error() -> None:
    result = orctl("schema", "-o", "no-such-dir/orctl.schema.json")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no-such-dir/orctl.schema.json: No such file or directory (the directory no-such-dir does not exist)\n"
    )
    assert not Path("no-such-dir").exists()


def test_schema_into_a_directory_that_exists_works(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    assert orctl("schema", "-o", "schemas/s.json").exit_code == 0
    assert (tmp_path / "schemas" / "s.json").read_text("utf-8").startswith("{")


def test_an_emulator_state_whose_data_is_damaged_is_one_clear_error_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Valid JSON of the right format, but a record the emulator cannot serve: not an OpenRouter
    # outage to retry for seconds and blame on status.openrouter.ai.
    config = _two_changes(tmp_path)
    assert apply(config).exit_code == 0
    state = json.loads(STATE.read_text("utf-8"))
    state["workspaces"] = {workspace_id: None for workspace_id in state["workspaces"]}
    STATE.write_text(json.dumps(state), "utf-8")
    retries: list[int] = []  # counted, not timed: a busy machine is slow without any retry
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, number, retry_after=None: retries.append(number) or 0.0)
    for result in (plan(config), apply(config)):
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        first, hint = result.stderr.splitlines()[-2:]
        assert first.startswith("Error: the emulator state .orctl/emulator.json holds data the emulator cannot serve (")
        assert "status.openrouter.ai" not in result.stderr
        assert hint == (
            "  hint: move it away (or run: orctl emulator init --force --state .orctl/emulator.json) to start a new account"
        )
    assert retries == []
