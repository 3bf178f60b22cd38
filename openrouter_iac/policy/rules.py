"""The built-in rules, in the order docs/policy.md lists them. Ids are stable (config refers to them)."""

from __future__ import annotations

from openrouter_iac.policy import rules_caps, rules_guardrails, rules_keys
from openrouter_iac.policy.findings import Rule

LINT_CONFIG = "lint-config"
"""The rule that reports a wrong `lint:` section; it cannot be switched off."""

RULES: tuple[Rule, ...] = (
    Rule(
        "workspace-uncapped",
        "error",
        "Every workspace has a cap: a budget, or a budget on its default guardrail.",
        rules_caps.workspace_uncapped,
    ),
    Rule("key-uncapped", "error", "Every key has a limit.", rules_keys.key_uncapped),
    Rule("key-no-reset", "warning", "A key's limit resets (daily, weekly or monthly).", rules_keys.key_no_reset),
    Rule("key-no-behavior", "error", "Every key declares the behavior it serves.", rules_keys.key_no_behavior),
    Rule("behavior-shared", "error", "No two keys serve the same behavior.", rules_keys.behavior_shared),
    Rule(
        "cap-cascade",
        "error",
        "A key's limit is at most its guardrails' budgets, which are at most the workspace budgets, over "
        "comparable periods.",
        rules_caps.cap_cascade,
    ),
    Rule(
        "caps-oversubscribed",
        "warning",
        "The keys' caps of a workspace add up to no more than its budget (per month).",
        rules_caps.caps_oversubscribed,
    ),
    Rule("key-no-expiry", "warning", "Every key has an expiry (OpenRouter risk flag).", rules_keys.key_no_expiry),
    Rule(
        "key-limit-high",
        "warning",
        "No key has a limit of $1,000 or more (OpenRouter risk flag).",
        rules_keys.key_limit_high,
    ),
    Rule(
        "key-expiry-far",
        "warning",
        "No key expires more than 365 days ahead (OpenRouter risk flag).",
        rules_keys.key_expiry_far,
    ),
    Rule("key-idle", "warning", "No key has been idle for 90 days (OpenRouter risk flag; live data, orctl drift)."),
    Rule(
        "key-max-lifetime",
        "error",
        "With `organization.max_key_lifetime`, every key expires within it (OpenRouter rejects the others).",
        rules_keys.key_max_lifetime,
    ),
    Rule(
        "prompt-injection-off",
        "error",
        "A workspace that `handles: [user_input]` has prompt-injection detection on.",
        rules_guardrails.prompt_injection_off,
    ),
    Rule(
        "sensitive-info-off",
        "error",
        "A workspace that `handles: [personal_data]` has sensitive-info detection on.",
        rules_guardrails.sensitive_info_off,
    ),
    Rule(
        "preset-not-allowed",
        "error",
        "A preset's models and provider routing are allowed by every guardrail of its publishing key.",
        rules_guardrails.preset_not_allowed,
    ),
    Rule(
        "byok-unrestricted",
        "warning",
        "In an account with several workspaces, a BYOK credential is restricted to named keys.",
        rules_guardrails.byok_unrestricted,
    ),
    Rule(LINT_CONFIG, "error", "The `lint:` section names known rules and declared objects."),
)

RULE_BY_ID = {rule.id: rule for rule in RULES}
