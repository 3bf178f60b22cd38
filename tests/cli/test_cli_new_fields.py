"""The API's late-2026 fields through the CLI against the emulator: each one is applied, read
back as the API stores it, and the next plan is empty; absent fields are left alone; the API's
read-only key fields are shown, never compared; the rules between fields are one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import ENV, STATE, apply, live, orctl, plan, write_config

from openrouter_iac.emulator import EmbeddedEmulator


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _converges(config: Path) -> None:
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    shown = plan(config, "--detailed-exitcode")
    assert shown.exit_code == 0, shown.output  # 0: no changes


def _workspace_id(slug: str = "lab") -> str:
    return str(next(w["id"] for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == slug))


def _listed(path: str, slug: str = "lab") -> list[dict[str, Any]]:
    body = live("GET", path, query=f"workspace_id={_workspace_id(slug)}")[1]
    return list(body["data"])


def test_workspace_disabled_server_tools_round_trip(tmp_path: Path) -> None:
    tools = ["openrouter:web_search", "openrouter:bash"]
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "disabled_server_tools": tools}})
    _converges(config)
    (ws,) = [w for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab"]
    assert sorted(ws["disabled_server_tools"]) == sorted(tools)
    # Order does not matter; absent leaves them; [] clears them (the API reads null back).
    write_config(config, {"lab": {"name": "Lab", "disabled_server_tools": list(reversed(tools))}})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    write_config(config, {"lab": {"name": "Lab"}})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    write_config(config, {"lab": {"name": "Lab", "disabled_server_tools": []}})
    _converges(config)
    (ws,) = [w for w in live("GET", "/workspaces")[1]["data"] if w["slug"] == "lab"]
    assert ws["disabled_server_tools"] is None


def test_guardrail_regions_harness_flag_and_secrets_detector_round_trip(tmp_path: Path) -> None:
    policy = {
        "allowed_data_regions": ["europe", "global"],
        "enforce_first_party_harness_models": True,
        "sensitive_info": {"secrets": "redact", "email": "flag"},
    }
    workspace = {"name": "Lab", "default_guardrail": policy, "guardrails": {"eu-only": dict(policy)}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": workspace})
    _converges(config)
    (named,) = [g for g in _listed("/guardrails") if g["name"] == "eu-only"]
    assert sorted(named["allowed_data_regions"]) == ["europe", "global"]
    assert named["enforce_first_party_harness_models"] is True
    assert {"slug": "secrets", "action": "redact"}.items() <= next(
        b for b in named["content_filter_builtins"] if b["slug"] == "secrets"
    ).items()
    # `null` lifts the region restriction and unsets the flag (absent would keep them).
    lifted = {"allowed_data_regions": None, "enforce_first_party_harness_models": None}
    write_config(config, {"lab": {**workspace, "guardrails": {"eu-only": {**policy, **lifted}}}})
    _converges(config)
    (named,) = [g for g in _listed("/guardrails") if g["name"] == "eu-only"]
    assert named["allowed_data_regions"] is None and named["enforce_first_party_harness_models"] is None


def test_byok_required_byok_only_declared_zdr_and_region_round_trip(tmp_path: Path) -> None:
    byok = {
        "azure-eu": {
            "provider": "azure",
            "key": "env:OPENAI_KEY",
            "required": True,
            "declared_zdr": True,
            "declared_region": "europe",
        },
        "anthropic-only": {"provider": "anthropic", "key": "env:OPENAI_KEY", "byok_only": True, "declared_zdr": False},
    }
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "byok": byok}})
    _converges(config)
    by_name = {b["name"]: b for b in _listed("/byok")}
    azure, anthropic = by_name["azure-eu"], by_name["anthropic-only"]
    assert (azure["is_required"], azure["is_byok_only"], azure["declared_zdr"], azure["declared_region"]) == (
        True,
        False,
        True,
        "europe",
    )
    assert (anthropic["is_byok_only"], anthropic["declared_zdr"], anthropic["declared_region"]) == (True, False, None)
    # Absent is not managed: the live values stay.
    bare = {name: {"provider": b["provider"], "key": b["key"]} for name, b in byok.items()}
    write_config(config, {"lab": {"name": "Lab", "byok": bare}})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    # null clears the declarations.
    cleared = {**byok, "azure-eu": {**byok["azure-eu"], "declared_zdr": None, "declared_region": None}}
    write_config(config, {"lab": {"name": "Lab", "byok": cleared}})
    _converges(config)
    azure = next(b for b in _listed("/byok") if b["name"] == "azure-eu")
    assert azure["declared_zdr"] is None and azure["declared_region"] is None


def test_openai_region_comes_from_the_key_when_not_declared(tmp_path: Path) -> None:
    env = {**ENV, "OPENAI_KEY": json.dumps({"api_key": "sk-proj-fake-test-only", "region": "us"})}
    byok = {"oa": {"provider": "openai", "key": "env:OPENAI_KEY"}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "byok": byok}})
    flags = ("--emulator", "--auto-approve", "--allow-policy-violations")
    done = orctl("apply", "-c", str(config), *flags, env=env)
    assert done.exit_code == 0, done.output
    assert next(b for b in _listed("/byok") if b["name"] == "oa")["declared_region"] == "us"
    assert orctl("plan", "-c", str(config), "--emulator", "--detailed-exitcode", env=env).exit_code == 0


def test_export_leaves_derived_and_default_regions_to_the_api(tmp_path: Path) -> None:
    env = {**ENV, "OPENAI_KEY": json.dumps({"api_key": "sk-proj-fake-test-only", "region": "us"})}
    hook = {"type": "webhook", "config": {"url": "https://hooks.example.com/in"}}
    workspace = {
        "name": "Lab",
        "byok": {"oa": {"provider": "openai", "key": "env:OPENAI_KEY"}},
        "observability": {"hook": hook},
    }
    config = write_config(tmp_path / "orctl.yaml", {"lab": workspace})
    flags = ("--emulator", "--auto-approve", "--allow-policy-violations")
    assert orctl("apply", "-c", str(config), *flags, env=env).exit_code == 0
    assert orctl("export", "--emulator", "-o", "exported").exit_code == 0
    text = (tmp_path / "exported" / "10-lab.yaml").read_text("utf-8")
    assert "declared_region" not in text.replace("# declared_region us comes from the key", "")
    assert "regions:" not in text
    shown = orctl("plan", "-c", "exported", "--emulator", "--detailed-exitcode", env={**env, "BYOK_LAB_OA": "x"})
    assert shown.exit_code == 0, shown.output


def test_byok_only_with_fallback_is_refused_by_the_config_check(tmp_path: Path) -> None:
    byok = {"both": {"provider": "anthropic", "key": "env:OPENAI_KEY", "byok_only": True, "fallback": True}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "byok": byok}})
    shown = plan(config)
    assert shown.exit_code == 1
    assert "byok_only cannot be combined with fallback" in shown.output
    assert "Traceback" not in shown.output


def test_a_region_the_credential_cannot_have_is_the_api_409_in_one_line(tmp_path: Path) -> None:
    byok = {"claude": {"provider": "anthropic", "key": "env:OPENAI_KEY"}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "byok": byok}})
    _converges(config)
    write_config(config, {"lab": {"name": "Lab", "byok": {"claude": {**byok["claude"], "declared_region": "europe"}}}})
    done = apply(config)
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    assert "409" in done.output and "declared_region" in done.output
    assert "only azure accepts europe or us" in done.output  # the hint says why
    assert next(b for b in _listed("/byok") if b["name"] == "claude")["declared_region"] is None


def test_destination_regions_default_alias_and_cannot_be_cleared(tmp_path: Path) -> None:
    hook = {"type": "webhook", "config": {"url": "https://hooks.example.com/in"}}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "observability": {"hook": hook}}})
    _converges(config)
    assert next(d for d in _listed("/observability/destinations") if d["name"] == "hook")["regions"] == ["global"]
    # `eu` is stored as `europe`: written either way, the next plan is empty.
    write_config(config, {"lab": {"name": "Lab", "observability": {"hook": {**hook, "regions": ["us", "eu"]}}}})
    _converges(config)
    live_regions = next(d for d in _listed("/observability/destinations") if d["name"] == "hook")["regions"]
    assert sorted(live_regions) == ["europe", "us"]
    write_config(config, {"lab": {"name": "Lab", "observability": {"hook": {**hook, "regions": ["europe", "us"]}}}})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    write_config(config, {"lab": {"name": "Lab", "observability": {"hook": {**hook, "regions": None}}}})
    refused = plan(config)
    assert refused.exit_code == 1 and "regions cannot be cleared" in refused.output


def test_key_read_only_fields_are_shown_never_compared(tmp_path: Path) -> None:
    seed = {
        "workspaces": [
            {
                "slug": "lab",
                "name": "Lab",
                "keys": [
                    {
                        "name": "bot",
                        "expires_at": "2030-01-01T00:00:00Z",
                        "external": {"user": "end-user-1"},
                        "last_used_at": "2026-11-30T08:00:00.000Z",
                    }
                ],
            }
        ]
    }
    (tmp_path / "seed.json").write_text(json.dumps(seed), "utf-8")
    assert orctl("emulator", "init", "--seed", "seed.json").exit_code == 0
    exported = orctl("export", "--emulator", "-o", "exported")
    assert exported.exit_code == 0, exported.output
    text = (tmp_path / "exported" / "10-lab.yaml").read_text("utf-8")
    (line,) = [line for line in text.splitlines() if line.strip().startswith("bot:")]
    assert "last used 2026-11-30T08:00:00Z" in line and "external user 'end-user-1'" in line
    assert "last_used_at:" not in text and "external_user:" not in text
    key = {"expires_at": "2030-01-01T00:00:00Z"}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": key}}})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    # The key is used again: still no change.
    with EmbeddedEmulator(STATE) as emu, emu.emulator.locked() as state:
        (record,) = [k for k in state.keys.values() if k["name"] == "bot"]
        record["last_used_at"] = "2026-12-01T09:00:00.000Z"
        state.revision += 1
    assert plan(config, "--detailed-exitcode").exit_code == 0
    write_config(config, {"lab": {"name": "Lab", "keys": {"bot": {**key, "last_used_at": "2026-12-01T00:00:00Z"}}}})
    refused = plan(config)
    assert refused.exit_code == 1 and "'last_used_at' is set by the API and only read" in refused.output
    # A plan that deletes the key says when it was last used.
    write_config(config, {"lab": {"name": "Lab", "budgets": {"monthly": 5}}}, ownership={"prune": True})
    pruned = plan(config)
    assert pruned.exit_code == 0, pruned.output
    assert "last used 2026-12-01T09:00:00Z" in pruned.stdout


@pytest.mark.parametrize("expires", ["2030-06-30T00:00:00Z", "2030-06-30T12:30:00.250000Z"])
def test_expires_at_is_sent_with_seconds_and_converges(tmp_path: Path, expires: str) -> None:
    key = {"secret_sink": "local", "expires_at": expires}
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "keys": {"bot": key}}})
    _converges(config)
    (record,) = [k for k in _listed("/keys") if k["name"] == "bot"]
    assert record["expires_at"].startswith(expires[:19])


def test_organization_settings_round_trip(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {}, organization={"filtered_model_catalog": True})
    _converges(config)
    assert live("GET", "/organization/settings")[1]["data"]["is_filtered_model_catalog_enabled"] is True
    write_config(config, {}, organization={"filtered_model_catalog": False})
    _converges(config)
    assert live("GET", "/organization/settings")[1]["data"]["is_filtered_model_catalog_enabled"] is False
    write_config(config, {}, organization={})
    assert plan(config, "--detailed-exitcode").exit_code == 0
    write_config(config, {}, organization={"filtered_model_catalog": True})
    _converges(config)
    write_config(config, {}, organization={"filtered_model_catalog": None})  # null: off, the API's default
    _converges(config)
    assert live("GET", "/organization/settings")[1]["data"]["is_filtered_model_catalog_enabled"] is False
