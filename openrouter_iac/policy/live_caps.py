"""`workspace-uncapped` where orctl reads the account (`plan`, `apply`): a workspace cap set live
that the config leaves out is still a cap. Absent means not managed, so the plan keeps it; only
`orctl lint`, which reads no account, cannot know it is there."""

from __future__ import annotations

from collections.abc import Sequence

from openrouter_iac.model.resources import AccountState
from openrouter_iac.policy.findings import Finding

RULE = "workspace-uncapped"


def _capped(after: AccountState, subject: str) -> bool:
    workspace = after.workspaces.get(subject.removeprefix("workspace:"))
    if workspace is None:
        return False
    default = workspace.default_guardrail
    return bool(workspace.budgets.as_dict()) or (default is not None and default.budget is not None)


def without_kept_live_caps(findings: Sequence[Finding], after: AccountState) -> list[Finding]:
    """``findings`` less the uncapped-workspace ones whose workspace keeps a cap after the plan
    (``after``: the account once the plan is applied)."""
    return [f for f in findings if not (f.rule == RULE and _capped(after, f.subject))]
