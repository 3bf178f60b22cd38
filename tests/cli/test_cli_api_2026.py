"""The client against the late-2026 emulator, where its old requests would be refused or its old
reads would miss things: a preset with no system prompt, an expired key, presets outside the
default workspace, a global BYOK credential, a read-only management key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import STATE, apply, live, orctl, plan, write_config

from openrouter_iac.emulator import EmbeddedEmulator, Emulator, State, start_server
from openrouter_iac.kinds.preset import request_body as preset_request_body
from openrouter_iac.model.resources import Preset


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_preset_without_system_prompt_sends_one_message() -> None:
    body = preset_request_body(Preset(model="openai/gpt-5", parameters={"temperature": 0.2}))
    assert body["messages"] and all(m["role"] != "system" for m in body["messages"])
    assert body["model"] == "openai/gpt-5" and body["temperature"] == 0.2


def test_a_preset_without_system_prompt_is_published_and_converges(tmp_path: Path) -> None:
    bot = {"secret_sink": "local"}
    preset = {"model": "openai/gpt-5", "parameters": {"temperature": 0.2}, "publish_with": "bot"}
    config = write_config(
        tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": bot}, "presets": {"plain": preset}}}
    )
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "Converged: the account matches the config." in done.stdout
    lab = next(w["id"] for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab")
    status, body = live("GET", "/presets/plain", query=f"workspace_id={lab}")
    assert status == 200 and body["data"]["designated_version"]["system_prompt"] is None


def test_an_expired_key_is_seen_not_created_again(tmp_path: Path) -> None:
    key = {"secret_sink": "local", "expires_at": "2030-01-01T00:00:00Z"}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": key}}})
    assert apply(config).exit_code == 0
    with EmbeddedEmulator(STATE) as emu, emu.emulator.locked() as state:
        (record,) = [k for k in state.keys.values() if k["name"] == "bot"]
        record["expires_at"] = "2021-01-01T00:00:00.000Z"  # it has expired since
        state.revision += 1  # a change, so the embedded emulator saves it
    shown = plan(config)
    assert shown.exit_code == 0, shown.output
    assert "-/+ api_key:lab/bot" in shown.stdout  # its expiry differs: a rotation, not a second key
    assert "\n  + api_key:lab/bot" not in shown.stdout


def test_a_global_byok_credential_is_never_pruned_from_a_workspace(tmp_path: Path) -> None:
    seed = {
        "workspaces": [{"slug": "lab", "name": "Lab"}],
        "global_byok": [{"provider": "anthropic", "key": "sk-ant-fake-test-only", "name": "shared"}],
    }
    (tmp_path / "seed.json").write_text(json.dumps(seed), "utf-8")
    assert orctl("emulator", "init", "--seed", "seed.json").exit_code == 0
    byok = {"mine": {"provider": "openai", "key": "env:OPENAI_KEY"}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "byok": byok}}, ownership={"prune": True})
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "byok_key:lab/shared" not in done.stdout  # never planned in the workspace: shown once at account level
    assert done.stdout.count("byok_key:(global)/shared") == 1
    lab = next(w["id"] for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab")
    names = sorted(b["name"] for b in live("GET", "/byok", query=f"workspace_id={lab}")[1]["data"])
    assert names == ["mine", "shared"]


def test_plan_works_with_a_read_only_management_key_and_apply_fails_with_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": {"secret_sink": "local"}}}})
    assert apply(config).exit_code == 0
    read_only = orctl("emulator", "add-key", "--read-only", "--state", str(STATE)).stdout.strip()
    with start_server(Emulator(State.load(STATE))) as server:  # the same account, over HTTP
        env = {"OPENROUTER_MANAGEMENT_KEY": read_only, "OPENAI_KEY": "x"}
        base = ["--base-url", server.base_url]
        shown = orctl("plan", "-c", str(config), "--detailed-exitcode", *base, env=env)
        assert shown.exit_code == 0, shown.output
        write_config(config, {"lab": {"name": "Lab", "keys": {"bot": {"secret_sink": "local", "limit": 3}}}})
        assert orctl("plan", "-c", str(config), "--detailed-exitcode", *base, env=env).exit_code == 2
        refused = orctl("apply", "-c", str(config), "--auto-approve", *base, env=env)
        assert refused.exit_code == 1
        assert "Traceback" not in refused.output
        assert "This management key is read-only" in refused.output
