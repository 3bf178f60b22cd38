"""Policy over the declared (and live) account: lint rules, effective policy, spend ceilings.

Pure: reads models, never the network. The CLI feeds it a config (and a live snapshot for the
"before" side of a plan); render/ turns its results into text, JSON and SARIF.
"""

from openrouter_iac.policy.ceiling import WorkspaceCeiling, ceilings, key_ceiling, workspace_ceiling
from openrouter_iac.policy.findings import Finding, Rule, Severity, Suppressed
from openrouter_iac.policy.live_rules import LiveKeyUse, idle_key_findings
from openrouter_iac.policy.rules import RULE_BY_ID, RULES
from openrouter_iac.policy.runner import LintReport, lint, utc_now

__all__ = [
    "RULES",
    "RULE_BY_ID",
    "Finding",
    "LintReport",
    "LiveKeyUse",
    "Rule",
    "Severity",
    "Suppressed",
    "WorkspaceCeiling",
    "ceilings",
    "idle_key_findings",
    "key_ceiling",
    "lint",
    "utc_now",
    "workspace_ceiling",
]
