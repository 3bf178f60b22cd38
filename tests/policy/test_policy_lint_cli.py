"""`orctl lint` as a user runs it: findings with positions, exit codes, the three outputs, and
the `lint:` section that switches rules off or changes their severity."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from policy_support import EXPIRY, FIXTURES, REPO, SARIF_SCHEMA, lint_json, orctl, rules_of, write_config

FIVE = FIXTURES / "five-findings.yaml"

CLEAN = f"""\
workspaces:
  ops:
    name: Ops
    budgets: {{monthly: 100}}
    keys:
      bot:
        behavior: Does one thing.
        limit: 10
        limit_reset: monthly
        expires_at: {EXPIRY}
"""


def test_the_five_mistakes_of_the_issue_get_five_precise_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = orctl("lint", "-c", "tests/policy/fixtures/five-findings.yaml")
    assert result.exit_code == 1
    where = "tests/policy/fixtures/five-findings.yaml"
    headlines = [line for line in result.stdout.splitlines() if not line.startswith("  hint: ")]
    assert headlines == [
        f"{where}:8:3: error [workspace-uncapped] workspace:lab has no cap: neither `budgets` nor a budget on "
        "its default guardrail",
        f"{where}:11:7: error [key-uncapped] api_key:lab/scratch has no limit: it can spend up to the "
        "workspace's whole budget, or without end",
        f"{where}:24:9: error [cap-cascade] api_key:support/triage-bot: key limit $80 per month is above the "
        f"guardrail 'triage' budget $50 per month (guardrail:support/triage at {where}:19:9), so it never binds",
        f"{where}:30:9: error [behavior-shared] api_key:support/reply-bot serves the same behavior as "
        f"api_key:support/triage-bot ({where}:23:9): 'Triages incoming tickets.'",
        f"{where}:37:9: error [preset-not-allowed] preset:support/triage cannot run under the guardrails of its "
        "key api_key:support/triage-bot: model openai/gpt-5-mini is not allowed by the guardrail 'triage'",
        "5 errors, 0 warnings.",
    ]
    hints = [line for line in result.stdout.splitlines() if line.startswith("  hint: ")]
    assert len(hints) == 5 and all(len(h) > len("  hint: ") + 10 for h in hints)
    assert result.stderr == ""


@pytest.mark.parametrize("example", ["minimal", "agency"])
def test_the_examples_lint_clean(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = orctl("lint", "-c", f"examples/{example}")
    assert (result.exit_code, result.stdout) == (0, "No policy findings.\n")


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    config = write_config(tmp_path, CLEAN.replace(f"        expires_at: {EXPIRY}\n", ""))
    code, document = lint_json(config)
    assert code == 0
    assert rules_of(document) == ["key-no-expiry"]
    assert document["summary"] == {"errors": 0, "warnings": 1, "suppressed": 0}


def test_json_output_is_stable_and_complete(tmp_path: Path) -> None:
    config = write_config(tmp_path, CLEAN.replace("        limit: 10\n        limit_reset: monthly\n", ""))
    code, document = lint_json(config)
    assert code == 1
    assert list(document) == ["format_version", "findings", "suppressed", "summary"]
    (finding,) = document["findings"]
    assert finding == {
        "rule": "key-uncapped",
        "severity": "error",
        "message": "api_key:ops/bot has no limit: it can spend up to the workspace's whole budget, or without end",
        "hint": "set `limit` (USD) and `limit_reset` (daily, weekly or monthly) on the key",
        "objects": ["api_key:ops/bot"],
        "location": {"file": "orctl.yaml", "line": 9, "column": 7},
    }


def test_sarif_output_is_valid_sarif_2_1_0_with_suppressions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = orctl("lint", "-c", "tests/policy/fixtures/five-findings.yaml", "--output", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(document)]
    assert errors == []
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "orctl"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert {r["ruleId"] for r in run["results"]} <= set(rules)
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    first = run["results"][0]
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/policy/fixtures/five-findings.yaml"},
        "region": {"startLine": 8, "startColumn": 3},
    }


def test_sarif_of_a_switched_off_finding_is_a_suppressed_result(tmp_path: Path) -> None:
    body = CLEAN.replace(f"        expires_at: {EXPIRY}\n", "") + (
        "lint:\n  rules:\n    key-no-expiry: {severity: 'off', reason: rotated by the pipeline}\n"
    )
    config = write_config(tmp_path, body)
    result = orctl("lint", "-c", config, "--output", "sarif")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(document)] == []
    (only,) = document["runs"][0]["results"]
    assert only["ruleId"] == "key-no-expiry"
    assert only["suppressions"] == [
        {"kind": "external", "justification": "lint.rules.key-no-expiry: rotated by the pipeline"}
    ]


def test_a_rule_switched_off_globally_with_a_reason(tmp_path: Path) -> None:
    body = CLEAN.replace("    budgets: {monthly: 100}\n", "") + (
        "lint:\n  rules:\n    workspace-uncapped: {severity: 'off', reason: capped by the account's credits}\n"
    )
    code, document = lint_json(write_config(tmp_path, body))
    assert code == 0 and document["findings"] == []
    (suppressed,) = document["suppressed"]
    assert suppressed["rule"] == "workspace-uncapped"
    assert suppressed["reason"] == "capped by the account's credits"
    assert suppressed["setting"] == "lint.rules.workspace-uncapped"
    text = orctl("lint", "-c", tmp_path / "orctl.yaml")
    assert text.stdout == "No policy findings. 1 finding switched off in `lint:`.\n"


def test_an_error_lowered_to_a_warning_for_one_object_only(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          bot:
            behavior: Does one thing.
            expires_at: {EXPIRY}
          other:
            behavior: Does another thing.
            expires_at: {EXPIRY}
    lint:
      overrides:
        - {{rule: key-uncapped, object: "api_key:ops/bot", severity: warning, reason: "capped by its guardrail soon"}}
    """
    code, document = lint_json(write_config(tmp_path, body))
    assert code == 1
    assert [(f["rule"], f["severity"], f["objects"][0]) for f in document["findings"]] == [
        ("key-uncapped", "warning", "api_key:ops/bot"),
        ("key-uncapped", "error", "api_key:ops/other"),
    ]


def test_a_workspace_override_covers_its_objects_and_an_exact_one_wins(tmp_path: Path) -> None:
    body = """\
    workspaces:
      ops:
        name: Ops
        budgets: {monthly: 100}
        keys:
          bot: {behavior: One., limit: 5, limit_reset: monthly}
          other: {behavior: Two., limit: 5, limit_reset: monthly}
    lint:
      rules:
        key-no-expiry: {severity: error, reason: "we rotate everything"}
      overrides:
        - {rule: key-no-expiry, object: "workspace:ops", severity: 'off', reason: "sandbox"}
        - {rule: key-no-expiry, object: "api_key:ops/other", severity: warning, reason: "watched"}
    """
    code, document = lint_json(write_config(tmp_path, body))
    assert code == 0
    assert [(f["severity"], f["objects"][0]) for f in document["findings"]] == [("warning", "api_key:ops/other")]
    assert [(s["objects"][0], s["setting"]) for s in document["suppressed"]] == [
        ("api_key:ops/bot", "lint.overrides[0]")
    ]


def test_an_unknown_rule_or_object_in_lint_is_an_error_with_its_line(tmp_path: Path) -> None:
    body = CLEAN + (
        "lint:\n"
        "  rules:\n"
        "    key-no-expiri: {severity: 'off', reason: typo}\n"
        "  overrides:\n"
        "    - {rule: key-uncapped, object: 'api_key:ops/bott', severity: 'off', reason: typo}\n"
    )
    result = orctl("lint", "-c", write_config(tmp_path, body))
    assert result.exit_code == 1
    assert (
        "orctl.yaml:16:5: error [lint-config] lint.rules: unknown rule 'key-no-expiri' (did you mean 'key-no-expiry'?)"
    ) in result.stdout
    assert (
        "orctl.yaml:18:28: error [lint-config] lint.overrides[0]: 'api_key:ops/bott' is not an object declared "
        "in the config (did you mean 'api_key:ops/bot'?)"
    ) in result.stdout


def test_a_severity_change_without_a_reason_is_a_config_error(tmp_path: Path) -> None:
    body = CLEAN + "lint:\n  rules:\n    key-no-expiry: {severity: 'off'}\n"
    result = orctl("lint", "-c", write_config(tmp_path, body))
    assert result.exit_code == 1 and result.stdout == ""
    assert "orctl.yaml:16:5: lint.rules.key-no-expiry: required key 'reason' is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_config_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "orctl.yaml").write_text("version: 1\nworkspaces: [1]\n")
    result = orctl("lint")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: the configuration has 1 problem")


def test_list_rules_names_every_rule_with_its_severity() -> None:
    result = orctl("lint", "--list-rules")
    assert result.exit_code == 0
    assert "key-uncapped          error    Every key has a limit." in result.stdout
    assert "key-idle              warning" in result.stdout


def test_an_oversubscribed_workspace_names_its_ten_largest_caps_and_counts_the_rest(tmp_path: Path) -> None:
    keys = "".join(
        f"""
      k{n:03}:
        behavior: Does task {n}.
        limit: {5 if n == 150 else 1}
        limit_reset: monthly
        expires_at: {EXPIRY}"""
        for n in range(200)
    )
    config = write_config(
        tmp_path, f"workspaces:\n  ops:\n    name: Ops\n    budgets: {{monthly: 100}}\n    keys:{keys}\n"
    )
    result = orctl("lint", "-c", config)
    (line,) = [line for line in result.stdout.splitlines() if "[caps-oversubscribed]" in line]
    named = ", ".join(["api_key:ops/k150 $5"] + [f"api_key:ops/k{n:03} $1" for n in range(9)])
    assert line.endswith(
        f"workspace:ops: the caps of its 200 keys add up to $204 per month ({named} … and 190 more keys), "
        "beyond its workspace monthly budget ($100 per month): the budget, not the keys, decides which behavior stops"
    )
    _, document = lint_json(config)
    (finding,) = [f for f in document["findings"] if f["rule"] == "caps-oversubscribed"]
    assert len(finding["objects"]) == 1 + 200  # the workspace and every key stay in the structured field
