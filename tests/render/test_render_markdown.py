"""The pull-request comment: summary, caution banner, highlights, table, collapsed diff."""

from __future__ import annotations

from render_support import fc, make_plan, summary

from openrouter_iac.plan.model import Change, FieldChange, Plan, SafetyFacts, Unmanaged
from openrouter_iac.render import render_markdown
from openrouter_iac.render.markdown import (
    COMMENT_LIMIT,
    SECTIONS_LEFT_OUT_NOTE,
    TOO_LONG_NOTE,
    UNMANAGED_TOO_LONG_NOTE,
)


def update(kind: str, address: str, *fields: object, **extra: object) -> Change:
    return Change.model_validate({"action": "update", "kind": kind, "address": address, "fields": fields, **extra})


def test_summary_line_first(plan: Plan) -> None:
    assert render_markdown(plan).startswith(f"**orctl plan:** {summary(plan)}\n")


def test_banner_lists_deletions_and_rotations(plan: Plan) -> None:
    text = render_markdown(plan)
    assert (
        "> [!CAUTION]\n"
        "> This plan deletes, replaces or rotates live objects:\n"
        "> - 🔑 Rotate `api_key:healthcare/intake-summarizer`: consumers of the old key will break\n"
        "> - 🔑 Rotate `byok_key:healthcare/bedrock`: the stored credential is sent again\n"
        "> - 🔴 Delete `api_key:healthcare/old-batch`: not declared (pruning is on)\n"
        "> - 🔴 Delete `guardrail:research/legacy`\n"
    ) in text


def test_no_banner_without_deletes_or_rotations() -> None:
    change = update("workspace_budget", "workspace_budget:w/monthly", fc("limit_usd", 50, 40), name="monthly")
    text = render_markdown(make_plan([change]))
    assert "[!CAUTION]" not in text
    assert "**orctl plan:** 0 to create, 1 to update, 0 to replace, 0 to delete" in text


def test_policy_highlights(plan: Plan) -> None:
    text = render_markdown(plan)
    assert (
        "- `guardrail:healthcare/phi-strict` (update)\n"
        "  - Budget: $50 → $40 monthly\n"
        "  - Allowed providers: added `google-vertex`; removed `openai`\n"
        "  - ZDR: openai off → on, google on → off\n"
        "  - Filters added: `\\bMRN\\d{6}\\b` (redact as `[MRN]`)\n"
        "  - Sensitive info: `email` redact → block, `ssn` off → redact\n"
        "  - Free models that train on data: allowed → blocked\n"
    ) in text
    assert "- `workspace_budget:healthcare/monthly` (update)\n  - Budget: $50 → $40 monthly\n" in text
    assert "  - Allowed data regions: only `europe`\n  - ZDR: anthropic on, openai on\n" in text


def test_highlights_restrictions_caps_and_filters_removed() -> None:
    change = update(
        "guardrail",
        "guardrail:w/g",
        fc("allowed_models", None, ["openai/gpt-5"]),
        fc("ignored_providers", ["deepinfra"], None),
        fc("budget", {"limit_usd": 50, "reset": "monthly"}, {"limit_usd": 12.5, "reset": "weekly"}),
        fc("content_filters", [{"pattern": "x|y", "action": "block"}], []),
        fc("prompt_injection", None, {"action": "block", "scope": "user_only"}),
    )
    key = update("api_key", "api_key:w/k", fc("limit", 10, 20))
    text = render_markdown(make_plan([change, key]))
    assert "  - Allowed models: all → only `openai/gpt-5`\n" in text
    assert "  - Ignored providers: removed `deepinfra`\n" in text
    assert "  - Budget: $50 monthly → $12.50 weekly\n" in text
    assert "  - Filters removed: `x|y` (block)\n" in text
    assert "  - Prompt injection: off → block (user\\_only)\n" in text
    assert "- `api_key:w/k` (update)\n  - Credit cap: $10 → $20" in text


def test_highlights_of_a_created_guardrail_show_only_the_new_policy() -> None:
    change = Change(
        action="create",
        kind="guardrail",
        address="guardrail:w/g",
        fields=[
            fc("budget", None, {"limit_usd": 40, "reset": "monthly"}),
            fc("allowed_providers", None, ["amazon-bedrock"]),
            fc("enable_paid_model_training", None, False),
        ],
    )
    assert (
        "- `guardrail:w/g` (create)\n"
        "  - Budget: $40 monthly\n"
        "  - Allowed providers: only `amazon-bedrock`\n"
        "  - Paid models that train on data: blocked\n"
    ) in render_markdown(make_plan([change]))


def test_deleted_budget_says_what_it_was() -> None:
    change = Change(
        action="delete",
        kind="workspace_budget",
        address="workspace_budget:w/daily",
        workspace="w",
        name="daily",
        fields=[fc("limit_usd", 5, None)],
    )
    assert "- `workspace_budget:w/daily` (delete)\n  - Budget: daily cap removed (was $5)" in render_markdown(
        make_plan([change])
    )


def test_table_rows(plan: Plan) -> None:
    text = render_markdown(plan)
    assert "| Action | Address | Changes |\n|---|---|---|\n" in text
    assert "| 🟣 replace | `api_key:healthcare/intake-summarizer` | 🔑 secret rotation; expires\\_at |" in text
    assert "| 🟡 update | `preset:healthcare/intake` | v3 → v4; system\\_prompt, parameters |" in text
    assert "| 🔴 delete | `api_key:healthcare/old-batch` | not declared (pruning is on) |" in text


def test_table_escapes_pipes_and_backticks() -> None:
    change = update("guardrail", "guardrail:w/a|b`c", fc("x|y`z", 1, 2), workspace="w", reason="unused", name="a|b`c")
    rows = [line for line in render_markdown(make_plan([change])).splitlines() if line.startswith("| 🟡")]
    assert rows == ["| 🟡 update | ``guardrail:w/a\\|b`c`` | x\\|y\\`z |"]


def test_details_hold_the_full_diff(plan: Plan) -> None:
    text = render_markdown(plan)
    assert f"<details><summary>Full plan ({len(plan.changes)} changes)</summary>\n\n```diff\n# organization\n" in text
    assert "\n-/+ api_key:healthcare/intake-summarizer\n" in text
    assert "\n~ preset:healthcare/intake\n    # v3 → v4\n    system_prompt:\n" in text
    assert "\n-      Never include the patient's name.\n+      Never include names or MRNs.\n" in text
    assert '\n-       "openai"\n+       "google-vertex"\n' in text
    assert "\n- guardrail:research/legacy\n```\n\n</details>" in text


def test_prompt_with_backticks_gets_a_longer_fence() -> None:
    prompt = "Answer with:\n```json\n{}\n```"
    change = update("preset", "preset:w/p", fc("system_prompt", "old", prompt), workspace="w")
    text = render_markdown(make_plan([change]))
    assert "````diff\n" in text and "\n````\n" in text


def test_unmanaged_collapsed(plan: Plan) -> None:
    assert (
        "<details><summary>2 live objects are not managed by this config</summary>\n\n"
        "- `api_key:research/dashboard-key`: not declared in the config\n"
        "- `workspace:sandbox`: not declared in the config (2 keys, 0 guardrails, 0 presets)\n\n</details>"
    ) in render_markdown(plan)


def test_warnings_alert(plan: Plan) -> None:
    assert "> [!WARNING]\n> - guardrail:healthcare/phi-strict allows a provider without ZDR" in render_markdown(plan)


def test_empty_plan(empty_plan: Plan) -> None:
    assert render_markdown(empty_plan) == ""
    assert render_markdown(empty_plan, show_empty=True) == "**orctl plan:** no changes"


def test_a_plan_too_long_for_a_github_comment_drops_the_full_diff() -> None:

    prompt = "x" * 2_000
    changes = [
        Change(
            action="update",
            kind="preset",
            address=f"preset:ws/p{i}",
            workspace="ws",
            name=f"p{i}",
            fields=[FieldChange(field="system_prompt", before=prompt, after=prompt + "y")],
            details={"version_before": 1, "version_after": 2, "restores_version": None},
        )
        for i in range(60)
    ]
    plan = Plan(
        fingerprint="sha256:x",
        changes=changes,
        safety=SafetyFacts(managed_objects=60, deletes=0),
        config_digest="sha256:y",
        config={},
        config_base_dir=".",
    )
    text = render_markdown(plan)
    assert len(text) <= COMMENT_LIMIT
    assert TOO_LONG_NOTE in text
    assert "`preset:ws/p59`" in text  # the table of changes is kept


def _many_unmanaged_plan(count: int) -> Plan:
    changes = [update("api_key", "api_key:ws/ci", fc("limit", 5, 10))]
    unmanaged = [
        Unmanaged(kind="api_key", address=f"api_key:ws/customer-{i:06d}", reason="not declared in the config")
        for i in range(count)
    ]
    return make_plan(changes, unmanaged=unmanaged)


def test_every_unmanaged_object_too_long_for_a_comment_falls_back_to_counts() -> None:
    text = render_markdown(_many_unmanaged_plan(5_000), show_all_unmanaged=True)
    assert len(text) <= COMMENT_LIMIT
    assert text.count("<details>") == text.count("</details>")
    assert UNMANAGED_TOO_LONG_NOTE in text
    assert "- 5,000 `api_key` in workspace ws" in text  # the grouped list, with its count
    assert "`api_key:ws/ci`" in text  # the table of changes is kept
    assert text.endswith("</details>")


def test_every_unmanaged_object_listed_when_it_fits() -> None:
    text = render_markdown(_many_unmanaged_plan(100), show_all_unmanaged=True)
    assert "`api_key:ws/customer-000099`" in text
    assert UNMANAGED_TOO_LONG_NOTE not in text


def test_a_comment_still_too_long_ends_at_a_whole_section_with_a_note() -> None:
    warnings = [f"warning {i}: " + "w" * 200 for i in range(400)]  # 80,000 characters of warnings
    plan = make_plan([update("api_key", "api_key:ws/ci", fc("limit", 5, 10))], warnings=warnings)
    text = render_markdown(plan)
    assert len(text) <= COMMENT_LIMIT
    assert text.endswith(SECTIONS_LEFT_OUT_NOTE + "\n") or text.endswith(SECTIONS_LEFT_OUT_NOTE)
    assert text.count("<details>") == text.count("</details>")
    assert "warning 399" not in text  # no cut in the middle of a line
