"""`prune_workspaces` never touches the default workspace, however it is named: the API has no
flag, so orctl recognises it as the workspace the management key's unscoped calls act in."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import STATE, apply, live, orctl, plan, write_config

from openrouter_iac.emulator import EmbeddedEmulator


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _rename_default(slug: str) -> None:
    assert orctl("emulator", "init").exit_code == 0
    with EmbeddedEmulator(STATE) as emu, emu.emulator.locked() as state:
        state.workspaces[state.default_workspace_id]["slug"] = slug
        state.revision += 1


def _slugs() -> list[str]:
    return sorted(w["slug"] for w in live("GET", "/workspaces")[1]["data"])


def test_a_renamed_default_workspace_with_keys_is_never_pruned(tmp_path: Path) -> None:
    _rename_default("home")
    home = {"name": "Home", "keys": {"bot": {"secret_sink": "local"}}}
    config = write_config(tmp_path / "orctl.yaml", {"home": home, "lab": {"name": "Lab"}})
    first = apply(config)
    assert first.exit_code == 0, first.output
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}}, ownership={"prune_workspaces": True})
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "workspace:home" not in done.stdout.replace("workspace:home  (the default", "")
    assert _slugs() == ["home", "lab"]
    assert plan(config, "--detailed-exitcode").exit_code == 0


def test_an_empty_renamed_default_workspace_is_not_pruned_and_the_plan_says_why(tmp_path: Path) -> None:
    _rename_default("home")
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}}, ownership={"prune_workspaces": True})
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "the default workspace could not be recognised" in done.output
    assert _slugs() == ["home", "lab"]
