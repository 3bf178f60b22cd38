"""Absent means not managed, and a plan shows everything apply deletes: through the CLI, against
the emulator seeded with the messy example account (the way a new user adopts an account)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_cli_support import orctl

MESSY = Path(__file__).resolve().parents[2] / "examples" / "emulator-seeds" / "messy-account.json"


def _seeded(tmp_path: Path, seed: Path = MESSY) -> Path:
    state = tmp_path / "account.json"
    result = orctl("emulator", "init", "--seed", seed, "--state", state)
    assert result.exit_code == 0, result.output
    return state


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orctl.yaml"
    path.write_text(text)
    return path


def _plan(config: Path, state: Path, *extra: str) -> Any:
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, "--output", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _apply(config: Path, state: Path, *extra: str) -> Any:
    # These configs leave settings out on purpose (absent = not managed), which the policy rules flag.
    return orctl(
        "apply",
        "-c",
        config,
        "--emulator",
        "--emulator-state",
        state,
        "--auto-approve",
        "--allow-policy-violations",
        *extra,
    )


def _workspace(state: Path, slug: str) -> dict[str, Any]:
    data = json.loads(state.read_text())
    return next(ws for ws in data["workspaces"].values() if ws["slug"] == slug)  # type: ignore[no-any-return]


def _in_workspace(state: Path, table: str, workspace_id: str) -> int:
    data = json.loads(state.read_text())
    return sum(1 for item in data[table].values() if item.get("workspace_id") == workspace_id)


def test_declaring_one_key_of_an_existing_workspace_plans_nothing_else(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    yaml = "version: 1\nworkspaces:\n  research:\n    name: Research\n    keys:\n      notebook: {}\n"
    config = _config(tmp_path, yaml)
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
    assert "include_byok_in_budgets" not in result.output  # the flag is not managed: no warning about it
    # Everything undeclared is reported, the preset included.
    for address in (
        "api_key:research/retired",
        "guardrail:research/frontier models only",
        "observability_destination:research/usage analytics",
        "preset:research/paper-summariser",
    ):
        assert f"  {address}  (not declared in the config)" in result.stdout
    budgets = json.loads(state.read_text())["budgets"][_workspace(state, "research")["id"]]
    assert set(budgets) == {"lifetime", "monthly", "weekly", "daily"}


def test_explicit_null_removes_and_absent_keeps(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(
        tmp_path,
        "version: 1\n"
        "workspaces:\n"
        "  research:\n"
        "    name: Research\n"
        "    description: null\n"
        "    budgets: {daily: null, weekly: 250}\n"
        # Members with active keys cannot leave (an API rule), so only the one without keys goes.
        "    members: [user_2aXk9LmPqR7sT1vW3yZ5bC8dE0f, user_2dAn2OpStU0vW4yZ6bC8eF1gH3i]\n"
        "    keys:\n"
        "      notebook: {include_byok_in_limit: false}\n",
    )
    plan = _plan(config, state)
    got = {(c["action"], c["address"]): [f["field"] for f in c["fields"]] for c in plan["changes"]}
    assert got == {
        ("update", "workspace:research"): ["description"],
        ("delete", "workspace_budget:research/daily"): ["limit_usd"],
        ("update", "workspace_budget:research/weekly"): ["limit_usd"],
        ("update", "workspace_members:research"): ["members"],
        ("update", "api_key:research/notebook"): ["include_byok_in_limit"],
    }
    applied = _apply(config, state)
    assert applied.exit_code == 0, applied.output
    assert "Converged" in applied.stdout
    research = _workspace(state, "research")
    assert research["description"] is None
    members = json.loads(state.read_text())["workspace_members"][research["id"]]
    assert "user_2bYl0MnQrS8tU2wX4zA6cD9eF1g" not in json.dumps(members)
    assert research["default_provider_sort"] == "throughput"  # not declared: kept
    assert research["is_observability_broadcast_enabled"] is True
    budgets = json.loads(state.read_text())["budgets"][research["id"]]
    assert {interval: b["limit_usd"] for interval, b in budgets.items()} == {
        "lifetime": 5000,
        "monthly": 1000,
        "weekly": 250,
    }


def test_a_saved_plan_keeps_absent_settings_unmanaged(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(tmp_path, "version: 1\nworkspaces:\n  research:\n    name: Research\n    description: Lab\n")
    planfile = tmp_path / "plan.json"
    made = orctl("plan", "-c", config, "--emulator", "--emulator-state", state, "--out", planfile)
    assert made.exit_code == 0, made.output
    applied = orctl("apply", planfile, "--emulator", "--emulator-state", state, "--allow-policy-violations")
    assert applied.exit_code == 0, applied.output
    assert "Converged" in applied.stdout  # the re-plan from the saved config plans no budget delete either
    research = _workspace(state, "research")
    assert research["description"] == "Lab"
    assert research["default_provider_sort"] == "throughput"
    assert set(json.loads(state.read_text())["budgets"][research["id"]]) == {"lifetime", "monthly", "weekly", "daily"}


def test_an_undeclared_preset_is_archived_when_pruning(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(tmp_path, "version: 1\nworkspaces:\n  research:\n    name: Research\n")
    presets = [u for u in _plan(config, state)["unmanaged"] if u["kind"] == "preset"]
    assert presets == [
        {"kind": "preset", "address": "preset:research/paper-summariser", "reason": "not declared in the config"}
    ]
    config = _config(tmp_path, "version: 1\nownership: {prune: true}\nworkspaces:\n  research:\n    name: Research\n")
    plan = _plan(config, state)
    assert [u for u in plan["unmanaged"] if u["kind"] == "preset"] == []
    [archive] = [c for c in plan["changes"] if c["kind"] == "preset"]
    assert (archive["action"], archive["address"], archive["details"]) == (
        "delete",
        "preset:research/paper-summariser",
        {"archive": True},
    )


def test_pruning_a_workspace_lists_all_it_removes_and_needs_allow_destroy(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(
        tmp_path,
        "version: 1\nownership: {prune_workspaces: true}\n"
        "workspaces:\n  marketing: {name: Marketing}\n  legacy-sandbox: {name: Legacy sandbox}\n",
    )
    plan = _plan(config, state)
    research = [c for c in plan["changes"] if c["workspace"] == "research"]
    assert all(c["action"] == "delete" for c in research)
    kinds = {c["kind"] for c in research}
    assert kinds == {
        "api_key",
        "default_guardrail",
        "guardrail",
        "observability_destination",
        "preset",
        "workspace_budget",
        "workspace_members",
        "workspace",
    }
    assert [c["kind"] for c in plan["changes"]][-1] == "workspace"  # the workspace goes last
    assert plan["safety"]["emptied_scopes"] == [f"workspace 'research' with the {len(research) - 1} object(s) in it"]
    assert plan["safety"]["deletes"] == len(research)

    refused = _apply(config, state)
    assert refused.exit_code == 1
    assert "the plan empties workspace 'research'" in refused.stderr
    assert "--allow-destroy" in refused.stderr
    research_id = _workspace(state, "research")["id"]

    applied = _apply(config, state, "--allow-destroy")
    assert applied.exit_code == 0, applied.output
    assert "Converged" in applied.stdout
    assert f"Apply complete: {len(research)} change(s) done." in applied.stdout
    data = json.loads(state.read_text())
    assert all(ws["slug"] != "research" for ws in data["workspaces"].values())
    for table in ("keys", "guardrails", "destinations", "presets", "byok"):
        assert _in_workspace(state, table, research_id) == 0, table


def test_pruning_every_byok_credential_of_a_workspace_needs_allow_destroy(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(
        tmp_path,
        "version: 1\nworkspaces:\n  marketing:\n    name: Marketing\n    prune: true\n"
        "    guardrails: {cheap models: {}}\n    keys: {zapier: {}, campaign-tool: {}}\n",
    )
    plan = _plan(config, state)
    assert [(c["action"], c["address"]) for c in plan["changes"]] == [("delete", "byok_key:marketing/studio")]
    assert plan["safety"]["emptied_scopes"] == ["the only BYOK credential of workspace 'marketing'"]
    refused = _apply(config, state)
    assert refused.exit_code == 1 and "--allow-destroy" in refused.stderr
    marketing_id = _workspace(state, "marketing")["id"]
    assert _in_workspace(state, "byok", marketing_id) == 1
    applied = _apply(config, state, "--allow-destroy")
    assert applied.exit_code == 0, applied.output
    assert _in_workspace(state, "byok", marketing_id) == 0


SEED_CREDENTIALS_ONLY: dict[str, Any] = {
    "format": "orctl-emulator-seed/1",
    "workspaces": [
        {"slug": "default"},
        {
            "slug": "vault",
            "name": "Vault",
            "byok": [{"provider": "openai", "key": "sk-proj-emulatedSeedKey000000000000000009", "name": "org key"}],
            "observability": [
                {"type": "webhook", "name": "audit hook", "config": {"url": "https://audit.example/hook"}}
            ],
        },
    ],
}


def test_an_empty_declaration_against_credentials_only_is_refused(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED_CREDENTIALS_ONLY))
    state = _seeded(tmp_path, seed)
    config = _config(tmp_path, "version: 1\nownership: {prune: true}\nworkspaces:\n  vault: {name: Vault}\n")
    plan = _plan(config, state)
    assert plan["safety"]["empty_config_against_populated_scope"] is True
    refused = _apply(config, state, "--allow-destroy")  # no flag overrides this guard
    assert refused.exit_code == 1
    assert "declares nothing" in refused.stderr
    vault_id = _workspace(state, "vault")["id"]
    assert _in_workspace(state, "byok", vault_id) == 1
    assert _in_workspace(state, "destinations", vault_id) == 1


def test_a_written_null_lifts_an_allow_list_and_absent_keeps_it(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    head = "version: 1\nworkspaces:\n  research:\n    name: Research\n    guardrails:\n      frontier models only:"
    kept = _plan(_config(tmp_path, head + " {}\n"), state)
    assert kept["changes"] == []  # absent: the live allow-list stays
    lifted = _plan(_config(tmp_path, head + " {allowed_models: null}\n"), state)
    [change] = lifted["changes"]
    assert change["address"] == "guardrail:research/frontier models only"
    assert [(f["field"], f["after"]) for f in change["fields"]] == [("allowed_models", None)]
    # An empty value (its items commented out) is still refused: it is rarely meant.
    empty = _config(tmp_path, head + "\n        allowed_models:\n          # - openai/gpt-5\n")
    refused = orctl("validate", "-c", empty)
    assert refused.exit_code == 1
    assert "write `null` to lift the restriction" in refused.output
