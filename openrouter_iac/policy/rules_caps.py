"""Rules about caps between layers: every workspace is capped, caps nest (key <= guardrail <=
workspace over comparable periods), and the keys' caps of a workspace fit in its budget."""

from __future__ import annotations

from collections.abc import Iterator

from openrouter_iac.policy.caps import Cap, guardrail_cap, key_cap, money, workspace_caps
from openrouter_iac.policy.ceiling import key_ceiling
from openrouter_iac.policy.findings import Issue, LintContext
from openrouter_iac.policy.listing import bounded
from openrouter_iac.policy.walk import workspace_path


def workspace_uncapped(ctx: LintContext) -> Iterator[Issue]:
    for slug, workspace in ctx.config.workspaces.items():
        default = workspace.default_guardrail
        if workspace.budgets.as_dict() or (default is not None and default.budget is not None):
            continue
        yield Issue(
            f"workspace:{slug}",
            workspace_path(slug),
            f"workspace:{slug} has no cap: neither `budgets` nor a budget on its default guardrail",
            "set `budgets: {monthly: N}` (or `daily`/`weekly`/`lifetime`) on the workspace",
        )


def _inverted(inner: Cap, outers: list[Cap]) -> Cap | None:
    """The first outer cap (innermost layer first) that ``inner`` exceeds over a comparable period."""
    for outer in outers:
        if outer.bounds(inner) and inner.usd > outer.usd:
            return outer
    return None


def _cascade_issue(ctx: LintContext, inner: Cap, outer: Cap) -> Issue:
    return Issue(
        inner.address,
        inner.path,
        f"{inner.address}: {inner.describe()} is above the {outer.describe()} "
        f"({ctx.named(outer.address, outer.path)}), so it never binds",
        f"lower it to at most {money(outer.usd)}, or raise the {outer.layer} (a cap over a period may not "
        "exceed one over the same or a longer period)",
        (outer.address,),
    )


def cap_cascade(ctx: LintContext) -> Iterator[Issue]:
    for slug, workspace in ctx.config.workspaces.items():
        budgets = workspace_caps(slug, workspace)
        default = guardrail_cap(slug, None, workspace.default_guardrail)
        guardrail_caps: dict[str, Cap] = {}
        if default is not None and (outer := _inverted(default, budgets)) is not None:
            yield _cascade_issue(ctx, default, outer)
        for name, guardrail in workspace.guardrails.items():
            named = guardrail_cap(slug, name, guardrail)
            if named is None:
                continue
            guardrail_caps[name] = named
            if (outer := _inverted(named, budgets)) is not None:
                yield _cascade_issue(ctx, named, outer)
        for name, key in workspace.keys.items():
            own = key_cap(slug, name, key)
            if own is None:
                continue
            outers = [c for c in (guardrail_caps.get(key.guardrail or ""), default) if c is not None] + budgets
            if (outer := _inverted(own, outers)) is not None:
                yield _cascade_issue(ctx, own, outer)


def caps_oversubscribed(ctx: LintContext) -> Iterator[Issue]:
    account = ctx.account
    for slug, workspace in account.workspaces.items():
        budgets = workspace_caps(slug, workspace)
        if not budgets:
            continue
        bound = min(budgets, key=lambda cap: cap.per_month)
        parts = {
            f"api_key:{slug}/{name}": key_ceiling(slug, workspace, name, key) for name, key in workspace.keys.items()
        }
        if len(parts) < 2 or any(c is None for c in parts.values()):
            continue  # one key is the cascade rule's business; an uncapped key is key-uncapped's
        total = sum(c for c in parts.values() if c is not None)
        if total <= bound.per_month:
            continue
        # Largest caps first (config order among equals): the keys a reviewer would lower.
        largest = sorted(parts.items(), key=lambda item: -(item[1] or 0))
        listed = bounded([f"{address} {money(c or 0)}" for address, c in largest], "key")
        yield Issue(
            f"workspace:{slug}",
            bound.path,
            f"workspace:{slug}: the caps of its {len(parts):,} keys add up to {money(total)} per month ({listed}), "
            f"beyond its {bound.layer} ({money(bound.per_month)} per month): the budget, not the keys, "
            "decides which behavior stops",
            "lower the keys' caps or raise the budget (periods are converted to a month: daily x 31, weekly x 6)",
            tuple(parts),
        )
