"""Account-level reads, through the CLI against the emulator: a global BYOK credential
(`workspace_id: null`) is read once and shown once at account level by plan, show, drift and
export, never pruned; a workspace default guardrail the list leaves out is read by id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_cli_support import orctl

from openrouter_iac.emulator import Emulator, FaultConfig, start_server

SEED = {
    "format": "orctl-emulator-seed/1",
    "workspaces": [
        {"slug": "default", "name": "Default"},
        {"slug": "team-a", "name": "Team A", "byok": [{"provider": "openai", "key": "sk-fake-a", "name": "own"}]},
        {"slug": "team-b", "name": "Team B"},
    ],
    "global_byok": [{"provider": "anthropic", "key": "sk-ant-fake-global", "name": "shared"}],
}
GLOBAL = "byok_key:(global)/shared"
REASON = "global credential (anthropic, workspace_id null): usable in every workspace; orctl never changes or prunes it"


def _seeded(tmp_path: Path, seed: dict[str, Any] = SEED) -> Path:
    seed_file, state = tmp_path / "seed.json", tmp_path / "account.json"
    seed_file.write_text(json.dumps(seed))
    made = orctl("emulator", "init", "--seed", seed_file, "--state", state)
    assert made.exit_code == 0, made.output
    return state


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orctl.yaml"
    path.write_text(text)
    return path


PRUNING = (
    "version: 1\nownership: {prune: true}\nworkspaces:\n"
    "  team-a: {name: Team A, guardrails: {cap: {description: Team A}}}\n"
    "  team-b: {name: Team B, guardrails: {cap: {description: Team B}}}\n"
)


def test_a_global_credential_is_shown_once_at_account_level_and_never_pruned(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    config = _config(tmp_path, PRUNING)
    args = ("-c", config, "--emulator", "--emulator-state", state)
    planned = orctl("plan", *args, "--output", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    # Listed by both workspaces' GET /byok, shown once; pruning deletes only team-a's own credential.
    assert [u for u in plan["unmanaged"] if u["kind"] == "byok_key"] == [
        {"kind": "byok_key", "address": GLOBAL, "reason": REASON}
    ]
    assert [(c["action"], c["address"]) for c in plan["changes"] if c["kind"] == "byok_key"] == [
        ("delete", "byok_key:team-a/own")
    ]
    text = orctl("plan", *args, "--out", tmp_path / "plan.json").stdout
    assert text.count("(global)") == 1 and f"{GLOBAL}  ({REASON})" in text
    shown = orctl("show", tmp_path / "plan.json")
    assert shown.exit_code == 0 and shown.stdout.count(GLOBAL) == 1
    drift = orctl("drift", *args, "--output", "json")
    found = [d for d in json.loads(drift.stdout)["differences"] if d["address"] == GLOBAL]
    assert len(found) == 1 and found[0]["workspace"] is None and found[0]["class"] == "unmanaged"
    applied = orctl("apply", *args, "--auto-approve", "--allow-policy-violations", "--allow-destroy")
    assert applied.exit_code == 0, applied.output
    byok = json.loads(state.read_text())["byok"]
    assert [(b["name"], b["workspace_id"]) for b in byok.values() if not b.get("deleted")] == [("shared", None)]


def test_export_names_a_global_credential_once_and_writes_it_in_no_workspace(tmp_path: Path) -> None:
    state = _seeded(tmp_path)
    out = tmp_path / "exported"
    exported = orctl("export", "--emulator", "--emulator-state", state, "--out", out)
    assert exported.exit_code == 0, exported.output
    assert exported.output.count(f"Not exported: {GLOBAL}: a global credential (anthropic") == 1
    organization = (out / "00-organization.yaml").read_text()
    assert "Global BYOK credentials (account level, usable in every workspace, never managed): shared (anthropic)." in (
        organization
    )
    assert all("shared" not in path.read_text() for path in out.glob("10-*.yaml"))
    replanned = orctl("plan", "-c", out, "--emulator", "--emulator-state", state, "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output


def test_a_default_guardrail_the_list_leaves_out_is_read_by_id(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        "version: 1\nworkspaces:\n  lab:\n    name: Lab\n    default_guardrail: {allowed_providers: [anthropic]}\n",
    )
    emulator = Emulator(faults=FaultConfig.single(operation="GET /guardrails", hide_default_guardrails=True))
    with start_server(emulator) as server:
        env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
        applied = orctl("apply", "-c", config, "--auto-approve", "--allow-policy-violations", env=env)
        assert applied.exit_code == 0, applied.output
        lab = next(w for w in emulator.state.workspaces.values() if w["slug"] == "lab")
        status, listed = emulator.call("GET", "/guardrails", query=f"workspace_id={lab['id']}")
        assert status == 200 and lab["default_guardrail_id"] not in {g["id"] for g in listed["data"]}
        # Without the read by id the plan would configure it again on every run.
        replanned = orctl("plan", "-c", config, "--detailed-exitcode", env=env)
        assert replanned.exit_code == 0, replanned.output
        assert emulator.stats.count("GET /guardrails/{id}") >= 1
