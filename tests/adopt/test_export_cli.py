"""`orctl export` as a new user runs it: export the live account, plan against the export, and
see no changes (or, where live names collide, only the renames that make them unique)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from adopt_support import Account, orctl

from openrouter_iac.config.loader import load_config

SUMMARY = re.compile(r"^Plan: (\d+) to create, (\d+) to update, (\d+) to replace, (\d+) to delete\.$", re.M)


def _export(account: Account, *args: str) -> str:
    result = orctl("export", "-o", "orctl", *args, env=account.env())
    assert result.exit_code == 0, result.output
    return result.output


def test_export_of_an_account_made_by_hand_plans_no_changes(handmade: Account) -> None:
    output = _export(handmade)
    files = sorted(p.name for p in Path("orctl").iterdir())
    assert files == ["00-organization.yaml", "10-default.yaml", "10-support.yaml", "orctl.schema.json"]
    text = Path("orctl/10-support.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=orctl.schema.json\n")
    support = yaml.safe_load(text)["workspaces"]["support"]
    assert support["keys"] == {
        "nightly-report": {"limit": 5},
        "triage-bot": {"limit": 25, "limit_reset": "monthly", "guardrail": "support policy"},
    }
    assert support["guardrails"]["support policy"] == {
        "budget": {"limit_usd": 40, "reset": "weekly"},
        "allowed_providers": ["anthropic", "openai"],
        "zdr": {"anthropic": True},
    }
    # Secrets never leave OpenRouter: a placeholder reference, with a comment saying what to do.
    assert "key: env:BYOK_SUPPORT_ANTHROPIC_PROD  # fill in: a reference to the anthropic credential" in text
    assert "secretKey: env:OBS_SUPPORT_LANGFUSE_SECRETKEY  # fill in:" in text
    assert "not-real" not in text and "sk-lf" not in text
    assert "publicKey: pk-l...0001  # masked by the API" in text
    # Server defaults are left out; keys carry no sink and no secret.
    assert "include_byok_in_limit" not in text and "secret_sink:" not in text and "enabled: true" not in text
    assert "2 secret reference(s) to fill in" in output
    assert "workspaces.support.byok.anthropic prod.key" in output
    plan = orctl("plan", "-c", "orctl", "--detailed-exitcode", env=handmade.env())
    assert plan.exit_code == 0, plan.output
    assert "No changes. The account matches the configuration." in plan.output
    assert orctl("validate", "-c", "orctl").exit_code == 0


def test_export_keeps_every_object_of_a_messy_account_and_the_first_plan_only_renames(messy: Account) -> None:
    output = _export(messy)
    default = yaml.safe_load(Path("orctl/10-default.yaml").read_text(encoding="utf-8"))["workspaces"]["default"]
    assert sorted(default["keys"]) == [
        "jupyter (maria)",
        "old-ci",
        "prod-backend",
        "prod-backend (2)",
        "test key",
        "test key (2)",
    ]
    pinned = {name: key["id"] for name, key in default["keys"].items() if "id" in key}
    assert sorted(pinned) == ["prod-backend", "prod-backend (2)", "test key", "test key (2)"]
    assert {pinned["prod-backend"], pinned["prod-backend (2)"]} == {
        k["hash"] for k in messy.keys("default") if k["name"] == "prod-backend"
    }
    assert "4 object(s) share a live name; each is pinned by id and renamed:" in output
    assert "Not exported: byok_key:default/(unnamed anthropic" in output

    plan = orctl("plan", "-c", "orctl", "--output", "json", "--detailed-exitcode", env=messy.env())
    assert plan.exit_code == 2, plan.output
    changes = json.loads(plan.output)["changes"]
    assert sorted((c["action"], c["address"], [f["field"] for f in c["fields"]]) for c in changes) == [
        ("update", "api_key:default/prod-backend (2)", ["name"]),
        ("update", "api_key:default/test key (2)", ["name"]),
        ("update", "api_key:research/eval-harness (2)", ["name"]),
        ("update", "guardrail:default/prod policy (2)", ["name"]),
    ]
    applied = orctl("apply", "-c", "orctl", "--auto-approve", env=messy.env())
    assert applied.exit_code == 0, applied.output
    assert "Converged" in applied.output
    again = orctl("plan", "-c", "orctl", "--detailed-exitcode", env=messy.env())
    assert again.exit_code == 0, again.output
    assert sorted(k["name"] for k in messy.keys("research")) == [
        "eval-harness",
        "eval-harness (2)",
        "notebook",
        "retired",
    ]


def test_export_writes_configs_the_loader_and_the_schema_accept(messy: Account) -> None:
    _export(messy)
    loaded = load_config(Path("orctl"))
    assert sorted(loaded.config.workspaces) == ["default", "legacy-sandbox", "marketing", "research"]
    assert loaded.config.organization is not None and loaded.config.organization.filtered_model_catalog is True
    import jsonschema

    schema = json.loads(Path("orctl/orctl.schema.json").read_text(encoding="utf-8"))
    for path in sorted(Path("orctl").glob("*.yaml")):
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], path


def test_export_of_chosen_workspaces_and_targets(messy: Account) -> None:
    _export(messy, "--workspace", "marketing")
    assert sorted(p.name for p in Path("orctl").glob("*.yaml")) == ["00-organization.yaml", "10-marketing.yaml"]
    assert orctl("plan", "-c", "orctl", "--detailed-exitcode", env=messy.env()).exit_code == 0
    result = orctl("export", "-o", "keys-only", "--target", "api_key:research/*", env=messy.env())
    assert result.exit_code == 0, result.output
    research = yaml.safe_load(Path("keys-only/10-research.yaml").read_text(encoding="utf-8"))["workspaces"]["research"]
    # The workspace's own settings come along (they are part of it); of its objects, only the keys.
    assert "keys" in research and "guardrails" not in research and "presets" not in research
    assert research["budgets"] == {"lifetime": 5000, "monthly": 1000, "weekly": 300, "daily": 60}
    assert sorted(p.name for p in Path("keys-only").glob("*.yaml")) == ["00-organization.yaml", "10-research.yaml"]


def test_export_refuses_to_mix_with_other_yaml_or_overwrite_without_force(messy: Account) -> None:
    _export(messy)
    again = orctl("export", "-o", "orctl", env=messy.env())
    assert again.exit_code == 1
    assert "Error: orctl: already holds 00-organization.yaml" in again.output
    assert "pass --force to overwrite them" in again.output
    assert orctl("export", "-o", "orctl", "--force", env=messy.env()).exit_code == 0
    Path("mine").mkdir()
    Path("mine/orctl.yaml").write_text("version: 1\n", encoding="utf-8")
    mixed = orctl("export", "-o", "mine", env=messy.env())
    assert mixed.exit_code == 1
    assert "holds other YAML files (orctl.yaml) that would merge with the export" in mixed.output
    unknown = orctl("export", "--workspace", "nope", env=messy.env())
    assert unknown.exit_code == 1
    assert "Error: --workspace nope: no such live workspace" in unknown.output
    assert "Traceback" not in unknown.output


def test_export_help_has_examples() -> None:
    result = orctl("export", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output and "orctl export --emulator -o orctl" in result.output
