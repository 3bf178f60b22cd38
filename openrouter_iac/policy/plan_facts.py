"""The policy part of a plan: the config's lint findings and every workspace's spend ceiling,
before (the live account the plan was made from) and after (the state the plan leads to)."""

from __future__ import annotations

from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.model.config import Config
from openrouter_iac.model.positions import SourceMap
from openrouter_iac.model.resources import AccountState
from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.policy_facts import PlanPolicy, PolicyFinding, SpendCeiling
from openrouter_iac.policy.after import state_after
from openrouter_iac.policy.ceiling import ceilings
from openrouter_iac.policy.findings import Finding
from openrouter_iac.policy.live_caps import without_kept_live_caps
from openrouter_iac.policy.runner import lint


def plan_finding(finding: Finding) -> PolicyFinding:
    return PolicyFinding(
        rule=finding.rule,
        severity=finding.severity,
        message=finding.message,
        hint=finding.hint,
        objects=list(finding.objects),
        location=str(finding.position) if finding.position else None,
    )


def plan_policy(plan: Plan, config: Config, source_map: SourceMap | None, live: AccountState) -> PlanPolicy:
    report = lint(config, source_map)
    after = state_after(config, live, plan)
    return PlanPolicy(
        findings=[plan_finding(f) for f in without_kept_live_caps(report.findings, after)],
        spend_ceiling=[
            SpendCeiling(workspace=c.workspace, before_usd_per_month=c.before, after_usd_per_month=c.after)
            for c in ceilings(live, after)
        ],
    )


@paused_gc()  # findings and after-state models hold no cycles; the collector's passes over a big plan were a third
def with_policy(plan: Plan, config: Config, source_map: SourceMap | None, live: AccountState) -> Plan:
    return plan.model_copy(update={"policy": plan_policy(plan, config, source_map, live)})
