"""`orctl plan` as a user runs it: the CLI against the emulator over HTTP on loopback (base URL and
management key from the environment, a key file or stdin), and with `--emulator`.

Covers the three output formats, `--detailed-exitcode`, `--out` and colors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from plan_cli_support import (
    AGENCY,
    ANSI,
    BYOK_SECRET_VALUES,
    KEY_SHAPED,
    Api,
    copy_agency,
    orctl,
    orctl_subprocess,
    summary_counts,
)

from openrouter_iac.model.address import KIND_NAMES
from openrouter_iac.model.resources import ByokKey
from openrouter_iac.plan.model import Plan

ACTIONS = ("create", "update", "replace", "delete")
JSON_KEYS = [
    "format_version",
    "orctl_version",
    "fingerprint",
    "changes",
    "summary",
    "unmanaged",
    "warnings",
    "safety",
    "policy_findings",
    "spend_ceiling",
    "retiring",
    "key_expiry",
]
CHANGE_KEYS = [
    "action",
    "kind",
    "address",
    "workspace",
    "name",
    "layer",
    "reason",
    "rotation",
    "fields",
    "details",
    "weakens_policy",
    "weakening_reasons",
    "observed",
]
FIELD_KEYS = ["field", "before", "after", "sensitive", "paths"]
KINDS = set(KIND_NAMES)  # the table of kinds: a new kind needs no edit here
# Kinds addressed by their workspace alone (`workspace:healthcare`, `default_guardrail:healthcare`).
WORKSPACE_LEVEL = {"workspace", "default_guardrail", "workspace_members"}


def expected_address(change: dict[str, Any]) -> str:
    if change["workspace"] is None:
        return str(change["kind"])
    if change["kind"] in WORKSPACE_LEVEL:
        return f"{change['kind']}:{change['workspace']}"
    return f"{change['kind']}:{change['workspace']}/{change['name']}"


def drifted_agency(into: Path) -> Path:
    """The agency example edited so that a converged account needs a delete, an update and a rotation."""
    config = copy_agency(into)
    path = config / "30-b2b-saas.yaml"
    text = path.read_text()
    for old, new in (
        ("budgets: {monthly: 800, weekly: 250}", "budgets: {monthly: 800, weekly: null}"),  # delete the weekly budget
        ("limit_usd: 200, reset: monthly", "limit_usd: 150, reset: monthly"),  # update the guardrail
        ("expires_at: 2027-06-30T00:00:00Z", "expires_at: 2028-01-31T00:00:00Z"),  # replace the key
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    return config


def plan_json(api: Api, config: Path = AGENCY) -> dict[str, Any]:
    result = orctl("plan", "-c", config, "--output", "json", env=api.env())
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# -- text ----------------------------------------------------------------------------------------


def test_text_plan_of_the_agency_example_over_http(api: Api) -> None:
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("orctl will perform the following actions:\n")
    create, update, replace, delete = summary_counts(out)
    assert create > 20 and update == 1 and replace == delete == 0
    # One signed header line per change, and the summary counts them.
    assert len(re.findall(r"^  \+ [a-z_]+:", out, re.M)) == create
    assert len(re.findall(r"^  ~ [a-z_]+", out, re.M)) == update
    for header in ("# workspace healthcare", "  + workspace:healthcare", "  ~ organization_settings"):
        assert header in out
    # Secrets: the BYOK credential and the webhook's secret config are masked, never shown.
    byok = out[out.index("  + byok_key:healthcare/bedrock-enterprise") :]
    assert "      key: (sensitive)" in byok.split("\n\n")[0]
    assert "secret config: (sensitive)" in out
    for value in (*BYOK_SECRET_VALUES, api.key):
        assert value not in result.output
    assert "workspace:default" in out  # the unmanaged default workspace is listed, not touched
    assert result.stderr == ""
    assert not ANSI.search(out)  # not a terminal


def test_text_plan_shows_delete_update_and_replace_signs(converged_api: Api, tmp_path: Path) -> None:
    config = drifted_agency(tmp_path)
    result = orctl("plan", "-c", config, env=converged_api.env())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert summary_counts(out) == (0, 1, 1, 1)
    assert "  - workspace_budget:b2b-saas/weekly\n      limit_usd: 250\n" in out
    assert "  ~ guardrail:b2b-saas/support-bot\n      budget.limit_usd: 200 → 150\n" in out
    replaced = out[out.index("  -/+ api_key:b2b-saas/nightly-seo-audit") :]
    assert "secret rotation" in replaced.split("\n\n")[0]
    assert '"2027-06-30T00:00:00Z" → "2028-01-31T00:00:00Z"' in replaced


def test_no_changes_once_applied(converged_api: Api) -> None:
    result = orctl("plan", "-c", AGENCY, env=converged_api.env())
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
    assert "will perform" not in result.stdout


# -- json ----------------------------------------------------------------------------------------


def test_json_plan_has_the_documented_shape(api: Api) -> None:
    document = plan_json(api)
    assert list(document) == JSON_KEYS
    assert document["format_version"] == "1.3"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", document["fingerprint"])
    changes = document["changes"]
    assert changes
    for change in changes:
        assert list(change) == CHANGE_KEYS, change
        assert change["action"] in ACTIONS and change["kind"] in KINDS
        assert change["address"] == expected_address(change)
        for field in change["fields"]:
            assert list(field) == FIELD_KEYS
            if change["action"] == "create":
                assert field["before"] is None, (change["address"], field)
            if field["sensitive"]:
                assert field["after"] == "(sensitive)" and field["before"] in (None, "(sensitive)")
    counted = {action: sum(c["action"] == action for c in changes) for action in ACTIONS}
    assert document["summary"] == counted
    assert counted["create"] > 20 and counted["update"] == 1
    workspace = next(c for c in changes if c["address"] == "workspace:healthcare")
    name = {"field": "name", "before": None, "after": "Healthcare Client", "sensitive": False, "paths": []}
    assert name in workspace["fields"]
    byok = next(c for c in changes if c["kind"] == "byok_key")
    assert any(f["sensitive"] and f["after"] == "(sensitive)" for f in byok["fields"])
    assert [u["address"] for u in document["unmanaged"]] == ["workspace:default"]
    assert set(document["unmanaged"][0]) >= {"kind", "address", "reason"}


def test_json_before_after_of_an_update_and_a_delete(converged_api: Api, tmp_path: Path) -> None:
    document = plan_json(converged_api, drifted_agency(tmp_path))
    assert document["summary"] == {"create": 0, "update": 1, "replace": 1, "delete": 1}
    by_address = {c["address"]: c for c in document["changes"]}
    guardrail = by_address["guardrail:b2b-saas/support-bot"]
    assert guardrail["action"] == "update" and guardrail["workspace"] == "b2b-saas"
    assert guardrail["name"] == "support-bot"
    (budget,) = guardrail["fields"]
    assert budget["field"] == "budget"
    assert budget["before"]["limit_usd"] == 200 and budget["after"]["limit_usd"] == 150
    key = by_address["api_key:b2b-saas/nightly-seo-audit"]
    assert key["action"] == "replace" and key["rotation"] is True
    assert document["safety"]["rotations"] == ["api_key:b2b-saas/nightly-seo-audit"]
    assert by_address["workspace_budget:b2b-saas/weekly"]["action"] == "delete"


def test_json_of_a_converged_account_is_empty(converged_api: Api) -> None:
    document = plan_json(converged_api)
    assert document["changes"] == []
    assert document["summary"] == dict.fromkeys(ACTIONS, 0)


def test_json_is_the_same_bytes_for_the_same_account(converged_api: Api, tmp_path: Path) -> None:
    config = drifted_agency(tmp_path)
    first = orctl("plan", "-c", config, "--output", "json", env=converged_api.env())
    second = orctl("plan", "-c", config, "--output", "json", env=converged_api.env())
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


# -- markdown ------------------------------------------------------------------------------------


def test_markdown_plan_for_a_pull_request(api: Api) -> None:
    result = orctl("plan", "-c", AGENCY, "--output", "markdown", env=api.env())
    assert result.exit_code == 0, result.output
    create, update, _, _ = summary_counts(orctl("plan", "-c", AGENCY, env=api.env()).stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == f"<!-- orctl-plan: config={AGENCY} -->"  # workflows find their sticky comment by it
    assert lines[2] == f"**orctl plan:** {create} to create, {update} to update, 0 to replace, 0 to delete"
    assert lines[4] == f"Config `{AGENCY}` on account `{api.server.base_url.split('/')[2]}`"
    assert "[!CAUTION]" not in result.stdout  # nothing deleted, replaced or rotated
    assert "<details>" in result.stdout and "```diff" in result.stdout
    assert "`guardrail:healthcare/intake-cap`" in result.stdout
    for value in (*BYOK_SECRET_VALUES, api.key):
        assert value not in result.stdout


def test_markdown_banner_for_deletions_and_rotations(converged_api: Api, tmp_path: Path) -> None:
    result = orctl("plan", "-c", drifted_agency(tmp_path), "--output", "markdown", env=converged_api.env())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[2] == "**orctl plan:** 0 to create, 1 to update, 1 to replace, 1 to delete"
    banner = out[out.index("> [!CAUTION]") :].split("\n\n")[0]
    assert "`workspace_budget:b2b-saas/weekly`" in banner
    assert "`api_key:b2b-saas/nightly-seo-audit`" in banner
    assert "`guardrail:b2b-saas/support-bot`" not in banner  # an update is no cause for alarm
    assert "Budget: $200 → $150 monthly" in out  # guardrail budgets are spelled out


def test_markdown_is_empty_without_changes_unless_asked(converged_api: Api) -> None:
    quiet = orctl("plan", "-c", AGENCY, "--output", "markdown", env=converged_api.env())
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == ""
    shown = orctl("plan", "-c", AGENCY, "--output", "markdown", "--show-empty", env=converged_api.env())
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.split("\n\n")[:2] == [f"<!-- orctl-plan: config={AGENCY} -->", "**orctl plan:** no changes"]


# -- exit codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["text", "json", "markdown"])
def test_detailed_exitcode_is_2_with_changes(api: Api, output: str) -> None:
    result = orctl("plan", "-c", AGENCY, "--output", output, "--detailed-exitcode", env=api.env())
    assert result.exit_code == 2, result.output
    assert result.stdout.strip()


def test_detailed_exitcode_is_0_without_changes(converged_api: Api) -> None:
    result = orctl("plan", "-c", AGENCY, "--detailed-exitcode", env=converged_api.env())
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


def test_detailed_exitcode_is_1_on_error(api: Api) -> None:
    env = api.env(OPENROUTER_MANAGEMENT_KEY="sk-or-v1-" + "0" * 64)
    result = orctl("plan", "-c", AGENCY, "--detailed-exitcode", env=env)
    assert result.exit_code == 1
    assert "the management key was rejected" in result.stderr


def test_without_detailed_exitcode_changes_exit_0(api: Api) -> None:
    assert orctl("plan", "-c", AGENCY, env=api.env()).exit_code == 0


# -- the saved plan ------------------------------------------------------------------------------


def test_out_writes_a_plan_file_without_secrets(api: Api, tmp_path: Path) -> None:
    planfile = tmp_path / "plans" / "agency.plan.json"
    result = orctl("plan", "-c", AGENCY, "--out", planfile, "--output", "json", env=api.env())
    assert result.exit_code == 0, result.output
    assert f"Saved the plan to {planfile}" in result.stderr
    text = planfile.read_text()
    assert not KEY_SHAPED.search(text) and "sk-or-" not in text
    for value in (*BYOK_SECRET_VALUES, api.key):
        assert value not in text
    saved = Plan.model_validate_json(text)
    shown = json.loads(result.stdout)
    assert [c.address for c in saved.changes] == [c["address"] for c in shown["changes"]]
    assert saved.summary() == shown["summary"]
    assert saved.fingerprint == shown["fingerprint"]
    byok = next(c for c in saved.changes if c.kind == "byok_key")
    assert byok.spec(ByokKey).key == "file:credentials/bedrock-example.json"  # the reference, not the value


def test_a_saved_plan_of_new_keys_and_a_rotation_holds_no_secret(converged_api: Api, tmp_path: Path) -> None:
    # The converged account holds five live key secrets; none may reach the plan file.
    planfile = tmp_path / "rotate.plan"
    result = orctl("plan", "-c", drifted_agency(tmp_path), "--out", planfile, env=converged_api.env())
    assert result.exit_code == 0, result.output
    text = planfile.read_text()
    assert "sk-or-" not in text and converged_api.key not in text
    assert Plan.model_validate_json(text).summary() == {"create": 0, "update": 1, "replace": 1, "delete": 1}


# -- colors --------------------------------------------------------------------------------------


def test_colors_follow_force_color_and_yield_to_no_color_and_the_flag(api: Api) -> None:
    colored = orctl("plan", "-c", AGENCY, env=api.env(FORCE_COLOR="1"))
    assert colored.exit_code == 0 and ANSI.search(colored.stdout)  # the switch works at all
    no_color_env = orctl("plan", "-c", AGENCY, env=api.env(FORCE_COLOR="1", NO_COLOR="1"))
    flag = orctl("plan", "-c", AGENCY, "--no-color", env=api.env(FORCE_COLOR="1"))
    for result in (no_color_env, flag):
        assert result.exit_code == 0, result.output
        assert not ANSI.search(result.output)
        assert ANSI.sub("", colored.stdout) == result.stdout


# -- --emulator, key files, stdin ----------------------------------------------------------------


def test_emulator_mode_with_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state" / "account.json"
    first = orctl("plan", "-c", AGENCY, "--emulator", "--emulator-state", state, "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert state.exists()
    applied = orctl("apply", "-c", AGENCY, "--emulator", "--emulator-state", state, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = orctl("plan", "-c", AGENCY, "--emulator", "--emulator-state", state, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
    assert not (Path.cwd() / ".orctl" / "emulator.json").exists()  # the default state file is untouched


def test_management_key_file(api: Api, tmp_path: Path) -> None:
    key_file = tmp_path / "mgmt.key"
    key_file.write_text(api.key + "\n")
    result = orctl("plan", "-c", AGENCY, "--base-url", api.base_url, "--management-key-file", key_file)
    assert result.exit_code == 0, result.output
    assert summary_counts(result.stdout)[0] > 20


def test_key_file_wins_over_the_environment(api: Api, tmp_path: Path) -> None:
    key_file = tmp_path / "mgmt.key"
    key_file.write_text(api.key)
    env = api.env(OPENROUTER_MANAGEMENT_KEY="sk-or-v1-" + "1" * 64)
    result = orctl("plan", "-c", AGENCY, "--management-key-file", key_file, env=env)
    assert result.exit_code == 0, result.output


# -- a real process ------------------------------------------------------------------------------


def test_subprocess_text_plan_and_exit_code(api: Api, tmp_path: Path) -> None:
    env = {"OPENROUTER_BASE_URL": api.base_url, "OPENROUTER_MANAGEMENT_KEY": api.key}
    result = orctl_subprocess("plan", "-c", AGENCY, "--detailed-exitcode", env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert summary_counts(result.stdout)[0] > 20
    assert not ANSI.search(result.stdout)  # a pipe is not a terminal
    assert "(sensitive)" in result.stdout
    assert api.key not in result.stdout + result.stderr


def test_subprocess_colors_in_a_ci_log_only_when_forced(api: Api, tmp_path: Path) -> None:
    env = {"OPENROUTER_BASE_URL": api.base_url, "OPENROUTER_MANAGEMENT_KEY": api.key, "FORCE_COLOR": "1"}
    forced = orctl_subprocess("plan", "-c", AGENCY, env=env, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert ANSI.search(forced.stdout)  # through a pipe, as in a CI log
    assert summary_counts(ANSI.sub("", forced.stdout))[0] > 20


def test_subprocess_json_plan_and_saved_plan_with_key_on_stdin(api: Api, tmp_path: Path) -> None:
    result = orctl_subprocess(
        "plan",
        "-c",
        AGENCY,
        "--base-url",
        api.base_url,
        "--management-key-file",
        "-",
        "--output",
        "json",
        "--out",
        "saved.plan",
        env={},
        cwd=tmp_path,
        stdin=api.key + "\n",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    saved = Plan.model_validate_json((tmp_path / "saved.plan").read_text())
    assert document["fingerprint"] == saved.fingerprint
    assert "sk-or-" not in (tmp_path / "saved.plan").read_text()
