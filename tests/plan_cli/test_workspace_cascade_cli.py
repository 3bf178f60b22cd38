"""What deleting a workspace removes is derived from the table (`IN_WORKSPACE`), not kept by hand:
the derived list is what the emulator's cascade removes, and what `orctl plan` lists one by one.

A workspace holding one object of every kind is seeded; its deletion is planned through the CLI
(every kind listed), then the workspace is deleted with one raw API call, the server's cascade,
and the records that went are sorted by kind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plan_cli_support import orctl

from openrouter_iac.emulator import EmbeddedEmulator
from openrouter_iac.kinds import BY_NAME, IN_WORKSPACE, KINDS

ADA = "user_2aXk9LmPqR7sT1vW3yZ5bC8dE0f"
HELLO = [{"role": "user", "content": "hi"}]
SEED = {
    "format": "orctl-emulator-seed/1",
    "members": [{"id": ADA, "email": "ada@example.com", "role": "org:admin"}],
    "workspaces": [
        {"slug": "keep", "name": "Keep"},
        {
            "slug": "lab",
            "name": "Lab",
            "members": [ADA],
            "budgets": {"monthly": 100, "daily": 10},
            "default_guardrail": {"ignored_providers": ["deepinfra"]},
            # Disabled: the API refuses to delete a workspace with an active key.
            "keys": [{"name": "bot", "disabled": True}],
            "guardrails": [
                {"name": "cap", "limit_usd": 5, "reset_interval": "daily", "keys": ["bot"], "members": [ADA]}
            ],
            "byok": [{"provider": "openai", "key": "sk-proj-fake-test-only-0000000001", "name": "openai"}],
            "observability": [
                {"type": "langfuse", "name": "traces", "config": {"secretKey": "sk-lf-fake", "publicKey": "pk-lf-fake"}}
            ],
            "presets": [
                {"slug": "answer", "versions": [{"body": {"model": "openai/gpt-4.1-mini", "messages": HELLO}}]}
            ],
        },
    ],
}

# The emulator's tables (it imports nothing of orctl, so the test names their kinds). A guardrail's
# member assignments are its `members` field; its key assignments are a kind of their own.
TABLES = {
    "workspace_members": "workspace_members",
    "budgets": "workspace_budget",
    "keys": "api_key",
    "key_assignments": "guardrail_assignment",
    "member_assignments": "guardrail",
    "byok": "byok_key",
    "destinations": "observability_destination",
    "presets": "preset",
    "preset_versions": "preset",
}


def _closure(names: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(BY_NAME[name].dependents)  # type: ignore[index]
    return found


def _records(state: dict[str, Any], default_guardrails: set[str]) -> dict[str, int]:
    """How many records of each kind the account holds."""
    counts: dict[str, int] = {kind.name: 0 for kind in KINDS}
    for table, kind in TABLES.items():
        counts[kind] += len(state[table])
    for guardrail_id in state["guardrails"]:
        counts["default_guardrail" if guardrail_id in default_guardrails else "guardrail"] += 1
    counts["workspace"] = len(state["workspaces"])
    return counts


def test_the_derived_dependents_of_a_workspace_are_what_its_deletion_removes(tmp_path: Path) -> None:
    seed, state_path = tmp_path / "seed.json", tmp_path / "account.json"
    seed.write_text(json.dumps(SEED))
    init = orctl("emulator", "init", "--seed", seed, "--state", state_path)
    assert init.exit_code == 0, init.output

    # The table: every kind a Workspace holds, derived, in table order.
    workspace = BY_NAME["workspace"]
    assert workspace.dependents == IN_WORKSPACE
    assert set(IN_WORKSPACE) == {k.name for k in KINDS if k.collection is not None or k.settings}

    # The plan lists a delete of every derived dependent, the workspace last.
    config = tmp_path / "orctl.yaml"
    config.write_text("version: 1\nownership: {prune_workspaces: true}\nworkspaces:\n  keep: {name: Keep}\n")
    result = orctl("plan", "-c", config, "--emulator", "--emulator-state", state_path, "--output", "json")
    assert result.exit_code == 0, result.output
    lab = [c for c in json.loads(result.stdout)["changes"] if c["workspace"] == "lab"]
    assert {c["kind"] for c in lab} == {*IN_WORKSPACE, "workspace"}
    assert lab[-1]["kind"] == "workspace"

    # The server's cascade removes exactly those kinds (and what they hold in turn), nothing else.
    with EmbeddedEmulator(state_path) as emu:
        before = json.loads(json.dumps(emu.emulator.state.to_json()))  # a copy, not the live tables
        defaults = {w["default_guardrail_id"] for w in before["workspaces"].values()}
        lab_id = next(w["id"] for w in before["workspaces"].values() if w["slug"] == "lab")
        status, _ = emu.emulator.call("DELETE", f"/workspaces/{lab_id}", None)
        assert status == 200
        after = emu.emulator.state.to_json()
    counts_before, counts_after = _records(before, defaults), _records(after, defaults)
    removed = {kind for kind, count in counts_before.items() if counts_after[kind] < count}
    assert removed == _closure(workspace.dependents) | {"workspace"}
    assert _closure(workspace.dependents) == {k.name for k in KINDS} - {"organization_settings", "workspace"}
