"""`orctl apply --report FILE` writes its report also when there is nothing to do: a CI step that
reads or uploads the report must not fail on the quiet runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import apply, orctl, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_run_with_nothing_to_do_writes_a_converged_report(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})
    assert apply(config, "--report", "first.json").exit_code == 0
    assert json.loads((tmp_path / "first.json").read_text("utf-8"))["converged"] is True

    again = apply(config, "--report", "second.json")
    assert again.exit_code == 0, again.output
    report = json.loads((tmp_path / "second.json").read_text("utf-8"))
    assert (report["outcomes"], report["converged"], report["remaining"]) == ([], True, [])
    assert report["plan_fingerprint"].startswith("sha256:")


def test_a_saved_plan_already_applied_is_refused_without_a_report(tmp_path: Path) -> None:
    # A refusal is an error (exit 1), not a run: no report claims anything about the account.
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})
    assert orctl("plan", "-c", str(config), "--emulator", "--out", "p.plan").exit_code == 0
    assert apply(config).exit_code == 0
    refused = orctl("apply", "p.plan", "-c", str(config), "--emulator", "--report", "r.json")
    assert refused.exit_code == 1
    assert not (tmp_path / "r.json").exists()
