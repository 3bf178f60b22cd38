"""Drift: the plan's differences between config and account, classed, plus key hygiene.

The read and the diff are the plan's own (so drift and plan never disagree); this module only
sorts them: *changed* (live differs from the config), *missing* (declared, gone live) and
*unmanaged* (live, not declared). Key hygiene comes from live data a config cannot show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from openrouter_iac.drift.ignore import IgnoreEntry
from openrouter_iac.kinds import NAMED
from openrouter_iac.model.address import Address
from openrouter_iac.model.snapshot import LiveSnapshot
from openrouter_iac.plan.lifecycle import KeyExpiry, RetiringNote
from openrouter_iac.plan.model import Change, FieldChange, Plan
from openrouter_iac.plan.retiring import is_retiring_delete
from openrouter_iac.plan.targets import address_workspace, matches
from openrouter_iac.policy import LiveKeyUse, idle_key_findings

DriftClass = Literal["changed", "missing", "unmanaged"]
NAMED_KINDS = frozenset(kind.name for kind in NAMED) | {"workspace"}
NEAR_CAP = 0.1
"""A key is near its cap when less than this fraction of its limit remains."""
OUT_OF_SCOPE = "outside ownership.key_name_prefix"


@dataclass(frozen=True)
class Difference:
    drift: DriftClass
    address: str
    kind: str
    workspace: str | None
    action: str | None
    """What `orctl apply` would do to revert it (None for unmanaged objects apply leaves alone)."""
    fields: tuple[FieldChange, ...] = ()
    """`before` is the live value, `after` the config's."""
    updated_at: str | None = None
    reason: str | None = None
    observed: bool = False


@dataclass(frozen=True)
class HygieneNote:
    check: Literal["idle", "near-cap", "no-limit", "no-expiry"]
    address: str
    workspace: str | None
    message: str


@dataclass
class DriftReport:
    differences: list[Difference] = field(default_factory=list)
    ignored: list[tuple[Difference, IgnoreEntry]] = field(default_factory=list)
    expired: list[IgnoreEntry] = field(default_factory=list)
    """Ignore entries past their `until`: they no longer silence anything."""
    hygiene: list[HygieneNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    retiring: list[RetiringNote] = field(default_factory=list)
    """Old keys of rotations still enabled (not drift: orctl's own overlap, ended by a later apply)."""
    key_expiry: list[KeyExpiry] = field(default_factory=list)

    @property
    def drifted(self) -> bool:
        return bool(self.differences)

    def counts(self) -> dict[str, int]:
        found = {"changed": 0, "missing": 0, "unmanaged": 0}
        for difference in self.differences:
            found[difference.drift] += 1
        return found


def _class(change: Change) -> DriftClass:
    if change.action == "create":
        return "missing" if change.kind in NAMED_KINDS else "changed"
    if change.action == "delete" and change.kind in NAMED_KINDS and "not declared" in (change.reason or ""):
        return "unmanaged"
    return "changed"


def _updated_at(change: Change, live: LiveSnapshot) -> str | None:
    candidates = [change.live_id, live.ids.get(str(change.address))]
    if change.workspace and change.kind in ("workspace_budget", "workspace_members"):
        candidates.append(live.ids.get(f"workspace:{change.workspace}"))
    if change.kind == "guardrail_assignment" and change.workspace:
        candidates.append(live.ids.get(f"api_key:{change.workspace}/{change.name}"))
    return next((live.updated_at[c] for c in candidates if c and c in live.updated_at), None)


def _empty_default_workspace(address: Address, live: LiveSnapshot) -> bool:
    if address.kind != "workspace" or address.workspace is None or address.workspace != live.default_workspace:
        return False
    workspace = live.state.workspaces.get(address.workspace)
    return workspace is not None and not any(
        getattr(workspace, kind.collection) for kind in NAMED if kind.collection is not None
    )


def differences(plan: Plan, live: LiveSnapshot) -> list[Difference]:
    found = [
        Difference(
            drift=_class(change),
            address=str(change.address),
            kind=str(change.kind),
            workspace=change.workspace,
            action=str(change.action),
            fields=tuple(change.fields),
            updated_at=_updated_at(change, live),
            reason=change.reason,
            observed=change.observed,
        )
        for change in plan.changes
        if not is_retiring_delete(change)  # the end of an approved rotation, listed under retiring keys
    ]
    for item in plan.unmanaged:
        if OUT_OF_SCOPE in item.reason:
            continue  # outside what this config owns: not drift
        if _empty_default_workspace(item.address, live):
            continue  # every account has one and orctl never manages it: nothing in it, nothing drifted
        live_id = live.ids.get(str(item.address))
        found.append(
            Difference(
                drift="unmanaged",
                address=str(item.address),
                kind=str(item.kind),
                workspace=address_workspace(str(item.address)),
                action=None,
                updated_at=live.updated_at.get(live_id) if live_id else None,
                reason=item.reason,
            )
        )
    return found


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def hygiene(live: LiveSnapshot, *, now: datetime, targets: Sequence[str] = ()) -> list[HygieneNote]:
    """Idle keys (policy rule `key-idle`), keys near their cap, keys with no limit or no expiry."""
    notes: list[HygieneNote] = []
    uses: list[LiveKeyUse] = []
    for slug, workspace in live.state.workspaces.items():
        keys = [(name, live.ids.get(f"api_key:{slug}/{name}", ""), spec) for name, spec in workspace.keys.items()]
        for name in workspace.keys:
            keys.extend((name, h, s) for h, s in live.shadowed.get(f"api_key:{slug}/{name}", {}).items())
        for name, key_hash, spec in keys:
            address = f"api_key:{slug}/{name}"
            if spec.disabled or (targets and not matches(address, targets)):
                continue
            activity = live.key_activity.get(key_hash)
            if activity is not None:
                uses.append(
                    LiveKeyUse(
                        workspace=slug,
                        name=name,
                        created_at=_when(activity.created_at),
                        last_used_at=_when(activity.last_used_at),
                        usage_usd=activity.lifetime_usage,
                    )
                )
            if spec.limit is None:
                notes.append(HygieneNote("no-limit", address, slug, f"{address} has no credit limit"))
            elif activity is not None and activity.limit_remaining is not None and spec.limit > 0:
                left = activity.limit_remaining / spec.limit
                if left < NEAR_CAP:
                    period = f" this {spec.limit_reset.removesuffix('ly')}" if spec.limit_reset else ""
                    notes.append(
                        HygieneNote(
                            "near-cap",
                            address,
                            slug,
                            f"{address} is near its cap: ${activity.limit_remaining:g} of ${spec.limit:g} left{period}",
                        )
                    )
            if spec.expires_at is None:
                notes.append(HygieneNote("no-expiry", address, slug, f"{address} never expires"))
    for finding in idle_key_findings(uses, now=now):
        notes.append(HygieneNote("idle", finding.subject, address_workspace(finding.subject), finding.message))
    order = {"idle": 0, "near-cap": 1, "no-limit": 2, "no-expiry": 3}
    return sorted(notes, key=lambda n: (order[n.check], n.address))


def drift_report(
    plan: Plan,
    live: LiveSnapshot,
    *,
    ignore: Sequence[IgnoreEntry] = (),
    now: datetime | None = None,
) -> DriftReport:
    moment = now or datetime.now(UTC)
    today: date = moment.date()
    report = DriftReport(warnings=list(plan.warnings), retiring=list(plan.retiring), key_expiry=list(plan.key_expiry))
    active = [entry for entry in ignore if entry.active(today)]
    report.expired = [entry for entry in ignore if not entry.active(today)]
    for difference in differences(plan, live):
        entry = next((e for e in active if e.covers(difference.address)), None)
        if entry is not None:
            report.ignored.append((difference, entry))
        else:
            report.differences.append(difference)
    report.hygiene = hygiene(live, now=moment, targets=plan.targets)
    return report
