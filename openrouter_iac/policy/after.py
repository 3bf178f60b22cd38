"""The account as it will be once a plan is applied, for the "after" side of ceilings and explain.

Absent means not managed: a declared object keeps the live values of the settings the config
leaves out, and live objects the config does not declare stay unless the plan deletes them.
Workspace budgets are the live ones with the plan's budget changes applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from openrouter_iac.model.config import Config
from openrouter_iac.model.enums import BUDGET_ORDER
from openrouter_iac.model.payloads import BudgetWrite
from openrouter_iac.model.resources import AccountState, Budgets, GuardrailPolicy, Workspace
from openrouter_iac.plan.model import Plan

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=GuardrailPolicy)
CHILD_COLLECTIONS = {"guardrails": "guardrail", "keys": "api_key", "byok": "byok_key"}


def _merged(live: M | None, desired: M) -> M:
    """``desired``'s declared settings over ``live``'s."""
    if live is None:
        return desired
    return live.model_copy(update={name: getattr(desired, name) for name in desired.model_fields_set})


def _collection(
    slug: str, kind: str, declared: dict[str, Any], live: dict[str, Any], deleted: set[str]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    claimed: set[str] = set()
    for name, spec in declared.items():
        previous = [p for p in getattr(spec, "previous_names", []) if "/" not in p]
        match = next((candidate for candidate in [name, *previous] if candidate in live), None)
        if match is not None:
            claimed.add(match)
        out[name] = _merged(live.get(match) if match else None, spec)
    for name, spec in live.items():
        if name not in claimed and name not in declared and f"{kind}:{slug}/{name}" not in deleted:
            out[name] = spec
    return out


def _budgets(slug: str, live: Workspace | None, plan: Plan) -> Budgets:
    caps: dict[str, float] = {k: v for k, v in live.budgets.as_dict().items()} if live else {}
    for change in plan.changes:
        if change.kind != "workspace_budget" or change.workspace != slug or change.name is None:
            continue
        if change.action == "delete":
            caps.pop(change.name, None)
        elif isinstance(change.desired, BudgetWrite):
            caps[change.name] = change.desired.limit_usd
    return Budgets.model_construct(None, **{k: caps[k] for k in BUDGET_ORDER if k in caps})


def _workspace(slug: str, desired: Workspace, live: Workspace | None, plan: Plan, deleted: set[str]) -> Workspace:
    base = _merged(live, desired)
    update: dict[str, Any] = {"budgets": _budgets(slug, live, plan)}
    for collection, kind in CHILD_COLLECTIONS.items():
        update[collection] = _collection(
            slug, kind, getattr(desired, collection), getattr(live, collection) if live else {}, deleted
        )
    if live is not None and desired.default_guardrail is not None and live.default_guardrail is not None:
        update["default_guardrail"] = _merged(live.default_guardrail, desired.default_guardrail)
    elif live is not None and "default_guardrail" not in desired.model_fields_set:
        update["default_guardrail"] = live.default_guardrail
    return base.model_copy(update=update)


def state_after(config: Config, live: AccountState, plan: Plan) -> AccountState:
    deleted: set[str] = {str(change.address) for change in plan.changes if change.action == "delete"}
    desired = config.workspaces
    renamed = {old for workspace in desired.values() for old in workspace.previous_names}
    workspaces: dict[str, Workspace] = {}
    for slug, workspace in desired.items():
        match = next((s for s in [slug, *workspace.previous_names] if s in live.workspaces), None)
        workspaces[slug] = _workspace(slug, workspace, live.workspaces.get(match) if match else None, plan, deleted)
    for slug, workspace in live.workspaces.items():
        if slug not in desired and slug not in renamed and f"workspace:{slug}" not in deleted:
            workspaces[slug] = workspace
    return AccountState(organization=config.organization or live.organization, workspaces=workspaces)


def with_canonical_models(state: AccountState, canonical: Callable[[str], str]) -> AccountState:
    """``state`` with guardrail model lists in canonical slugs, as the API stores and returns them,
    so a configured state compares with a live one."""

    def fix(policy: P) -> P:
        update = {
            name: [canonical(slug) for slug in getattr(policy, name)]
            for name in ("allowed_models", "ignored_models")
            if getattr(policy, name) is not None
        }
        return policy.model_copy(update=update) if update else policy

    workspaces = {}
    for slug, workspace in state.workspaces.items():
        default = fix(workspace.default_guardrail) if workspace.default_guardrail is not None else None
        guardrails = {name: fix(guardrail) for name, guardrail in workspace.guardrails.items()}
        workspaces[slug] = workspace.model_copy(update={"default_guardrail": default, "guardrails": guardrails})
    return state.model_copy(update={"workspaces": workspaces})
