"""The stable, documented JSON plan for machines (`orctl plan --json`).

Keys come in a fixed order and values are canonicalised (mapping keys sorted), so the same plan
always renders to the same bytes. Changes keep the plan's order, which is apply's order. Adding
keys is a minor version bump of ``JSON_FORMAT_VERSION``; renaming or removing one is a major one.
This is not the plan file written by `--out` (that is the Plan model itself).
"""

from __future__ import annotations

from typing import Any

from openrouter_iac.plan.model import Change, FieldChange, Plan, SafetyFacts, Unmanaged
from openrouter_iac.plan.weakening import cap_raise_percent, weakening_reasons
from openrouter_iac.render.json_text import dumps_indented
from openrouter_iac.render.lifecycle import expiry_json, retiring_json
from openrouter_iac.render.policy_plan import json_policy
from openrouter_iac.render.summary import summary_counts
from openrouter_iac.render.values import SENSITIVE, canonical

JSON_FORMAT_VERSION = "1.3"
"""1.1 added `safety.emptied_scopes`, and `weakens_policy` and `weakening_reasons` on each change;
1.2 added `policy_findings` and `spend_ceiling`; 1.3 added `paths` on each field (where inside a
nested value it differs), `retiring` and `key_expiry`."""


def render_json(plan: Plan) -> str:
    """The plan as indented JSON (2 spaces), without a trailing newline."""
    percent = cap_raise_percent(plan)
    document = {
        "format_version": JSON_FORMAT_VERSION,
        "orctl_version": plan.orctl_version,
        "fingerprint": plan.fingerprint,
        "changes": [_change(change, weakening_reasons(change, cap_raise_percent=percent)) for change in plan.changes],
        "summary": summary_counts(plan),
        "unmanaged": [_unmanaged(item) for item in plan.unmanaged],
        "warnings": list(plan.warnings),
        "safety": _safety(plan.safety),
        **json_policy(plan),
        "retiring": retiring_json(plan.retiring),
        "key_expiry": expiry_json(plan.key_expiry),
    }
    # json.dumps(indent=2, ensure_ascii=False, default=str), faster: plans hold JSON values only;
    # an odd value is printed, not a crash mid-pipeline.
    return dumps_indented(document)


def _change(change: Change, weakening: list[str]) -> dict[str, Any]:
    return {
        "action": change.action,
        "kind": change.kind,
        "address": change.address,
        "workspace": change.workspace,
        "name": change.name,
        "layer": change.layer,
        "reason": change.reason,
        "rotation": change.rotation,
        "fields": [_field(field, deleting=change.action == "delete") for field in change.fields],
        "details": canonical(change.details.as_json()),
        "weakens_policy": bool(weakening),
        "weakening_reasons": weakening,
        "observed": change.observed,
    }


def _field(field: FieldChange, *, deleting: bool) -> dict[str, Any]:
    before, after = canonical(field.before), canonical(field.after)
    if field.sensitive:
        # Never a value, whatever the planner put there. A sensitive field is one whose value is
        # written, so `after` is "(sensitive)" even though the plan itself holds no value.
        before = None if before is None else SENSITIVE
        after = None if after is None and deleting else SENSITIVE
    paths = [
        # A sensitive field has no value to show, at any depth.
        {"path": place.path, "before": SENSITIVE, "after": SENSITIVE}
        if field.sensitive
        else {"path": place.path, "before": canonical(place.before), "after": canonical(place.after)}
        for place in field.paths
    ]
    return {"field": field.field, "before": before, "after": after, "sensitive": field.sensitive, "paths": paths}


def _unmanaged(item: Unmanaged) -> dict[str, Any]:
    return {"kind": item.kind, "address": item.address, "reason": item.reason}


def _safety(safety: SafetyFacts) -> dict[str, Any]:
    return {
        "managed_objects": safety.managed_objects,
        "deletes": safety.deletes,
        "rotations": list(safety.rotations),
        "protected_hits": list(safety.protected_hits),
        "empty_config_against_populated_scope": safety.empty_config_against_populated_scope,
        "emptied_scopes": list(safety.emptied_scopes),
        "max_delete_fraction": safety.max_delete_fraction,
        "min_objects_for_fraction": safety.min_objects_for_fraction,
        "delete_fraction_exceeded": safety.delete_fraction_exceeded,
    }
