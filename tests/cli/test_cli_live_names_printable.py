"""A live name holding escape sequences or line breaks (anyone with dashboard access can make
one) is printed escaped by plan, drift and apply: it cannot drive the terminal or forge a line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_support import apply, live, orctl, plan, write_config

EVIL = "evil\x1b]0;pwned\x07\x1b[2J\n  api_key:lab/forged  (fake)"
SHOWN = "api_key:lab/evil\\x1b]0;pwned\\x07\\x1b[2J\\n  api_key:lab/forged  (fake)"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal: click passes escape codes through
    monkeypatch.delenv("NO_COLOR", raising=False)


LAB = {"name": "Lab", "keys": {"keep": {"limit": 1, "secret_sink": "local"}}}


def _account(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "orctl.yaml", {"lab": LAB})
    assert apply(config).exit_code == 0
    workspace = live("GET", "/workspaces")[1]["data"]
    lab = next(w["id"] for w in workspace if w["slug"] == "lab")
    status, _ = live("POST", "/keys", {"name": EVIL, "workspace_id": lab, "limit": 1})
    assert status == 201
    return config


def _no_raw_controls(text: str) -> None:
    assert "\x07" not in text and "\x1b]" not in text and "\x1b[2J" not in text
    assert not [line for line in text.splitlines() if line.startswith("  api_key:lab/forged")], text


def test_plan_and_drift_escape_a_live_name(tmp_path: Path) -> None:
    config = _account(tmp_path)
    planned = plan(config)
    assert planned.exit_code == 0, planned.output
    assert f"  {SHOWN}  (not declared in the config)" in planned.stdout
    _no_raw_controls(planned.stdout)

    drifted = orctl("drift", "-c", str(config), "--emulator")
    assert drifted.exit_code == 2, drifted.output
    assert SHOWN in drifted.stdout
    _no_raw_controls(drifted.stdout)


def test_apply_escapes_the_name_of_a_key_it_deletes(tmp_path: Path) -> None:
    _account(tmp_path)
    pruned = write_config(tmp_path / "orctl.yaml", {"lab": {**LAB, "prune": True}})
    done = apply(pruned, "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert f"- {SHOWN} ... deleted" in done.stderr
    _no_raw_controls(done.stdout + done.stderr)


def test_export_of_shared_names_with_control_characters_writes_one_line_each(tmp_path: Path) -> None:
    # The comment naming the live name stays on its line; the config name is a clean one.
    _account(tmp_path)
    lab = next(w["id"] for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab")
    assert live("POST", "/keys", {"name": EVIL, "workspace_id": lab, "limit": 1})[0] == 201
    exported = orctl("export", "--emulator", "-o", "adopted")
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "adopted" / "10-lab.yaml").read_text("utf-8")
    _no_raw_controls(text)
    assert "live name 'evil\\x1b]0;pwned\\x07\\x1b[2J\\n  api_key:lab/forged  (fake)'" in text
    keys = yaml.safe_load(text)["workspaces"]["lab"]["keys"]
    clean = "evil ]0;pwned [2J   api_key:lab-forged  (fake)"  # control characters → spaces, `/` → `-`
    assert {clean, f"{clean} (2)"} <= set(keys)
    assert orctl("validate", "-c", "adopted").exit_code == 0
