"""The policy in `orctl plan` and `orctl apply` against the embedded emulator (`--emulator`):
findings in every output, the spend ceiling before and after, and apply's policy gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from policy_support import EXPIRY, FIXTURES, orctl, write_config

FIVE = Path("five-findings.yaml")


@pytest.fixture(autouse=True)
def _five_in_tmp(tmp_path: Path) -> None:
    # A copy in the test's own directory (the cwd): its file sink is relative to the config, and
    # an apply of the fixture itself wrote key secrets into the source tree, shared by the tests
    # running at once and by every later run.
    shutil.copy(FIXTURES / FIVE, tmp_path / FIVE)


FIRST = f"""\
workspaces:
  healthcare:
    name: Healthcare
    budgets: {{monthly: 500}}
    keys:
      intake: {{behavior: Intake., limit: 300, limit_reset: monthly, expires_at: {EXPIRY}}}
      billing: {{behavior: Billing., limit: 300, limit_reset: monthly, expires_at: {EXPIRY}}}
  lab:
    name: Lab
    keys:
      scratch: {{behavior: Scratch., limit: 1, limit_reset: daily, expires_at: {EXPIRY}}}
  steady:
    name: Steady
    budgets: {{weekly: 10}}
"""

SECOND = (
    FIRST.replace("budgets: {monthly: 500}", "budgets: {monthly: 900}")
    .replace("scratch: {behavior: Scratch., limit: 1,", "scratch: {behavior: Scratch., limit: null,")
    .replace("limit_reset: daily, expires_at", "limit_reset: null, expires_at")
)


def emulator(state: Path) -> tuple[str, ...]:
    return ("--emulator", "--emulator-state", str(state))


def test_plan_shows_the_findings_in_every_output(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    text = orctl("plan", "-c", FIVE, *emulator(state))
    assert text.exit_code == 0, text.output
    assert "Policy: 5 errors, 0 warnings (orctl lint):" in text.stdout
    assert "five-findings.yaml:11:7: error [key-uncapped] api_key:lab/scratch has no limit" in text.stdout
    assert "apply refuses a config with policy errors unless --allow-policy-violations is given" in text.stdout
    document = json.loads(orctl("plan", "-c", FIVE, *emulator(state), "--output", "json").stdout)
    assert [f["rule"] for f in document["policy_findings"]] == [
        "workspace-uncapped",
        "key-uncapped",
        "cap-cascade",
        "behavior-shared",
        "preset-not-allowed",
    ]
    assert document["policy_findings"][1]["location"].endswith("five-findings.yaml:11:7")
    markdown = orctl("plan", "-c", FIVE, *emulator(state), "--output", "markdown").stdout
    assert "#### Policy findings (`orctl lint`)" in markdown
    assert "- ❌ **key-uncapped** `" in markdown
    assert "_`orctl apply` refuses this config unless `--allow-policy-violations` is given._" in markdown


def test_apply_refuses_policy_errors_and_writes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    refused = orctl("apply", "-c", FIVE, *emulator(state), "--auto-approve")
    assert refused.exit_code == 1
    error = refused.stderr.splitlines()
    assert error[0] == (
        "Error: refusing to apply: the config has 5 policy errors: [workspace-uncapped] workspace:lab; "
        "[key-uncapped] api_key:lab/scratch; [cap-cascade] api_key:support/triage-bot; "
        "[behavior-shared] api_key:support/reply-bot; [preset-not-allowed] preset:support/triage"
    )
    assert error[1].startswith("  hint: fix them (`orctl lint` shows where and how)")
    assert "Traceback" not in refused.output
    again = orctl("plan", "-c", FIVE, *emulator(state), "--output", "json")
    assert json.loads(again.stdout)["summary"]["create"] == 9  # nothing was written
    forced = orctl("apply", "-c", FIVE, *emulator(state), "--auto-approve", "--allow-policy-violations")
    assert forced.exit_code == 0, forced.output


def test_the_gate_can_be_opened_from_the_environment(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    result = orctl("apply", "-c", FIVE, *emulator(state), "--auto-approve", env={"ORCTL_ALLOW_POLICY_VIOLATIONS": "1"})
    assert result.exit_code == 0, result.output
    assert "Policy: 5 errors, 0 warnings (orctl lint):" in result.stdout  # still shown


def test_a_saved_plan_with_policy_errors_is_refused_too(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    planfile = tmp_path / "plan.json"
    assert orctl("plan", "-c", FIVE, *emulator(state), "--out", planfile).exit_code == 0
    refused = orctl("apply", planfile, "-c", FIVE, *emulator(state))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: refusing to apply: the config has 5 policy errors")


def test_the_plan_shows_each_workspace_s_spend_ceiling_before_and_after(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = write_config(tmp_path, FIRST, "first.yaml")
    created = orctl("plan", "-c", first, *emulator(state), "--output", "json")
    ceilings = {c["workspace"]: c for c in json.loads(created.stdout)["spend_ceiling"]}
    # A new workspace spends nothing before; lab has no budget: its one key bounds it (1 x 31).
    assert ceilings["healthcare"] == {
        "workspace": "healthcare",
        "before_usd_per_month": 0.0,
        "after_usd_per_month": 500,
    }
    assert ceilings["lab"]["after_usd_per_month"] == 31
    assert ceilings["steady"]["after_usd_per_month"] == 0  # no keys: nothing can spend
    assert ceilings["default"]["before_usd_per_month"] == ceilings["default"]["after_usd_per_month"]
    applied = orctl("apply", "-c", first, *emulator(state), "--auto-approve", "--allow-policy-violations")
    assert applied.exit_code == 0, applied.output

    second = write_config(tmp_path, SECOND, "second.yaml")
    document = json.loads(orctl("plan", "-c", second, *emulator(state), "--output", "json").stdout)
    ceilings = {c["workspace"]: c for c in document["spend_ceiling"]}
    assert ceilings["healthcare"] == {
        "workspace": "healthcare",
        "before_usd_per_month": 500,
        "after_usd_per_month": 600,
    }
    assert ceilings["lab"] == {"workspace": "lab", "before_usd_per_month": 31, "after_usd_per_month": None}
    assert ceilings["steady"]["before_usd_per_month"] == ceilings["steady"]["after_usd_per_month"] == 0

    markdown = orctl("plan", "-c", second, *emulator(state), "--output", "markdown").stdout
    opening = markdown.split("\n\n")[:6]
    assert "**Spend ceiling per month:**\n- healthcare: $500 → $600 per month\n- lab: $31 → unbounded" in opening
    assert "> [!WARNING]\n> - The spend ceiling of lab becomes unbounded (was $31 per month)" in markdown

    text = orctl("plan", "-c", second, *emulator(state)).stdout
    assert (
        "Spend ceiling (most each workspace can spend in a month):\n"
        "  healthcare: $500 → $600 per month\n"
        "  lab: $31 → unbounded\n"
        "Warning: the spend ceiling of lab becomes unbounded (was $31 per month)\n"
    ) in text


def test_a_rise_of_more_than_half_is_called_out(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = write_config(tmp_path, FIRST, "first.yaml")
    assert orctl("apply", "-c", first, *emulator(state), "--auto-approve", "--allow-policy-violations").exit_code == 0
    raised = write_config(
        tmp_path,
        FIRST.replace("budgets: {monthly: 500}", "budgets: {monthly: 2000}").replace("limit: 300,", "limit: 400,"),
        "raised.yaml",
    )
    markdown = orctl("plan", "-c", raised, *emulator(state), "--output", "markdown").stdout
    assert "- healthcare: $500 → $800 per month" in markdown
    assert "> - The spend ceiling of healthcare rises by 60% ($500 → $800 per month)" in markdown
