"""Which changes weaken policy (plan/weakening.py), rule by rule, from hand-made changes."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter_iac.plan.model import Action, Change, FieldChange, Kind, Plan, SafetyFacts
from openrouter_iac.plan.weakening import cap_raise_percent, plan_weakenings, weakening_reasons


def change(kind: Kind, *fields: tuple[str, Any, Any], action: Action = "update", name: str = "x") -> Change:
    workspace_level = kind in ("default_guardrail", "workspace")
    return Change(
        action=action,
        kind=kind,
        address=f"{kind}:hc" if workspace_level else f"{kind}:hc/{name}",
        workspace="hc",
        name=name,
        fields=[FieldChange(field=f, before=b, after=a) for f, b, a in fields],
    )


ZDR_ON = {"anthropic": True, "openai": True, "google": True, "xai": True, "other": True}


@pytest.mark.parametrize(
    ("the_change", "reasons"),
    [
        (
            change("default_guardrail", ("zdr", ZDR_ON, {**ZDR_ON, "openai": False, "xai": None})),
            ["ZDR turned off for openai, xai"],
        ),
        (change("default_guardrail", ("zdr", {"openai": False}, ZDR_ON)), []),
        (
            change("guardrail", ("allowed_providers", ["amazon-bedrock"], ["amazon-bedrock", "openai"])),
            ["allowed providers allowlist widened: added openai"],
        ),
        (
            change("guardrail", ("allowed_models", ["a/b", "c/d"], None)),
            ["allowed models allowlist removed (was only a/b, c/d): everything is allowed"],
        ),
        (change("guardrail", ("allowed_models", ["a/b", "c/d"], ["a/b"])), []),  # narrowed: stricter
        (change("guardrail", ("allowed_models", None, ["a/b"])), []),  # a new restriction
        (
            change("guardrail", ("ignored_providers", ["deepinfra", "together"], ["together"])),
            ["ignored providers list narrowed: removed deepinfra"],
        ),
        (
            change("default_guardrail", ("ignored_models", ["x/y"], None)),
            ["ignored models list removed (was x/y)"],
        ),
        (
            change("default_guardrail", ("enable_paid_model_training", False, True)),
            ["paid models that train on data allowed"],
        ),
        (
            change("default_guardrail", ("enable_free_model_publication", False, None)),
            ["free models that publish prompts no longer blocked (left to the account default)"],
        ),
        (change("default_guardrail", ("enable_free_model_training", True, False)), []),
        (
            change("guardrail", ("budget", {"limit_usd": 50, "reset": "monthly"}, None)),
            ["guardrail budget removed (was $50 monthly)"],
        ),
        (
            change(
                "guardrail", ("budget", {"limit_usd": 50, "reset": "monthly"}, {"limit_usd": 80, "reset": "monthly"})
            ),
            ["guardrail budget raised by 60% (more than 50%): $50 → $80"],
        ),
        (
            change(
                "guardrail", ("budget", {"limit_usd": 50, "reset": "monthly"}, {"limit_usd": 75, "reset": "monthly"})
            ),
            [],  # exactly 50% is within the threshold
        ),
        (change("api_key", ("limit", 20, None)), ["key credit cap removed (was $20)"]),
        (change("api_key", ("limit", 20, 25)), []),
        (change("api_key", ("limit", 20, 100.4)), ["key credit cap raised by 402% (more than 50%): $20 → $100.40"]),
        (
            change("workspace_budget", ("limit_usd", 500, None), action="delete", name="monthly"),
            ["monthly workspace budget removed (was $500)"],
        ),
        (
            change("workspace_budget", ("limit_usd", 500, 1000), name="monthly"),
            ["monthly workspace budget raised by 100% (more than 50%): $500 → $1,000"],
        ),
        (change("workspace_budget", ("limit_usd", None, 40), action="create", name="daily"), []),
        (
            change("guardrail_assignment", ("guardrail", "intake-cap", None), action="delete", name="bot"),
            ["guardrail 'intake-cap' unassigned from key 'bot'"],
        ),
        (change("guardrail_assignment", ("guardrail", None, "intake-cap"), action="create", name="bot"), []),
        (
            change(
                "guardrail",
                (
                    "content_filters",
                    [{"pattern": "MRN", "action": "block"}, {"pattern": "SSN", "action": "redact"}],
                    [{"pattern": "MRN", "action": "flag"}],
                ),
            ),
            ["content filter 'MRN' softened: block → flag", "content filter 'SSN' removed"],
        ),
        (
            change(
                "default_guardrail",
                ("sensitive_info", {"email": "redact", "ssn": "block"}, {"email": "flag"}),
            ),
            ["sensitive-info detector 'email' softened: redact → flag", "sensitive-info detector 'ssn' removed"],
        ),
        (
            change("default_guardrail", ("prompt_injection", {"action": "block", "scope": "user_only"}, None)),
            ["prompt-injection detection turned off"],
        ),
        (
            change(
                "default_guardrail",
                (
                    "prompt_injection",
                    {"action": "block", "scope": "all_messages"},
                    {"action": "flag", "scope": "user_only"},
                ),
            ),
            [
                "prompt-injection detection softened: block → flag",
                "prompt-injection detection now scans user messages only",
            ],
        ),
        (change("guardrail", action="delete"), ["guardrail deleted: its restrictions and caps no longer apply"]),
        (change("api_key", action="delete"), []),
        (
            change("byok_key", ("allowed_keys", ["a"], None)),
            ["keys allowed to use the credential allowlist removed (was only a): everything is allowed"],
        ),
        (
            change("observability_destination", ("privacy_mode", True, False)),
            ["privacy mode turned off: prompts and completions are sent to the destination"],
        ),
        (
            change("workspace", ("is_observability_io_logging_enabled", False, True)),
            ["input/output logging turned on"],
        ),
        # A create carries new restrictions, never weaker ones.
        (change("default_guardrail", ("enable_paid_model_training", None, True), action="create"), []),
    ],
)
def test_weakening_reasons(the_change: Change, reasons: list[str]) -> None:
    assert weakening_reasons(the_change) == reasons


def test_sensitive_fields_are_never_read() -> None:
    secret = Change(
        action="update",
        kind="byok_key",
        address="byok_key:hc/x",
        fields=[FieldChange(field="allowed_keys", before=["a"], after=None, sensitive=True)],
    )
    assert weakening_reasons(secret) == []


def plan_of(changes: list[Change], safety: dict[str, Any] | None = None) -> Plan:
    return Plan(
        fingerprint="sha256:f",
        changes=changes,
        safety=SafetyFacts(managed_objects=1, deletes=0),
        config_digest="sha256:c",
        config={"version": 1, **({"safety": safety} if safety is not None else {})},
        config_base_dir=".",
    )


def test_the_cap_raise_threshold_comes_from_the_plans_config() -> None:
    raise_60 = change("api_key", ("limit", 50, 80))
    assert cap_raise_percent(plan_of([])) == 50
    assert [reasons for _, reasons in plan_weakenings(plan_of([raise_60]))] == [
        ["key credit cap raised by 60% (more than 50%): $50 → $80"]
    ]
    assert plan_weakenings(plan_of([raise_60], {"weakening_cap_raise_percent": 75})) == []
    strict = plan_of([change("api_key", ("limit", 50, 51))], {"weakening_cap_raise_percent": 0})
    assert [reasons for _, reasons in plan_weakenings(strict)] == [
        ["key credit cap raised by 2% (more than 0%): $50 → $51"]
    ]
