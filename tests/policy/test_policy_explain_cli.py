"""`orctl explain` as a user runs it: the intersected policy of a key, its caps and the one that
binds first, a workspace's view, and `--plan` (live and configured side by side, `--emulator`)."""

from __future__ import annotations

from pathlib import Path

from policy_support import EXPIRY, orctl, write_config

LAYERED = f"""\
workspaces:
  eu:
    name: EU
    budgets: {{monthly: 500, daily: 30}}
    default_guardrail:
      allowed_models: [anthropic/claude-sonnet-4.6, openai/gpt-5-mini]
      allowed_providers: [amazon-bedrock, anthropic]
      allowed_data_regions: [europe, us]
      zdr: {{anthropic: true}}
      sensitive_info: {{email: redact}}
      prompt_injection: {{action: flag, scope: user_only}}
      budget: {{limit_usd: 100, reset: monthly}}
    guardrails:
      strict:
        allowed_models: [openai/gpt-5-mini, google/gemini-2.5-pro]
        allowed_providers: [anthropic, openai]
        allowed_data_regions: [europe]
        zdr: {{openai: true}}
        enable_paid_model_training: false
        sensitive_info: {{email: block, phone: redact}}
        prompt_injection: {{action: block}}
        budget: {{limit_usd: 20, reset: weekly}}
        members: [user_abc]
    keys:
      bot: {{behavior: Answers., limit: 45, limit_reset: monthly, guardrail: strict, expires_at: {EXPIRY}}}
      free: {{behavior: Free., limit: 5, limit_reset: daily, expires_at: {EXPIRY}}}
"""

# The emulator makes up its members' ids, so the live tests assign none.
WITHOUT_MEMBERS = LAYERED.replace("        members: [user_abc]\n", "")


def rows(text: str) -> dict[str, str]:
    """Setting → the rest of its line (value and source), for the lines of a single explanation."""
    found = {}
    for line in text.splitlines():
        if line.startswith("  ") and "  " in line.strip():
            setting, _, rest = line.strip().partition("  ")
            found[setting] = rest.strip()
    return found


def test_explain_key_shows_the_intersected_policy_and_the_binding_cap(tmp_path: Path) -> None:
    result = orctl("explain", "key", "eu/bot", "-c", write_config(tmp_path, LAYERED))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Effective policy of api_key:eu/bot\n")
    found = rows(result.stdout)
    assert found["default guardrail"] == "default_guardrail:eu"
    assert found["guardrail 'strict'"] == "guardrail:eu/strict"
    assert found["allowed models"] == "openai/gpt-5-mini  (default guardrail, guardrail 'strict')"
    assert found["allowed providers"] == "anthropic  (default guardrail, guardrail 'strict')"
    assert found["data regions"] == "europe  (default guardrail, guardrail 'strict')"
    assert found["zero data retention"] == "anthropic, openai  (default guardrail, guardrail 'strict')"
    assert found["paid model training"] == "off  (guardrail 'strict')"
    assert found["sensitive info"] == "email: block, phone: redact  (default guardrail, guardrail 'strict')"
    assert found["prompt injection"] == "block (all messages)  (default guardrail, guardrail 'strict')"
    assert found["key limit"] == "$45 per month  (per key)"
    assert found["guardrail 'strict' budget"] == "$20 per week (at most $120 in a month)  (per key)"
    assert found["default guardrail budget"] == "$100 per month  (per key)"
    assert (
        found["workspace daily budget"]
        == "$30 per day (at most $930 in a month)  (shared by every key of the workspace)"
    )
    assert found["binds first"] == "guardrail 'strict' budget $20 per week (the smallest amount)"
    assert found["bounds a month"] == "key limit $45 per month (at most $45 per month)"
    assert found["spend ceiling"] == "$45 per month  (key limit and guardrail budgets)"


def test_explain_workspace_lists_keys_member_guardrails_and_the_ceiling(tmp_path: Path) -> None:
    result = orctl("explain", "workspace", "eu", "-c", write_config(tmp_path, LAYERED))
    assert result.exit_code == 0, result.output
    found = rows(result.stdout)
    assert found["allowed models"] == "anthropic/claude-sonnet-4.6, openai/gpt-5-mini  (default guardrail)"
    assert found["bot"] == "guardrail 'strict'; ceiling $45 per month"
    assert found["free"] == "no guardrail of its own; ceiling $100 per month"
    assert found["guardrail 'strict'"] == ("user_abc: models openai/gpt-5-mini; providers anthropic; regions europe")
    assert found["keys' ceilings added up"] == "$145 per month"
    assert found["spend ceiling"] == "$145 per month  (budgets and keys' ceilings)"


def test_explain_plan_shows_live_and_configured_side_by_side(tmp_path: Path) -> None:
    state = ("--emulator", "--emulator-state", str(tmp_path / "state.json"))
    config = write_config(tmp_path, WITHOUT_MEMBERS)
    applied = orctl("apply", "-c", config, *state, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    changed = write_config(
        tmp_path,
        WITHOUT_MEMBERS.replace(
            "allowed_providers: [anthropic, openai]", "allowed_providers: [amazon-bedrock, anthropic]"
        ).replace("limit: 45,", "limit: 90,"),
        "changed.yaml",
    )
    result = orctl("explain", "key", "eu/bot", "-c", changed, "--plan", *state)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Effective policy of api_key:eu/bot: before (live) and after (this config)"
    assert any(
        line.split() == ["~", "allowed", "providers", "anthropic", "amazon-bedrock,", "anthropic"] for line in lines
    )
    assert any(line.split()[:4] == ["~", "key", "limit", "$45"] and "$90" in line for line in lines)
    assert any(line.split() == ["", "data", "regions", "europe", "europe"][1:] for line in lines)
    assert any(
        line.split() == ["~", "spend", "ceiling", "$45", "per", "month", "$90", "per", "month"] for line in lines
    )


def test_explain_plan_for_a_key_not_created_yet(tmp_path: Path) -> None:
    state = ("--emulator", "--emulator-state", str(tmp_path / "state.json"))
    result = orctl("explain", "key", "eu/bot", "-c", write_config(tmp_path, LAYERED), "--plan", *state)
    assert result.exit_code == 0, result.output
    assert "  (not in the live account yet)" in result.stdout
    assert "(absent)" in result.stdout


def test_unknown_or_malformed_names_are_one_clear_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, LAYERED)
    missing = orctl("explain", "key", "eu/nope", "-c", config)
    assert missing.exit_code == 1 and missing.stdout == ""
    assert (
        missing.stderr
        == "Error: api_key:eu/nope is not declared in the config\n  hint: declared keys: eu/bot, eu/free\n"
    )
    malformed = orctl("explain", "key", "bot", "-c", config)
    assert malformed.exit_code == 1
    assert malformed.stderr.startswith("Error: 'bot' is not WORKSPACE/NAME")
    workspace = orctl("explain", "workspace", "us", "-c", config)
    assert workspace.stderr == "Error: workspace:us is not declared in the config\n  hint: declared workspaces: eu\n"


def test_explain_help_has_examples() -> None:
    result = orctl("explain", "key", "--help")
    assert result.exit_code == 0
    assert "orctl explain key healthcare/intake-summarizer --plan --emulator" in result.stdout
