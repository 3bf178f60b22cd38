"""Spending caps as comparable values: an amount, its period, and where it is declared.

Periods convert to one calendar month as an upper bound: a 31-day month holds 31 days and touches
up to six Monday-based weeks; a monthly cap counts once, and a lifetime cap can at most be spent
whole within one month.
"""

from __future__ import annotations

from dataclasses import dataclass

from openrouter_iac.model.enums import BudgetInterval
from openrouter_iac.model.positions import PathKey
from openrouter_iac.model.resources import ApiKey, GuardrailPolicy, Workspace

MONTH_FACTOR: dict[BudgetInterval, int] = {"daily": 31, "weekly": 6, "monthly": 1, "lifetime": 1}
"""How many times a cap of each period can be spent within one calendar month, at most."""

SPAN: dict[BudgetInterval, int] = {"daily": 1, "weekly": 2, "monthly": 3, "lifetime": 4}
"""Periods by length: a cap over a period may not exceed a cap over a period as long or longer."""

HIGH_KEY_LIMIT_USD = 1000.0
"""OpenRouter's security page flags keys with a limit of $1,000 or more."""


@dataclass(slots=True, unsafe_hash=True)  # never changed; not frozen: made per key, several times per plan
class Cap:
    """One spending cap that applies to a key or a workspace."""

    usd: float
    period: BudgetInterval
    layer: str
    """Who sets it, for people: `key limit`, `guardrail 'intake-cap' budget`, `workspace monthly budget`."""
    address: str
    """The object that declares it, e.g. `api_key:healthcare/intake`."""
    path: PathKey
    """Where in the config (for positions)."""

    @property
    def per_month(self) -> float:
        return self.usd * MONTH_FACTOR[self.period]

    def describe(self) -> str:
        return f"{self.layer} {money(self.usd)} {period_phrase(self.period)}"

    def bounds(self, other: Cap) -> bool:
        """Whether this cap is comparable with ``other`` as the outer one: same period or longer."""
        return SPAN[self.period] >= SPAN[other.period]


def money(usd: float) -> str:
    """`$40`, `$1,000`, `$2.50`."""
    return f"${usd:,.0f}" if float(usd).is_integer() else f"${usd:,.2f}"


def period_phrase(period: BudgetInterval) -> str:
    return (
        "over its lifetime"
        if period == "lifetime"
        else {"daily": "per day", "weekly": "per week"}.get(period, "per month")
    )


def key_cap(workspace: str, name: str, key: ApiKey) -> Cap | None:
    """The key's own limit (a limit with no reset is a lifetime cap)."""
    if key.limit is None:
        return None
    period: BudgetInterval = key.limit_reset or "lifetime"
    path = ("workspaces", workspace, "keys", name, "limit")
    return Cap(key.limit, period, "key limit", f"api_key:{workspace}/{name}", path)


def guardrail_cap(workspace: str, name: str | None, policy: GuardrailPolicy | None) -> Cap | None:
    """A guardrail's budget (``name`` None: the workspace default guardrail). It applies per key."""
    if policy is None or policy.budget is None:
        return None
    if name is None:
        return Cap(
            policy.budget.limit_usd,
            policy.budget.reset,
            "default guardrail budget",
            f"default_guardrail:{workspace}",
            ("workspaces", workspace, "default_guardrail", "budget"),
        )
    return Cap(
        policy.budget.limit_usd,
        policy.budget.reset,
        f"guardrail '{name}' budget",
        f"guardrail:{workspace}/{name}",
        ("workspaces", workspace, "guardrails", name, "budget"),
    )


def workspace_caps(slug: str, workspace: Workspace) -> list[Cap]:
    """The workspace's budgets, longest period first."""
    return [
        Cap(
            usd,
            interval,
            f"workspace {interval} budget",
            f"workspace:{slug}",
            ("workspaces", slug, "budgets", interval),
        )
        for interval, usd in workspace.budgets.as_dict().items()
    ]


def key_caps(slug: str, workspace: Workspace, name: str, key: ApiKey) -> list[Cap]:
    """Every cap that stops one key: its limit, its guardrail's and the default guardrail's budgets
    (checked per key), and the workspace budgets (shared by every key)."""
    guardrail = workspace.guardrails.get(key.guardrail) if key.guardrail else None
    caps = [
        key_cap(slug, name, key),
        guardrail_cap(slug, key.guardrail, guardrail) if key.guardrail else None,
        guardrail_cap(slug, None, workspace.default_guardrail),
    ]
    return [cap for cap in caps if cap is not None] + workspace_caps(slug, workspace)


def binding_cap(caps: list[Cap]) -> Cap | None:
    """The cap a burst of spending reaches first: the smallest amount (ties: the shorter period,
    then the innermost layer, which is listed first)."""
    return min(caps, key=lambda cap: (cap.usd, SPAN[cap.period])) if caps else None


def month_bound(caps: list[Cap]) -> Cap | None:
    """The cap that bounds a calendar month: the smallest monthly upper bound."""
    return min(caps, key=lambda cap: cap.per_month) if caps else None
