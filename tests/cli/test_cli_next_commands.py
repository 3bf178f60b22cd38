"""The commands orctl suggests next work when pasted: they name the same config and account.

`plan --out` used to suggest `orctl apply PLANFILE` alone: without `-c` the apply read the
default config and refused the plan, and without `--emulator` it went to the real API."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from cli_support import orctl, write_config

from openrouter_iac.cli.next_command import account_flags, suggest
from openrouter_iac.cli.session import ApiOptions


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _suggested(stderr: str, after: str) -> list[str]:
    line = next(line for line in stderr.splitlines() if after in line)
    command = line.split(after, 1)[1].split("  (", 1)[0]
    words = shlex.split(command)
    assert words[0] == "orctl"
    return words[1:]


@pytest.mark.parametrize("state", [None, "my account/state.json"])
def test_the_apply_suggested_by_plan_out_applies_the_plan(tmp_path: Path, state: str | None) -> None:
    config = write_config(tmp_path / "lab.yaml", {"lab": {"name": "Lab"}})
    # A default config elsewhere: an apply without -c would read it and refuse the plan.
    write_config(tmp_path / "orctl.yaml", {"other": {"name": "Other"}})
    state_flags = ["--emulator-state", state] if state else []
    made = orctl("plan", "-c", str(config), "--emulator", *state_flags, "--out", "saved.plan")
    assert made.exit_code == 0, made.output

    words = _suggested(made.stderr, "apply it with: ")
    assert words[:2] == ["apply", "saved.plan"]
    applied = orctl(*words, "--allow-policy-violations")

    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 1 change(s) done." in applied.stdout
    assert "Converged" in applied.stdout


def test_the_apply_suggestion_names_the_api_flags_it_was_given(tmp_path: Path) -> None:
    config = write_config(tmp_path / "lab.yaml", {"lab": {"name": "Lab"}})
    key_file = tmp_path / "key.txt"
    key_file.write_text("sk-or-mgmt-not-a-real-key\n", "utf-8")
    # Nothing listens at that URL, so the helper is asked directly.
    api = ApiOptions("http://127.0.0.1:9/api/v1", str(key_file), False, Path(".orctl/emulator.json"), 10)
    line = suggest("orctl", "apply", "p.plan", "-c", config, *account_flags(api))
    assert shlex.split(line)[-4:] == ["--base-url", "http://127.0.0.1:9/api/v1", "--management-key-file", str(key_file)]
    stdin_key = ApiOptions(None, "-", False, Path(".orctl/emulator.json"), 10)
    assert account_flags(stdin_key) == []  # stdin cannot be read again: the user pipes the key anew


def test_the_plan_suggested_by_export_reads_the_same_account(tmp_path: Path) -> None:
    config = write_config(tmp_path / "lab.yaml", {"lab": {"name": "Lab", "budgets": {"monthly": 20}}})
    assert orctl("apply", "-c", str(config), "--emulator", "--auto-approve").exit_code == 0

    exported = orctl("export", "--emulator", "-o", "adopted")
    assert exported.exit_code == 0, exported.output
    words = _suggested(exported.stderr, "Next: ")
    assert "--emulator" in words

    planned = orctl(*words, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout
