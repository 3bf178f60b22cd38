"""`mode: observe` and `--target` as a user runs them: on an exported account, change the YAML and
see what plan reports and what apply writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from adopt_support import Account, orctl

SUPPORT = Path("orctl/10-support.yaml")


def _edit(change: Any) -> None:
    document = yaml.safe_load(SUPPORT.read_text(encoding="utf-8"))
    change(document["workspaces"]["support"])
    SUPPORT.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _limit(account: Account, name: str) -> Any:
    return next(k["limit"] for k in account.keys("support") if k["name"] == name)


def _exported(account: Account) -> None:
    assert orctl("export", "-o", "orctl", env=account.env()).exit_code == 0


def test_an_observed_workspace_is_planned_and_reported_but_never_written(handmade: Account) -> None:
    _exported(handmade)

    def observe(ws: dict[str, Any]) -> None:
        ws["mode"] = "observe"
        ws["keys"]["triage-bot"]["limit"] = 99

    _edit(observe)
    plan = orctl("plan", "-c", "orctl", "--detailed-exitcode", env=handmade.env())
    assert plan.exit_code == 2, plan.output
    assert "~ api_key:support/triage-bot" in plan.output
    assert "# observe only (mode: observe): reported, never applied" in plan.output
    applied = orctl("apply", "-c", "orctl", "--auto-approve", env=handmade.env())
    assert applied.exit_code == 0, applied.output
    assert "Skipped 1 change(s) in observe-only scope (mode: observe), never applied: api_key:support/triage-bot" in (
        applied.output
    )
    assert _limit(handmade, "triage-bot") == 25
    markdown = orctl("plan", "-c", "orctl", "--output", "markdown", env=handmade.env())
    assert "observe only: never applied" in markdown.output


def test_observe_at_the_top_level_covers_every_workspace(handmade: Account) -> None:
    _exported(handmade)
    organization = Path("orctl/00-organization.yaml")
    organization.write_text(organization.read_text(encoding="utf-8") + "mode: observe\n", encoding="utf-8")
    _edit(lambda ws: ws["keys"]["nightly-report"].update(limit=7))
    applied = orctl("apply", "-c", "orctl", "--auto-approve", env=handmade.env())
    assert applied.exit_code == 0, applied.output
    assert "Skipped 1 change(s)" in applied.output
    assert _limit(handmade, "nightly-report") == 5


def test_target_limits_plan_and_apply_to_the_addresses_given(handmade: Account) -> None:
    _exported(handmade)

    def two_limits(ws: dict[str, Any]) -> None:
        ws["keys"]["triage-bot"]["limit"] = 30
        ws["keys"]["nightly-report"]["limit"] = 6
        ws["guardrails"]["support policy"]["allowed_providers"] = ["anthropic"]

    _edit(two_limits)
    plan = orctl("plan", "-c", "orctl", "--output", "json", "--target", "api_key:support/triage*", env=handmade.env())
    assert plan.exit_code == 0, plan.output
    assert [c["address"] for c in json.loads(plan.output)["changes"]] == ["api_key:support/triage-bot"]
    both = orctl(
        "plan",
        "-c",
        "orctl",
        "--output",
        "json",
        "--target",
        "api_key:support/triage-bot",
        "--target",
        "guardrail:*",
        env=handmade.env(),
    )
    assert [c["address"] for c in json.loads(both.output)["changes"]] == [
        "guardrail:support/support policy",
        "api_key:support/triage-bot",
    ]
    whole = orctl("plan", "-c", "orctl", "--output", "json", "--target", "workspace:support", env=handmade.env())
    assert len(json.loads(whole.output)["changes"]) == 3
    saved = orctl(
        "plan", "-c", "orctl", "--target", "api_key:support/triage-bot", "--out", "p.json", env=handmade.env()
    )
    assert saved.exit_code == 0, saved.output
    mixed = orctl("apply", "p.json", "--target", "guardrail:*", env=handmade.env())
    assert mixed.exit_code == 1 and "--target cannot be given with a PLANFILE" in mixed.output
    applied = orctl("apply", "p.json", env=handmade.env())
    assert applied.exit_code == 0, applied.output
    assert "Converged" in applied.output
    assert (_limit(handmade, "triage-bot"), _limit(handmade, "nightly-report")) == (30, 5)
    rest = orctl("apply", "-c", "orctl", "--auto-approve", "--target", "api_key:*", env=handmade.env())
    assert rest.exit_code == 0, rest.output
    assert _limit(handmade, "nightly-report") == 6
    remaining = orctl("plan", "-c", "orctl", "--output", "json", env=handmade.env())
    assert [c["address"] for c in json.loads(remaining.output)["changes"]] == ["guardrail:support/support policy"]


def test_a_pin_to_an_object_deleted_by_hand_is_refused_by_apply(messy: Account) -> None:
    _exported(messy)
    gone = next(k["hash"] for k in messy.keys("default") if k["name"] == "test key")
    messy.http("DELETE", f"/keys/{gone}")
    plan = orctl("plan", "-c", "orctl", env=messy.env())
    assert "pinned to live id" in plan.output and "which no longer exists" in plan.output
    applied = orctl("apply", "-c", "orctl", "--auto-approve", env=messy.env())
    assert applied.exit_code == 1
    assert "objects pinned by `id:` no longer exist live (api_key:default/test key" in applied.output


def test_drift_reports_an_observed_workspace_and_honours_targets(handmade: Account) -> None:
    _exported(handmade)
    _edit(lambda ws: ws.update(mode="observe"))
    handmade.http("PATCH", f"/keys/{handmade.key_hash('support', 'triage-bot')}", {"limit": 60})
    handmade.http("PATCH", f"/keys/{handmade.key_hash('support', 'nightly-report')}", {"limit": 9})
    drift = orctl("drift", "-c", "orctl", "--output", "json", env=handmade.env())
    assert drift.exit_code == 2, drift.output
    found = {d["address"]: (d["class"], d["observed"]) for d in json.loads(drift.output)["differences"]}
    assert found == {
        "api_key:support/triage-bot": ("changed", True),
        "api_key:support/nightly-report": ("changed", True),
    }
    narrowed = orctl("drift", "-c", "orctl", "--output", "json", "--target", "api_key:*/triage-*", env=handmade.env())
    assert [d["address"] for d in json.loads(narrowed.output)["differences"]] == ["api_key:support/triage-bot"]
    elsewhere = orctl("drift", "-c", "orctl", "--target", "workspace:default", env=handmade.env())
    assert elsewhere.exit_code == 0, elsewhere.output
    plan = orctl("plan", "-c", "orctl", "--output", "json", env=handmade.env())
    assert [c["observed"] for c in json.loads(plan.output)["changes"]] == [True, True]
