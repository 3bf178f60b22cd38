"""The spend ceiling: the most a workspace can spend in one calendar month of OpenRouter credits
under its declared caps (docs/policy.md shows the arithmetic).

A key's ceiling is the smallest of its own cap and the budgets of the guardrails that apply to it
(guardrail budgets apply per key); a workspace's is the smallest of its budgets and the sum of its
keys' ceilings. Each cap is converted to a month as an upper bound (daily x 31, weekly x 6,
monthly and lifetime x 1). ``None`` means unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.model.resources import AccountState, ApiKey, Workspace
from openrouter_iac.policy.caps import MONTH_FACTOR, workspace_caps


@dataclass(frozen=True)
class WorkspaceCeiling:
    workspace: str
    before: float | None
    after: float | None
    """USD per month; a workspace that does not exist (yet, or any more) spends 0."""

    @property
    def changes(self) -> bool:
        return self.before != self.after


def key_ceiling(slug: str, workspace: Workspace, name: str, key: ApiKey) -> float | None:
    """The smallest monthly bound of the key's limit, its guardrail's and the default guardrail's
    budgets (the ``per_month`` of :func:`key_caps`' first caps, without making them: a plan runs
    this twice per key)."""
    if key.disabled:
        return 0.0
    bounds: list[float] = []
    if key.limit is not None:
        bounds.append(key.limit * MONTH_FACTOR[key.limit_reset or "lifetime"])
    guardrail = workspace.guardrails.get(key.guardrail) if key.guardrail else None
    for policy in (guardrail, workspace.default_guardrail):
        if policy is not None and policy.budget is not None:
            bounds.append(policy.budget.limit_usd * MONTH_FACTOR[policy.budget.reset])
    return min(bounds) if bounds else None


def workspace_ceiling(slug: str, workspace: Workspace) -> float | None:
    bounds = [cap.per_month for cap in workspace_caps(slug, workspace)]
    keys = [key_ceiling(slug, workspace, name, key) for name, key in workspace.keys.items()]
    # Keys that exist: a key created later (by a member, outside orctl) counts once it is live.
    if all(c is not None for c in keys):
        bounds.append(sum(c for c in keys if c is not None))
    return round(min(bounds), 2) if bounds else None


def ceilings(before: AccountState | None, after: AccountState) -> list[WorkspaceCeiling]:
    """One entry per workspace of either state (after's order first)."""
    known = before.workspaces if before is not None else {}
    slugs = list(after.workspaces) + [slug for slug in known if slug not in after.workspaces]
    out = []
    for slug in slugs:
        was = known.get(slug)
        now = after.workspaces.get(slug)
        out.append(
            WorkspaceCeiling(
                slug,
                workspace_ceiling(slug, was) if was is not None else 0.0,
                workspace_ceiling(slug, now) if now is not None else 0.0,
            )
        )
    return out
