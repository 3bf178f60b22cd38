"""Each built-in rule on a small config, through `orctl lint --output json`: what it finds, and
that the near miss next to it is not a finding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from policy_support import EXPIRY, lint_json, orctl, write_config

from openrouter_iac.policy import LiveKeyUse, idle_key_findings


def key(behavior: str, limit: float | None = 10, reset: str | None = "monthly", **extra: Any) -> str:
    fields = {"behavior": json.dumps(behavior), "limit": limit, "limit_reset": reset, "expires_at": EXPIRY, **extra}
    return "{" + ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None) + "}"


def findings(tmp_path: Path, body: str) -> list[tuple[str, str, str]]:
    """(rule, severity, subject) of every finding."""
    _, document = lint_json(write_config(tmp_path, body))
    return [(f["rule"], f["severity"], f["objects"][0]) for f in document["findings"]]


def messages(tmp_path: Path, body: str) -> list[str]:
    _, document = lint_json(write_config(tmp_path, body))
    return [f["message"] for f in document["findings"]]


def test_a_limit_without_reset_is_a_warning(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          once: {key("One.", reset=None)}
    """
    assert findings(tmp_path, body) == [("key-no-reset", "warning", "api_key:ops/once")]


def test_a_key_without_behavior_is_an_error(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          bot: {{limit: 5, limit_reset: daily, expires_at: {EXPIRY}}}
    """
    assert findings(tmp_path, body) == [("key-no-behavior", "error", "api_key:ops/bot")]


def test_behaviors_are_compared_across_workspaces_ignoring_case_and_spaces(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          a: {key("Writes  the digest.")}
      web:
        name: Web
        budgets: {{monthly: 100}}
        keys:
          b: {key("writes the digest")}
          c: {key("Writes the digest, then mails it.")}
    """
    assert findings(tmp_path, body) == [("behavior-shared", "error", "api_key:web/b")]


def test_cascade_compares_comparable_periods_only(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{lifetime: 1000, monthly: 100, daily: 10}}
        default_guardrail:
          budget: {{limit_usd: 150, reset: monthly}}
        guardrails:
          weekly-cap:
            budget: {{limit_usd: 50, reset: weekly}}
        keys:
          monthly-40: {key("A.", 40)}
          daily-20: {key("B.", 20, "daily")}
          weekly-60: {key("C.", 60, "weekly", guardrail="weekly-cap")}
          lifetime-2000: {key("D.", 2000, None)}
    lint:
      rules:
        caps-oversubscribed: {{severity: 'off', reason: not under test}}
    """
    # monthly-40 vs daily 10: not comparable (a day is shorter than a month). daily-20 > daily 10.
    # weekly-60 > its guardrail's weekly 50. lifetime-2000 > lifetime 1000. The default guardrail's
    # monthly 150 > the monthly budget 100.
    assert findings(tmp_path, body) == [
        ("cap-cascade", "error", "default_guardrail:ops"),
        ("cap-cascade", "error", "api_key:ops/daily-20"),
        ("cap-cascade", "error", "api_key:ops/weekly-60"),
        ("cap-cascade", "error", "api_key:ops/lifetime-2000"),
        ("key-limit-high", "warning", "api_key:ops/lifetime-2000"),
        ("key-no-reset", "warning", "api_key:ops/lifetime-2000"),
    ]


def test_a_monthly_key_cap_above_a_lifetime_budget_is_inverted(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{lifetime: 30}}
        keys:
          bot: {key("A.", 40)}
    """
    assert messages(tmp_path, body) == [
        "api_key:ops/bot: key limit $40 per month is above the workspace lifetime budget $30 over its lifetime "
        "(workspace:ops at orctl.yaml:7:15), so it never binds"
    ]


def test_keys_caps_adding_up_beyond_the_budget_is_a_warning(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          a: {key("A.", 2, "daily")}
          b: {key("B.", 10, "weekly")}
    """
    assert messages(tmp_path, body) == [
        "workspace:ops: the caps of its 2 keys add up to $122 per month (api_key:ops/a $62, api_key:ops/b $60), "
        "beyond its workspace monthly budget ($100 per month): the budget, not the keys, decides which behavior stops"
    ]


def test_risk_flags_of_the_security_settings(tmp_path: Path) -> None:
    body = """\
    workspaces:
      ops:
        name: Ops
        budgets: {lifetime: 5000}
        keys:
          forever: {behavior: A., limit: 10, limit_reset: daily}
          big: {behavior: B., limit: 1000, limit_reset: monthly, expires_at: 2027-01-01T00:00:00Z}
          far: {behavior: C., limit: 5, limit_reset: daily, expires_at: 2027-12-02T00:00:00Z}
          near: {behavior: D., limit: 5, limit_reset: daily, expires_at: 2027-12-01T00:00:00Z}
    """
    assert findings(tmp_path, body) == [
        ("key-no-expiry", "warning", "api_key:ops/forever"),
        ("key-limit-high", "warning", "api_key:ops/big"),
        ("key-expiry-far", "warning", "api_key:ops/far"),
    ]
    assert messages(tmp_path, body)[2] == (
        "api_key:ops/far expires 2027-12-02, 365 days from now, beyond 365 days "
        "(flagged by OpenRouter's security settings)"
    )


def test_max_key_lifetime_makes_expiry_an_error(tmp_path: Path) -> None:
    body = """\
    organization:
      max_key_lifetime: 90d
    workspaces:
      ops:
        name: Ops
        budgets: {monthly: 1000}
        keys:
          forever: {behavior: A., limit: 10, limit_reset: daily}
          long: {behavior: B., limit: 1, limit_reset: daily, expires_at: 2027-03-31T00:00:00Z}
          short: {behavior: C., limit: 1, limit_reset: daily, expires_at: 2027-02-01T00:00:00Z}
    lint:
      rules:
        key-no-expiry: {severity: 'off', reason: covered by key-max-lifetime}
    """
    assert findings(tmp_path, body) == [
        ("key-max-lifetime", "error", "api_key:ops/forever"),
        ("key-max-lifetime", "error", "api_key:ops/long"),
    ]
    assert messages(tmp_path, body)[1] == (
        "api_key:ops/long expires 2027-03-31, 119 days from now, beyond the organization's maximum key lifetime "
        "of 90 days (orctl.yaml:5:3): OpenRouter rejects its requests"
    )


def test_a_bad_max_key_lifetime_is_a_config_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, "organization: {max_key_lifetime: 90}\nworkspaces: {}\n")
    result = orctl("lint", "-c", path)
    assert result.exit_code == 1 and "organization.max_key_lifetime" in result.stderr


def test_workspaces_marked_as_handling_user_input_or_personal_data_need_detectors(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      chat:
        name: Chat
        handles: [user_input, personal_data]
        budgets: {{monthly: 100}}
        guardrails:
          strict:
            prompt_injection: {{action: block}}
        keys:
          guarded: {key("A.", guardrail="strict")}
          open: {key("B.")}
      covered:
        name: Covered
        handles: [user_input, personal_data]
        budgets: {{monthly: 100}}
        default_guardrail:
          prompt_injection: {{action: flag}}
          sensitive_info: {{email: redact}}
        keys:
          bot: {key("C.")}
    """
    assert messages(tmp_path, body) == [
        "workspace:chat is marked `handles: [user_input]` but prompt-injection detection is off for api_key:chat/open",
        "workspace:chat is marked `handles: [personal_data]` but sensitive-info detection is off for "
        "api_key:chat/guarded, api_key:chat/open",
    ]


def test_preset_routing_must_be_allowed_by_every_layer(tmp_path: Path) -> None:
    body = f"""\
    workspaces:
      eu:
        name: EU
        budgets: {{monthly: 100}}
        default_guardrail:
          allowed_providers: [amazon-bedrock, google-vertex]
          allowed_data_regions: [europe]
        guardrails:
          us-only:
            allowed_data_regions: [us]
            ignored_models: [openai/gpt-5]
        keys:
          pub: {key("A.", guardrail="us-only", secret_sink="files")}
        presets:
          answer:
            publish_with: pub
            model: anthropic/claude-sonnet-4.6
            models: [openai/gpt-5]
            provider: {{order: [amazon-bedrock, anthropic]}}
    """
    (message,) = messages(tmp_path, body)
    assert message == (
        "preset:eu/answer cannot run under the guardrails of its key api_key:eu/pub: model openai/gpt-5 is not "
        "allowed by the guardrail 'us-only'; provider anthropic (in its provider routing) is not allowed by the "
        "default guardrail; the data regions of its guardrails do not intersect: every request is refused"
    )


def test_byok_open_to_every_key_is_a_warning_with_several_workspaces(tmp_path: Path) -> None:
    one = f"""\
    workspaces:
      ops:
        name: Ops
        budgets: {{monthly: 100}}
        keys:
          bot: {key("A.")}
        byok:
          openai: {{provider: openai, key: "env:OPENAI_KEY"}}
    """
    assert findings(tmp_path, one) == []
    two = one + "  web: {name: Web, budgets: {monthly: 5}}\n"
    assert findings(tmp_path, two) == [("byok-unrestricted", "warning", "byok_key:ops/openai")]


def test_idle_keys_from_live_data() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    keys = [
        LiveKeyUse("ops", "busy", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)),
        LiveKeyUse("ops", "stale", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC)),
        LiveKeyUse("ops", "new", datetime(2026, 11, 1, tzinfo=UTC), None),
        LiveKeyUse("ops", "old-unused", datetime(2026, 1, 1, tzinfo=UTC), None),
        LiveKeyUse("ops", "used-before-2026", datetime(2026, 11, 1, tzinfo=UTC), None, usage_usd=3.5),
        LiveKeyUse("ops", "off", datetime(2026, 1, 1, tzinfo=UTC), None, disabled=True),
    ]
    found = idle_key_findings(keys, now=now)
    assert [(f.rule, f.severity, f.subject) for f in found] == [
        ("key-idle", "warning", "api_key:ops/stale"),
        ("key-idle", "warning", "api_key:ops/old-unused"),
        ("key-idle", "warning", "api_key:ops/used-before-2026"),
    ]
    assert found[0].message == "api_key:ops/stale has been idle for over 90 days (last used 2026-08-01)"


def test_live_key_use_reads_an_api_key_item() -> None:
    raw = {
        "hash": "0" * 64,
        "name": "nightly",
        "created_at": "2026-01-05T10:00:00Z",
        "last_used_at": "2026-08-01T00:00:00.000Z",
        "usage": 12.5,
        "disabled": False,
    }
    use = LiveKeyUse.from_api("ops", raw)
    assert use == LiveKeyUse(
        "ops", "nightly", datetime(2026, 1, 5, 10, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC), 12.5, False
    )
    assert LiveKeyUse.from_api("ops", {"name": "x", "last_used_at": None, "created_at": "bogus"}).created_at is None


def test_a_detector_missing_on_many_keys_names_ten_and_counts_the_rest(tmp_path: Path) -> None:
    keys = "".join(f"\n          k{n:02}: {key(f'Task {n}.', 1)}" for n in range(12))
    body = f"""\
    workspaces:
      chat:
        name: Chat
        handles: [user_input]
        budgets: {{monthly: 100}}
        keys:{keys}
    """
    named = ", ".join(f"api_key:chat/k{n:02}" for n in range(10))
    assert messages(tmp_path, body) == [
        f"workspace:chat is marked `handles: [user_input]` but prompt-injection detection is off for {named} "
        "… and 2 more keys"
    ]
