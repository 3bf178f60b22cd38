"""A saved plan is an approval, not an instruction: it is applied only if a fresh plan matches it.

Apply re-reads the config and the account, plans again, and compares. The fresh plan is what
gets executed, so nothing edited into a plan file (a safety fact, an added change, a sink path)
can widen what apply does; the comparison only decides whether the reviewed plan still holds.
"""

from __future__ import annotations

import json
from typing import Any

from openrouter_iac.errors import StalePlanError
from openrouter_iac.plan.model import Plan

# Fields that may differ without changing what apply does: the orctl that wrote the file, and
# where the checkout lived (a plan made in one CI job is applied in another), and how the
# config and account were named on the command line; the policy facts (lint findings, spend
# ceilings) are derived for display and cite file positions.
_IGNORED = frozenset({"orctl_version", "config_base_dir", "origin", "policy"})
# A change's `source` (file:line) is for the reader and depends on the directory orctl ran in.
_IGNORED_IN_CHANGES = frozenset({"source"})
_MAX_LISTED = 10


def plan_differences(saved: Plan, fresh: Plan) -> list[str]:
    """What differs between a saved plan and a fresh one (empty when they are the same)."""
    before, after = _comparable(saved), _comparable(fresh)
    problems: list[str] = []
    for name in sorted((before.keys() | after.keys()) - _IGNORED):
        if _canonical(before.get(name)) == _canonical(after.get(name)):
            continue
        if name == "changes":
            problems.extend(_change_differences(before.get("changes") or [], after.get("changes") or []))
        elif isinstance(before.get(name), dict) and isinstance(after.get(name), dict):
            paths = _dict_differences(before[name], after[name], name)
            problems.extend(f"{path} differs" for path in paths[:_MAX_LISTED])
            if len(paths) > _MAX_LISTED:
                problems.append(f"... and {len(paths) - _MAX_LISTED} more in {name}")
        else:
            problems.append(f"{name} differs")
    return problems


def check_saved_plan(saved: Plan, fresh: Plan, source: str) -> None:
    """Raise StalePlanError naming what differs, unless ``fresh`` is ``saved``."""
    problems = plan_differences(saved, fresh)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        raise StalePlanError(
            f"{source} does not match a fresh plan of the config and the account, so it was not applied "
            f"(nothing was written):\n{listed}",
            hint="run orctl plan again, review it, and apply the new plan file",
        )


def _comparable(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    data["changes"] = [
        {k: v for k, v in change.items() if k not in _IGNORED_IN_CHANGES} for change in data.get("changes") or []
    ]
    return data


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _change_differences(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    def keyed(changes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {f"{c.get('action')} {c.get('address')}": c for c in changes}

    old, new = keyed(before), keyed(after)
    problems = [f"change {k} is in the plan file but not in a fresh plan" for k in sorted(old.keys() - new.keys())]
    problems += [f"change {k} is in a fresh plan but not in the plan file" for k in sorted(new.keys() - old.keys())]
    problems += [
        f"change {k} differs ({', '.join(_dict_differences(old[k], new[k], '')[:3]) or 'content'})"
        for k in sorted(old.keys() & new.keys())
        if _canonical(old[k]) != _canonical(new[k])
    ]
    if not problems:
        problems.append("the changes are in another order")
    if len(problems) > _MAX_LISTED:
        problems = [*problems[:_MAX_LISTED], f"... and {len(problems) - _MAX_LISTED} more changes differ"]
    return problems


def _dict_differences(before: Any, after: Any, prefix: str) -> list[str]:
    """Dotted paths where two JSON values differ (the leaves, not their parents)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[str] = []
        for key in sorted(before.keys() | after.keys(), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in before or key not in after:
                found.append(path)
            elif _canonical(before[key]) != _canonical(after[key]):
                found.extend(_dict_differences(before[key], after[key], path))
        return found
    return [prefix or "(value)"]
