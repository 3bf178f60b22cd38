"""`--target` patterns that select nothing: the config declares no such object and the account
holds none, so the plan is empty and reads as "no changes" unless a warning says why."""

from __future__ import annotations

from collections.abc import Iterator

from openrouter_iac.kinds import KINDS
from openrouter_iac.model.address import Address
from openrouter_iac.model.config import Config
from openrouter_iac.plan.model import Plan
from openrouter_iac.plan.targets import matches


def _declared(config: Config) -> Iterator[str]:
    """Every address the config declares (the account always has its organization settings)."""
    yield Address.of("organization_settings")
    for slug, workspace in config.workspaces.items():
        for kind in KINDS:
            if kind.name == "workspace" or kind.settings:
                yield Address.of(kind.name, slug)
            if kind.collection is not None:
                for name in getattr(workspace, kind.collection):
                    yield Address.of(kind.name, slug, name)


def unmatched_targets(plan: Plan, config: Config) -> list[str]:
    """The plan's targets that select no change, no unmanaged object and nothing the config declares."""
    left = list(plan.targets)
    for address in (*(c.address for c in plan.changes), *(u.address for u in plan.unmanaged), *_declared(config)):
        if not left:
            break
        left = [target for target in left if not matches(address, [target])]
    return left


def with_unmatched_warnings(plan: Plan, config: Config) -> Plan:
    """``plan`` with a warning for each target that selects nothing."""
    unmatched = unmatched_targets(plan, config)
    if not unmatched:
        return plan
    said = [f"--target {target!r} matches nothing in the config or the account" for target in unmatched]
    return plan.model_copy(update={"warnings": [*plan.warnings, *said]})
