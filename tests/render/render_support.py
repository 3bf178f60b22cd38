"""Hand-built plans for the renderer tests: one change of every kind, every action, and the
awkward cases (a key rotation, a preset restoring an old version, a re-sent BYOK credential)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from openrouter_iac.plan.model import Change, FieldChange, Plan, SafetyFacts, Unmanaged

SECRET = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"  # fake, test-only
"""A secret-looking value that no renderer may ever print."""

OLD_PROMPT = "You summarise intake notes.\nNever include the patient's name.\nAnswer in English."
# The reasons the planner writes, word for word (test_render_fixture_reasons.py checks that a real
# plan says each of them, so the renderer tests never pin a string the builder does not produce).
REASON_KEY_REPLACE = "secret rotation: expires_at cannot change in place; consumers of the old key will break"
REASON_ROTATION_MARKER = "rotation marker changed: the write-only secret is sent again"
REASON_PRUNED = "not declared (pruning is on)"
REASON_UNMANAGED = "not declared in the config"
REASON_UNMANAGED_WORKSPACE = "not declared in the config (2 keys, 0 guardrails, 0 presets)"

NEW_PROMPT = "You summarise intake notes.\nNever include names or MRNs.\nAnswer in English.\nBe brief."


def fc(field: str, before: Any = None, after: Any = None, *, sensitive: bool = False) -> FieldChange:
    return FieldChange(field=field, before=before, after=after, sensitive=sensitive)


def make_plan(
    changes: list[Change] | None = None,
    *,
    unmanaged: list[Unmanaged] | None = None,
    warnings: list[str] | None = None,
    safety: SafetyFacts | None = None,
) -> Plan:
    changes = changes or []
    return Plan(
        orctl_version="0.1.0",
        fingerprint="sha256:live-fingerprint",
        changes=changes,
        unmanaged=unmanaged or [],
        warnings=warnings or [],
        safety=safety or SafetyFacts(managed_objects=20, deletes=sum(c.action == "delete" for c in changes)),
        config_digest="sha256:config-digest",
        config={"workspaces": {}},
        config_base_dir="/tmp/config",
    )


def summary(plan: Plan) -> str:
    """The plan's counts as the renderers word them: the full fixture grows with every new kind, so
    the tests of the wording take its counts from it instead of pinning them."""
    found = Counter(change.action for change in plan.changes)
    return ", ".join(f"{found[action]} to {action}" for action in ("create", "update", "replace", "delete"))


def every_change() -> list[Change]:
    """One change of every kind, and every action, in the order a planner would emit them."""
    hc = "healthcare"
    return [
        Change(
            action="update",
            kind="organization_settings",
            address="organization_settings:org",
            fields=[fc("filtered_model_catalog", False, True)],
        ),
        Change(
            action="create",
            kind="workspace",
            address=f"workspace:{hc}",
            workspace=hc,
            name=hc,
            fields=[
                fc("name", None, "Healthcare"),
                fc("description", None, "Clinical | intake"),
                fc("io_logging_sampling_rate", None, 0.25),
            ],
        ),
        Change(
            action="update",
            kind="workspace_members",
            address=f"workspace_members:{hc}",
            workspace=hc,
            fields=[fc("members", ["user_1", "user_2"], ["user_2", "user_3"])],
        ),
        Change(
            action="update",
            kind="workspace_budget",
            address=f"workspace_budget:{hc}/monthly",
            workspace=hc,
            name="monthly",
            fields=[fc("limit_usd", 50.0, 40.0)],
        ),
        Change(
            action="create",
            kind="default_guardrail",
            address=f"default_guardrail:{hc}",
            workspace=hc,
            fields=[
                fc("allowed_data_regions", None, ["europe"]),
                fc("zdr", None, {"anthropic": True, "openai": True}),
            ],
        ),
        Change(
            action="update",
            kind="guardrail",
            address=f"guardrail:{hc}/phi-strict",
            workspace=hc,
            name="phi-strict",
            fields=[
                fc("budget", {"limit_usd": 50.0, "reset": "monthly"}, {"limit_usd": 40.0, "reset": "monthly"}),
                fc("allowed_providers", ["amazon-bedrock", "openai"], ["amazon-bedrock", "google-vertex"]),
                fc("zdr", {"openai": False, "google": True}, {"openai": True, "google": False}),
                fc(
                    "content_filters",
                    [],
                    [{"pattern": r"\bMRN\d{6}\b", "action": "redact", "label": "[MRN]"}],
                ),
                fc("sensitive_info", {"email": "redact"}, {"email": "block", "ssn": "redact"}),
                fc("enable_free_model_training", True, False),
            ],
        ),
        Change(
            action="replace",
            kind="api_key",
            address=f"api_key:{hc}/intake-summarizer",
            workspace=hc,
            name="intake-summarizer",
            live_id="hash-intake",
            reason=REASON_KEY_REPLACE,
            rotation=True,
            fields=[fc("expires_at", "2026-06-30T00:00:00Z", "2027-06-30T00:00:00Z")],
        ),
        Change(
            action="update",
            kind="guardrail_assignment",
            address=f"guardrail_assignment:{hc}/triage-bot",
            workspace=hc,
            name="triage-bot",
            fields=[fc("guardrail", "baseline", "phi-strict")],
        ),
        Change(
            action="update",
            kind="preset",
            address=f"preset:{hc}/intake",
            workspace=hc,
            name="intake",
            fields=[fc("system_prompt", OLD_PROMPT, NEW_PROMPT), fc("parameters", {"temperature": 0.2}, {})],
            details={"version_before": 3, "version_after": 4, "restores_version": None},
        ),
        Change(
            action="update",
            kind="preset",
            address=f"preset:{hc}/triage",
            workspace=hc,
            name="triage",
            fields=[fc("model", "openai/gpt-5", "anthropic/claude-sonnet-4.6")],
            details={"version_before": 5, "version_after": 6, "restores_version": 2},
        ),
        Change(
            action="create",
            kind="preset",
            address=f"preset:{hc}/discharge",
            workspace=hc,
            name="discharge",
            fields=[fc("model", None, "anthropic/claude-sonnet-4.6"), fc("system_prompt", None, "Write it short.")],
            details={"version_before": None, "version_after": 1, "restores_version": None},
        ),
        Change(
            action="update",
            kind="byok_key",
            address=f"byok_key:{hc}/bedrock",
            workspace=hc,
            name="bedrock",
            rotation=True,
            reason=REASON_ROTATION_MARKER,
            fields=[fc("key", None, None, sensitive=True)],
        ),
        Change(
            action="create",
            kind="observability_destination",
            address=f"observability_destination:{hc}/langfuse",
            workspace=hc,
            name="langfuse",
            fields=[
                fc("type", None, "langfuse"),
                fc("config", None, {"publicKey": "pk-lf-1", "secretKey": "env:LANGFUSE_SECRET"}),
            ],
        ),
        Change(
            action="delete",
            kind="api_key",
            address=f"api_key:{hc}/old-batch",
            workspace=hc,
            name="old-batch",
            live_id="hash-old",
            reason=REASON_PRUNED,
        ),
        Change(
            action="delete",
            kind="guardrail",
            address="guardrail:research/legacy",
            workspace="research",
            name="legacy",
        ),
    ]


def full_plan() -> Plan:
    return make_plan(
        every_change(),
        unmanaged=[
            Unmanaged(kind="api_key", address="api_key:research/dashboard-key", reason=REASON_UNMANAGED),
            Unmanaged(kind="workspace", address="workspace:sandbox", reason=REASON_UNMANAGED_WORKSPACE),
        ],
        warnings=["guardrail:healthcare/phi-strict allows a provider without ZDR"],
        safety=SafetyFacts(
            managed_objects=20,
            deletes=2,
            rotations=["api_key:healthcare/intake-summarizer", "byok_key:healthcare/bedrock"],
        ),
    )
