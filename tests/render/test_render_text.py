"""The terminal plan: signs, notes, field diffs, grouping, summary and colors."""

from __future__ import annotations

import re

from render_support import fc, make_plan, summary

from openrouter_iac.plan.model import Change, Plan, SafetyFacts, Unmanaged
from openrouter_iac.render import render_text

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def block(text: str, address: str) -> str:
    """The lines of one change: from its header to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().split(" ", 1)[-1] == address)
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return "\n".join(lines[start:end])


def test_header_and_summary(plan: Plan) -> None:
    text = render_text(plan, color=False)
    assert text.startswith("orctl will perform the following actions:\n")
    assert text.endswith(f"Plan: {summary(plan)}.")


def test_action_symbols(plan: Plan) -> None:
    text = render_text(plan, color=False)
    assert "\n  + workspace:healthcare\n" in text
    assert "\n  ~ guardrail:healthcare/phi-strict\n" in text
    assert "\n  - api_key:healthcare/old-batch\n" in text
    assert "\n  -/+ api_key:healthcare/intake-summarizer\n" in text


def test_rotation_note_and_reason(plan: Plan) -> None:
    assert block(render_text(plan, color=False), "api_key:healthcare/intake-summarizer") == (
        "  -/+ api_key:healthcare/intake-summarizer\n"
        "      # secret rotation: expires_at cannot change in place; consumers of the old key will break\n"
        '      expires_at: "2026-06-30T00:00:00Z" → "2027-06-30T00:00:00Z"'
    )


def test_delete_without_fields_shows_address_and_reason(plan: Plan) -> None:
    text = render_text(plan, color=False)
    assert block(text, "api_key:healthcare/old-batch") == (
        "  - api_key:healthcare/old-batch\n      # not declared (pruning is on)"
    )
    assert block(text, "guardrail:research/legacy") == "  - guardrail:research/legacy"


def test_sensitive_field(plan: Plan) -> None:
    assert "      key: (sensitive)\n" in render_text(plan, color=False)


def test_set_like_lists_and_dicts_per_key(plan: Plan) -> None:
    assert block(render_text(plan, color=False), "guardrail:healthcare/phi-strict") == "\n".join(
        [
            "  ~ guardrail:healthcare/phi-strict",
            "      budget.limit_usd: 50 → 40",
            "      allowed_providers:",
            '        - "openai"',
            '        + "google-vertex"',
            "      zdr.openai: false → true",
            "      zdr.google: true → false",
            "      content_filters:",
            '        + {pattern: "\\\\bMRN\\\\d{6}\\\\b", action: "redact", label: "[MRN]"}',
            '      sensitive_info.email: "redact" → "block"',
            '      sensitive_info.ssn: null → "redact"',
            "      enable_free_model_training: true → false",
        ]
    )


def test_create_shows_values_without_arrows(plan: Plan) -> None:
    assert block(render_text(plan, color=False), "default_guardrail:healthcare") == (
        "  + default_guardrail:healthcare\n"
        '      allowed_data_regions: ["europe"]\n'
        "      zdr.anthropic: true\n"
        "      zdr.openai: true"
    )


def test_preset_versions_and_prompt_diff(plan: Plan) -> None:
    text = render_text(plan, color=False)
    assert block(text, "preset:healthcare/intake") == "\n".join(
        [
            "  ~ preset:healthcare/intake",
            "      # v3 → v4",
            "      system_prompt:",
            "        --- v3",
            "        +++ v4",
            "        @@ -1,3 +1,4 @@",
            "         You summarise intake notes.",
            "        -Never include the patient's name.",
            "        +Never include names or MRNs.",
            "         Answer in English.",
            "        +Be brief.",
            "      parameters.temperature: 0.2 → null",
        ]
    )
    assert "      # restores v2 content as v6 (live v5)\n" in text
    assert "      # new preset, v1\n" in text
    assert "        +Write it short." in text


def test_grouped_by_workspace_and_layer(plan: Plan) -> None:
    headers = [line for line in render_text(plan, color=False).splitlines() if line.startswith("# ")]
    assert headers == ["# organization", "# workspace healthcare", "# workspace research"]
    addresses = [line.split()[-1] for line in render_text(plan, color=False).splitlines() if line.startswith("  ")]
    # The key deleted late in apply order is shown with the other keys, before the presets.
    assert addresses.index("api_key:healthcare/old-batch") < addresses.index("preset:healthcare/intake")


def test_unmanaged_and_warnings(plan: Plan) -> None:
    text = render_text(plan, color=False)
    assert (
        "2 live objects are not managed by this config:\n"
        "  api_key:research/dashboard-key  (not declared in the config)\n"
        "  workspace:sandbox  (not declared in the config (2 keys, 0 guardrails, 0 presets))\n"
    ) in text
    assert "Warning: guardrail:healthcare/phi-strict allows a provider without ZDR\n" in text


def test_no_changes() -> None:
    unmanaged = [Unmanaged(kind="workspace", address="workspace:sandbox", reason="not declared")]
    text = render_text(make_plan(unmanaged=unmanaged), color=False)
    assert text == (
        "1 live object is not managed by this config:\n"
        "  workspace:sandbox  (not declared)\n"
        "\n"
        "No changes. The account matches the configuration."
    )
    assert render_text(make_plan(), color=False) == "No changes. The account matches the configuration."


def test_safety_alerts() -> None:
    changes = [
        Change(action="delete", kind="workspace", address=f"workspace:w{i}", workspace=f"w{i}") for i in range(5)
    ]
    safety = SafetyFacts(managed_objects=10, deletes=5, protected_hits=["workspace:w1"])
    text = render_text(make_plan(changes, safety=safety), color=False)
    assert "Safety: 5 of 10 managed objects would be deleted (more than 30%)\n" in text
    assert "Safety: protected objects affected: workspace:w1\n" in text


def test_order_only_list_change_and_ordered_fields() -> None:
    change = Change(
        action="update",
        kind="preset",
        address="preset:w/p",
        workspace="w",
        fields=[fc("models", ["a", "b"], ["b", "a"]), fc("allowed_keys", ["k1", "k2"], ["k2", "k1"])],
    )
    text = render_text(make_plan([change]), color=False)
    assert '      models: ["a", "b"] → ["b", "a"]\n' in text
    assert '      allowed_keys (order): ["k1", "k2"] → ["k2", "k1"]\n' in text


def test_no_ansi_without_color(plan: Plan) -> None:
    assert "\x1b" not in render_text(plan, color=False)


def test_ansi_colors_by_action(plan: Plan) -> None:
    text = render_text(plan, color=True)
    assert "\x1b[32m+ workspace:healthcare\x1b[0m" in text
    assert "\x1b[33m~ guardrail:healthcare/phi-strict\x1b[0m" in text
    assert "\x1b[31m- api_key:healthcare/old-batch\x1b[0m" in text
    assert "\x1b[35m-/+ api_key:healthcare/intake-summarizer\x1b[0m" in text
    # Colors are the only difference.
    assert ANSI.sub("", text) == render_text(plan, color=False)


def test_rotation_reason_that_already_says_what_breaks_is_shown_once() -> None:
    reason = "secret rotation: expires_at cannot change in place; consumers of the old key will break"
    change = Change(
        action="replace", kind="api_key", address="api_key:w/k", workspace="w", rotation=True, reason=reason
    )
    assert block(render_text(make_plan([change]), color=False), "api_key:w/k") == (
        f"  -/+ api_key:w/k\n      # {reason}"
    )


def test_sensitive_placeholders_from_the_planner() -> None:
    change = Change(
        action="update",
        kind="observability_destination",
        address="observability_destination:w/lf",
        workspace="w",
        fields=[fc("secret config", "(sensitive)", "(sensitive)", sensitive=True)],
    )
    assert "      secret config: (sensitive) → (sensitive)" in render_text(make_plan([change]), color=False)
