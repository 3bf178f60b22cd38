"""Workspaces: the unit of budget, policy and keys, identified by slug. Deleting one removes
everything in it, so a plan lists (and apply deletes first) every dependent kind: every kind with
a `collection` or `settings` on the `Workspace` (derived in kinds/__init__.py, never listed here)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from openrouter_iac.kinds.base import ResourceKind, WriteContext
from openrouter_iac.model.names import WORKSPACE_SLUG
from openrouter_iac.model.resources import Budgets, Workspace
from openrouter_iac.model.wire import read_plain, write_plain


def write_body(context: WriteContext) -> dict[str, Any]:
    return body(context.spec(Workspace), context.name, context.changed)


KIND = ResourceKind(
    name="workspace",
    spec=Workspace,
    layer=1,
    phase="workspace",
    delete_phase="delete_workspace",
    singular="workspace",
    plural="workspaces",
    name_rule=WORKSPACE_SLUG,
    renamable=True,
    protectable=True,
    # dependents: every kind a workspace holds, derived by the table (kinds/__init__.py `IN_WORKSPACE`).
    writes="/workspaces",
    body=write_body,
    write_key="slug",
    creates_with=(("default_guardrail", "default_guardrail_id"),),  # the API makes it with the workspace
)


# Wire: the settings are plain fields (`Wire` on the model); budgets are read from their own list.


def from_api(raw: dict[str, Any], budgets: list[dict[str, Any]], include_byok: bool) -> Workspace:
    caps: dict[str, float] = {}
    for budget in budgets:
        interval = budget.get("reset_interval") or "lifetime"
        caps[interval] = float(budget["limit_usd"])
    return Workspace.model_validate(
        {
            **read_plain(Workspace, raw),
            "budgets": Budgets.model_construct(None, **caps),
            "include_byok_in_budgets": include_byok,
        }
    )


def body(spec: Workspace, slug: str | None = None, changed: Collection[str] = ()) -> dict[str, Any]:
    """A create or PATCH body; sending the slug carries out a rename."""
    out = write_plain(spec, creating=False, changed=changed)
    if slug is not None:
        out["slug"] = slug
    return out
