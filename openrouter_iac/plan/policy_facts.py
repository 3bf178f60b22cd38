"""What the policy layer adds to a plan: lint findings and each workspace's spend ceiling.

Plain data (computed by openrouter_iac.policy, shown by render/), kept in the plan so a saved plan
shows the same findings and ceilings as the plan that was reviewed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PolicyFinding(_Frozen):
    rule: str
    severity: Literal["error", "warning"]
    message: str
    hint: str
    objects: list[str] = Field(default_factory=list)
    location: str | None = None
    """`file:line:column` of the object in the config (None for a saved plan's config without positions)."""


class SpendCeiling(_Frozen):
    """The most a workspace can spend in one calendar month under its caps; None = unbounded."""

    workspace: str
    before_usd_per_month: float | None
    after_usd_per_month: float | None


class PlanPolicy(_Frozen):
    findings: list[PolicyFinding] = Field(default_factory=list)
    spend_ceiling: list[SpendCeiling] = Field(default_factory=list)

    @property
    def errors(self) -> list[PolicyFinding]:
        return [f for f in self.findings if f.severity == "error"]
