"""The diff: desired config + live snapshot → an ordered, immutable :class:`Plan`. Pure: no I/O.

Objects are matched by natural keys (workspace slug, names within a workspace; `previous_names`
turn a rename into an update). Changes come out in dependency order: organization, workspaces,
their budgets and default guardrails, guardrails, keys, key-to-guardrail assignments, BYOK and
observability, presets; then deletions in reverse (a workspace only after its keys).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from openrouter_iac.errors import AmbiguityError
from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.kinds import BY_NAME, PHASES, PRUNABLE, WORKSPACE_FIELDS
from openrouter_iac.model.address import Address
from openrouter_iac.model.config import Config
from openrouter_iac.model.destination_config import comparable_config
from openrouter_iac.model.enums import BUDGET_ORDER
from openrouter_iac.model.payloads import AssignmentWrite, BudgetWrite, MembersWrite
from openrouter_iac.model.positions import SourceMap
from openrouter_iac.model.resources import ApiKey, GuardrailPolicy, OrganizationSettings, Preset, Workspace
from openrouter_iac.model.snapshot import LiveSnapshot, OrphanKey
from openrouter_iac.model.traits import IMMUTABLE, has
from openrouter_iac.plan import checks, expiry, retiring
from openrouter_iac.plan.budgets import budget_steps
from openrouter_iac.plan.global_byok import global_credentials
from openrouter_iac.plan.graph import order_changes
from openrouter_iac.plan.model import Action, Change, FieldChange, Kind, Plan, Unmanaged
from openrouter_iac.plan.normalize import field_changes, normalize, plainly_equal
from openrouter_iac.plan.ownership import declared, effective, effective_value
from openrouter_iac.plan.targets import mark_observed, matches, select_changes, select_unmanaged

SECURED_FIRST = "made with the key's create: the key is under its guardrail before its secret is delivered"
ORPHAN_REASON = "orphan: an interrupted apply created this key but never stored its secret; a new key replaces it"

S = TypeVar("S", bound=BaseModel)

_NO_GUARDRAIL = frozenset({"guardrail"})
"""Not diffed on a key: its assignment is a change of its own."""
_NOTHING: frozenset[str] = frozenset()


_COUNTED = (("keys", "api_key", "key"), ("guardrails", "guardrail", "guardrail"), ("presets", "preset", "preset"))
"""What an unmanaged workspace's line counts: collection, kind, noun."""


@dataclass
class _Builder:
    config: Config
    live: LiveSnapshot
    source_map: SourceMap | None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    phases: dict[str, list[Change]] = field(default_factory=lambda: {phase: [] for phase in PHASES})
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    managed_objects: int = 0
    moves: dict[Address, tuple[str, str]] = field(default_factory=dict)
    """Live key address → (workspace, name) of the declared key it moves to (`previous_names: [ws/name]`)."""
    bindings: dict[str, str] = field(default_factory=dict)
    """Declared address → the live id it was matched to (by `id:`, name or previous name)."""
    bound_names: dict[tuple[str, str], str] = field(default_factory=dict)
    """(kind, live id) → the declared name it was matched to, to read live references in config names."""
    ref_names: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """:meth:`live_ref`'s answers (20,000 keys name 50 guardrails), until ``bound_names`` grows."""
    lost_pins: list[str] = field(default_factory=list)
    """Declared addresses pinned with `id:` to a live object that no longer exists."""

    # ------------------------------------------------------------ helpers

    def add(self, phase: str, change: Change) -> None:
        self.phases[phase].append(change)

    def source(self, path: tuple[str | int, ...]) -> str | None:
        if self.source_map is None:
            return None
        position = self.source_map.key_position(path)
        return str(position) if position else None

    def prune(self, workspace: Workspace) -> bool:
        return workspace.prune if workspace.prune is not None else self.config.ownership.prune

    def live_id(self, address: str) -> str | None:
        if address in self.live.duplicates:
            ids = ", ".join(self.live.duplicates[address])
            raise AmbiguityError(
                f"{address}: {len(self.live.duplicates[address])} live objects have this name (ids {ids})",
                hint="pin each declared one to its live object with `id:` (`orctl export` writes them), "
                "or rename or delete all but one of them in OpenRouter, then plan again",
            )
        return self.live.ids.get(address)

    def match(
        self, declared: str, previous: list[str], live_items: Mapping[str, S], address_of: Any
    ) -> tuple[str | None, S | None]:
        """The live name and object a declared object corresponds to (by name, then previous names)."""
        for candidate in [declared, *previous]:
            if candidate in live_items:
                self.live_id(address_of(candidate))  # raises on ambiguity
                return candidate, live_items[candidate]
        return None, None

    # ------------------------------------------------------------ organization and workspaces

    def organization(self) -> None:
        desired = self.config.organization
        if desired is None:
            return  # not managed; a setting it leaves out keeps its live value
        live = self.live.state.organization or OrganizationSettings()
        target = effective(desired, live)  # every setting, as the singleton's PATCH sends them
        fields = field_changes(normalize(live, None), normalize(target, None), OrganizationSettings)
        if fields:
            self.add(
                "organization",
                Change(
                    action="update",
                    kind="organization_settings",
                    address="organization_settings",
                    fields=fields,
                    desired=target,
                    source=self.source(("organization",)),
                ),
            )

    def workspaces(self) -> None:
        live_workspaces = self.live.state.workspaces
        self.moves = self.key_moves()
        claimed: set[str] = set()
        for slug, desired in self.config.workspaces.items():
            pinned = desired.id
            if pinned is not None:
                live_slug = next((s for s in live_workspaces if self.live.ids.get(f"workspace:{s}") == pinned), None)
                live = live_workspaces[live_slug] if live_slug is not None else None
                if live_slug is None:
                    self.lost_pins.append(Address.of("workspace", slug))
            else:
                live_slug, live = self.match(
                    slug, desired.previous_names, live_workspaces, lambda s: Address.of("workspace", s)
                )
            if live_slug is not None:
                claimed.add(live_slug)
                self.bindings[f"workspace:{slug}"] = self.live.ids.get(f"workspace:{live_slug}", "")
            self.workspace(slug, desired, live_slug, live)
        for slug, live in live_workspaces.items():
            if slug in claimed:
                continue
            if self.config.ownership.prune_workspaces and self.live.default_unknown:
                self.warnings.append(  # one of them may be the default workspace: never deleted
                    f"workspace:{slug}: not pruned: the default workspace could not be recognised"
                )
            if (
                self.config.ownership.prune_workspaces
                and not self.live.default_unknown
                and (slug != self.live.default_workspace)
            ):
                self.delete_workspace(slug, live)
            else:
                counts = self.contents(slug, live)
                reason = (
                    "the default workspace is never managed"
                    if slug == self.live.default_workspace
                    else ("not declared in the config")
                )
                self.unmanaged.append(
                    Unmanaged(kind="workspace", address=Address.of("workspace", slug), reason=f"{reason} ({counts})")
                )

    def contents(self, slug: str, live: Workspace) -> str:
        """`2 keys, 1 guardrail, 0 presets`: every live object, those sharing a name included."""
        parts = []
        for collection, kind, noun in _COUNTED:
            prefix = f"{kind}:{slug}/"
            shadowed = sum(len(ids) - 1 for address, ids in self.live.duplicates.items() if address.startswith(prefix))
            count = len(getattr(live, collection)) + shadowed
            parts.append(f"{count} {noun if count == 1 else noun + 's'}")
        return ", ".join(parts)

    def delete_orphan(self, slug: str, orphan: OrphanKey, reason: str) -> None:
        """Delete a key an interrupted apply left under its provisional name."""
        self.managed_objects += 1
        self.add(
            "delete_api_key",
            Change(
                action="delete",
                kind="api_key",
                address=Address.of("api_key", slug, orphan.name),
                workspace=slug,
                name=orphan.name,
                live_id=orphan.key_hash,
                reason=reason,
            ),
        )

    def key_moves(self) -> dict[Address, tuple[str, str]]:
        """Keys declared in one workspace with a previous name in another that exists live."""
        moves: dict[Address, tuple[str, str]] = {}
        for slug, workspace in self.config.workspaces.items():
            for name, key in workspace.keys.items():
                for previous in key.previous_names:
                    old_slug, _, old_name = previous.rpartition("/")
                    old_ws = self.live.state.workspaces.get(old_slug)
                    if old_slug and old_slug != slug and old_ws is not None and old_name in old_ws.keys:
                        moves[Address.of("api_key", old_slug, old_name)] = (slug, name)
        return moves

    def workspace(self, slug: str, desired: Workspace, live_slug: str | None, live: Workspace | None) -> None:
        address = Address.of("workspace", slug)
        settings_only = WORKSPACE_FIELDS
        target = effective(desired, live, skip=settings_only)
        after = normalize(target, None, drop=settings_only)
        before = normalize(live, None, drop=settings_only) if live else None
        fields = field_changes(before, after)
        if live_slug is not None and live_slug != slug:
            fields.insert(0, FieldChange(field="slug", before=live_slug, after=slug))
        if live is None:
            self.add(
                "workspace",
                Change(
                    action="create",
                    kind="workspace",
                    address=address,
                    workspace=slug,
                    name=slug,
                    fields=[FieldChange(field="slug", after=slug), *declared_fields(desired, fields)],
                    desired=_settings(desired),
                    reason=lost_pin_reason(desired) if address in self.lost_pins else None,
                    source=self.source(("workspaces", slug)),
                ),
            )
        else:
            self.managed_objects += 1
            if fields:
                self.add(
                    "workspace",
                    Change(
                        action="update",
                        kind="workspace",
                        address=address,
                        workspace=slug,
                        name=slug,
                        fields=fields,
                        live_id=self.live_id(Address.of("workspace", live_slug)),
                        desired=_settings(target),
                        reason=f"renamed from '{live_slug}'" if live_slug != slug else None,
                        details={"renamed_from": live_slug} if live_slug != slug else {},
                        source=self.source(("workspaces", slug)),
                    ),
                )
        empty = Workspace(name=desired.name)
        current = live or empty
        self.members(slug, desired, current)
        self.budgets(slug, desired, current)
        self.default_guardrail(slug, desired, live)
        self.children(slug, desired, current)
        self.presets(slug, desired)

    def members(self, slug: str, desired: Workspace, live: Workspace) -> None:
        if "members" not in desired.model_fields_set:
            return  # not managed; `members: []` (or null) removes every member
        want, have = set(desired.members or []), set(live.members or [])
        if want == have:
            return
        self.add(
            "members",
            Change(
                action="update",
                kind="workspace_members",
                address=Address.of("workspace_members", slug),
                workspace=slug,
                name=slug,
                fields=[FieldChange(field="members", before=sorted(have), after=sorted(want))],
                desired=MembersWrite(members=sorted(want)),
                details={"add": sorted(want - have), "remove": sorted(have - want)},
                source=self.source(("workspaces", slug, "members")),
            ),
        )

    def budgets(self, slug: str, desired: Workspace, live: Workspace) -> None:
        have: dict[str, float] = {k: v for k, v in live.budgets.as_dict().items()}
        want = dict(have)
        if "budgets" in desired.model_fields_set:
            # `budgets: {}` / `budgets: null` remove every cap; otherwise only the intervals listed count.
            listed = desired.budgets.model_fields_set or frozenset(BUDGET_ORDER)
            for interval in listed:
                want.pop(interval, None)
            want.update({k: v for k, v in desired.budgets.as_dict().items() if k in listed})
            want = {k: want[k] for k in BUDGET_ORDER if k in want}
        flag_managed = "include_byok_in_budgets" in desired.model_fields_set
        flag_differs = flag_managed and desired.include_byok_in_budgets != live.include_byok_in_budgets
        steps = budget_steps(have, want, slug)
        if flag_differs and want and not any(cap is not None for _, cap in steps):
            widest = next(iter(want))
            steps.append((widest, want[widest]))
        if flag_differs and not want:
            self.warnings.append(
                f"workspace '{slug}': include_byok_in_budgets can only be set together with a budget; it is left as is"
            )
        for interval, cap in steps:
            address = Address.of("workspace_budget", slug, interval)
            flag_change = (
                [
                    FieldChange(
                        field="include_byok_in_budgets",
                        before=live.include_byok_in_budgets,
                        after=desired.include_byok_in_budgets,
                    )
                ]
                if flag_differs
                else []
            )
            if cap is None:
                self.add(
                    "budgets",
                    Change(
                        action="delete",
                        kind="workspace_budget",
                        address=address,
                        workspace=slug,
                        name=interval,
                        fields=[FieldChange(field="limit_usd", before=have[interval])],
                    ),
                )
                continue
            action: Action = "update" if interval in have else "create"
            self.add(
                "budgets",
                Change(
                    action=action,
                    kind="workspace_budget",
                    address=address,
                    workspace=slug,
                    name=interval,
                    fields=[FieldChange(field="limit_usd", before=have.get(interval), after=cap), *flag_change]
                    if have.get(interval) != cap
                    else flag_change,
                    desired=BudgetWrite(
                        limit_usd=cap,
                        include_byok_in_budgets=desired.include_byok_in_budgets
                        if flag_managed
                        else live.include_byok_in_budgets,
                    ),
                    source=self.source(("workspaces", slug, "budgets", interval)),
                ),
            )

    def default_guardrail(self, slug: str, desired: Workspace, live: Workspace | None) -> None:
        if "default_guardrail" not in desired.model_fields_set:
            return  # not managed; `default_guardrail: null` (or {}) clears its policy
        catalogue = self.live.catalogue
        declared_policy = desired.default_guardrail or GuardrailPolicy()
        current = live.default_guardrail if live else None
        # null: every field back to its default; a mapping: the fields it writes.
        target = declared_policy if desired.default_guardrail is None else effective(declared_policy, current)
        after = normalize(target, catalogue)
        before = normalize(current, catalogue) if current else None
        fields = field_changes(before, after)
        if current is not None and not fields:
            return
        if current is None:
            fields = declared_fields(declared_policy, fields)
            if not fields:
                return  # no policy live and none declared
        self.add(
            "default_guardrail",
            Change(
                action="update" if current is not None else "create",
                kind="default_guardrail",
                address=Address.of("default_guardrail", slug),
                workspace=slug,
                name="default",
                fields=fields,
                live_id=self.live.ids.get(Address.of("default_guardrail", slug)),
                desired=target,
                source=self.source(("workspaces", slug, "default_guardrail")),
            ),
        )

    # ------------------------------------------------------------ guardrails, keys, BYOK, observability

    def children(self, slug: str, desired: Workspace, live: Workspace) -> None:
        orphans = [o for o in self.live.orphans if o.workspace == slug]
        for resource in PRUNABLE:
            collection, kind = resource.collection or "", resource.name
            declared: dict[str, Any] = getattr(desired, collection)
            live_items: dict[str, Any] = getattr(live, collection)
            if kind == "api_key":
                live_items = self.undo_interrupted_retire(slug, declared, self.scoped_keys(slug, live_items), orphans)
            candidates = self.live_objects(kind, slug, live_items)
            matched = self.match_children(kind, slug, declared, candidates)
            for name, spec in declared.items():
                live_name, live_id, live_spec = matched.get(name, (None, None, None))
                if live_id is not None:
                    self.managed_objects += 1
                self.child(slug, collection, kind, name, spec, live_name, live_spec, orphans, live_id)
            claimed = {live_id for _, live_id, _ in matched.values()}
            for name, live_id, live_spec in candidates:
                if live_id in claimed:
                    continue
                address = Address.of(kind, slug, name)
                if address in self.moves:
                    continue
                if self.prune(desired):
                    self.managed_objects += 1
                    self.delete_child(
                        slug, kind, name, live_spec, reason="not declared (pruning is on)", live_id=live_id
                    )
                else:
                    self.unmanaged.append(Unmanaged(kind=kind, address=address, reason="not declared in the config"))
        for orphan in orphans:
            if orphan.name not in desired.keys or orphan.name in live.keys:
                self.delete_orphan(slug, orphan, "orphan: created by an interrupted apply, its secret was never stored")

    def live_objects(self, kind: Kind, slug: str, live_items: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
        """Every live object of a collection as (name, live id, spec), duplicated names included."""
        ids, shadowed = self.live.ids, self.live.shadowed
        found = [(name, ids.get(f"{kind}:{slug}/{name}", ""), spec) for name, spec in live_items.items()]
        if not shadowed:
            return found
        with_shadowed = []
        for entry in found:
            with_shadowed.append(entry)
            others = shadowed.get(f"{kind}:{slug}/{entry[0]}", {})
            with_shadowed.extend((entry[0], live_id, other) for live_id, other in others.items())
        return with_shadowed

    def match_children(
        self, kind: Kind, slug: str, declared: Mapping[str, Any], candidates: list[tuple[str, str, Any]]
    ) -> dict[str, tuple[str, str, Any]]:
        """Declared name → the live (name, id, spec) it is: by pinned `id:` first, then by name and
        previous names among the objects no pin has taken."""
        pinned = [(name, spec) for name, spec in declared.items() if spec.id is not None]
        by_id = {live_id: (name, live_id, spec) for name, live_id, spec in candidates} if pinned else {}
        matched: dict[str, tuple[str, str, Any]] = {}
        for name, spec in pinned:
            if spec.id in by_id:
                matched[name] = by_id[spec.id]
            else:
                self.lost_pins.append(f"{kind}:{slug}/{name}")
        taken = {live_id for _, live_id, _ in matched.values()}
        by_name: dict[str, list[tuple[str, str, Any]]] = {}  # one pass: 20,000 keys must not be n²
        for c in candidates:
            same = by_name.get(c[0])
            if same is None:
                by_name[c[0]] = [c]
            else:
                same.append(c)
        for name, spec in declared.items():
            if spec.id is not None:
                continue
            for candidate in (name, *spec.previous_names) if spec.previous_names else (name,):
                found = by_name.get(candidate)
                if found is None:
                    continue
                if len(found) == 1:  # the common case: one live object of that name
                    if found[0][1] not in taken:
                        matched[name] = found[0]
                        taken.add(found[0][1])
                        break
                    continue
                free = [c for c in found if c[1] not in taken]
                if len(free) > 1:
                    address = f"{kind}:{slug}/{candidate}"
                    ids = ", ".join(c[1] for c in free)
                    raise AmbiguityError(
                        f"{address}: {len(free)} live objects have this name (ids {ids})",
                        hint="pin each declared one to its live object with `id:` (`orctl export` writes them), "
                        "or rename or delete all but one of them in OpenRouter, then plan again",
                    )
                if free:
                    matched[name] = free[0]
                    taken.add(free[0][1])
                    break
        bindings, bound_names = self.bindings, self.bound_names
        for name, (_, live_id, _) in matched.items():
            bindings[f"{kind}:{slug}/{name}"] = live_id
            bound_names[(kind, live_id)] = name
        self.ref_names.clear()
        return matched

    def live_ref(self, kind: Kind, slug: str, ref: str) -> str:
        """A live reference (a name, or `id:`/`hash:` where the name is shared) in config names."""
        known = self.ref_names.get((kind, slug, ref))
        if known is not None:
            return known
        prefix, _, rest = ref.partition(":")
        live_id = rest if prefix in ("id", "hash") and rest else self.live.ids.get(f"{kind}:{slug}/{ref}")
        name = self.ref_names[(kind, slug, ref)] = self.bound_names.get((kind, live_id or ""), ref)
        return name

    def live_in_config_names(self, kind: Kind, slug: str, spec: Any) -> Any:
        """``spec`` with its references to keys and guardrails read as the names the config uses."""
        update: dict[str, Any] = {}
        if kind == "api_key" and spec.guardrail is not None:
            guardrail = self.live_ref("guardrail", slug, spec.guardrail)
            if guardrail != spec.guardrail:
                update["guardrail"] = guardrail
        model: type[BaseModel] = type(spec)
        for field_name in _key_reference_fields(model):
            names = getattr(spec, field_name)
            if names:
                config_names = [self.live_ref("api_key", slug, n) for n in names]
                if config_names != names:
                    update[field_name] = config_names
        # Mostly every name reads the same: then no copy (one per key of a 20,000-key plan).
        return spec.model_copy(update=update) if update else spec

    def undo_interrupted_retire(
        self, slug: str, declared: dict[str, Any], live_keys: dict[str, ApiKey], orphans: list[OrphanKey]
    ) -> dict[str, ApiKey]:
        """A rotation killed after it disabled the old key leaves that key disabled, and its successor
        (an orphan) holding the sink. The disable was orctl's, not the config's: a key whose config
        leaves `disabled` unset must not pass it on to the key that replaces it."""
        pending = {o.name for o in orphans}
        if not pending:
            return live_keys
        fixed = dict(live_keys)
        for name, key in live_keys.items():
            spec = declared.get(name)
            if (
                key.disabled
                and name in pending
                and spec is not None
                and "disabled" not in spec.model_fields_set
                and Address.of("api_key", slug, name) in self.live.lost_secrets
            ):
                fixed[name] = key.model_copy(update={"disabled": False})
        return fixed

    def scoped_keys(self, slug: str, live_keys: dict[str, ApiKey]) -> dict[str, ApiKey]:
        prefix = self.config.ownership.key_name_prefix
        if not prefix:
            return live_keys
        for name in live_keys:
            if not name.startswith(prefix):
                self.unmanaged.append(
                    Unmanaged(
                        kind="api_key",
                        address=Address.of("api_key", slug, name),
                        reason=f"outside ownership.key_name_prefix '{prefix}'",
                    )
                )
        return {name: key for name, key in live_keys.items() if name.startswith(prefix)}

    def child(
        self,
        slug: str,
        collection: str,
        kind: Kind,
        name: str,
        spec: Any,
        live_name: str | None,
        live_spec: Any,
        orphans: list[OrphanKey],
        matched_id: str | None = None,
    ) -> None:
        if live_spec is not None:
            live_spec = self.live_in_config_names(kind, slug, live_spec)
            if live_name == name and self.unchanged(kind, f"{kind}:{slug}/{name}", spec, live_spec):
                return  # most objects of a large account: nothing to show, nothing to write
        address = Address.of(kind, slug, name)
        catalogue = self.live.catalogue
        drop = _NO_GUARDRAIL if kind == "api_key" else _NOTHING
        # Only a key with no live match can be one moved from another workspace.
        moved_from = next((s for s, d in self.moves.items() if d == (slug, name)), None) if live_spec is None else None
        old_key = None
        if live_spec is None and kind == "api_key" and moved_from is not None:
            old_workspace, old_name = moved_from.workspace or "", moved_from.name or ""
            # A guardrail name belongs to the old workspace: the moved key keeps only the declared one.
            old_key = self.live.state.workspaces[old_workspace].keys[old_name].model_copy(update={"guardrail": None})
        base = live_spec if live_spec is not None else old_key
        if live_spec is not None:
            # Only what the config declares can differ: every other field of the effective object is
            # the live one's. So just those are compared, and the effective object is made only for
            # a change (a 20,000-key plan used to copy and dump every key twice).
            compared = declared(spec)
            if kind != "observability_destination" and plainly_equal(spec, live_spec, compared, drop):
                after, before = {}, {}  # every declared field equal: nothing to normalise or diff
            else:
                after = normalize(spec, catalogue, drop=drop, only=compared)
                before = normalize(live_spec, catalogue, drop=drop, only=compared)
        else:
            after = normalize(effective(spec, base), catalogue, drop=drop)
            before = None
        if kind == "observability_destination":  # write-only values: sent on create and rotation only
            for side in (after, before):
                if side is not None and isinstance(side.get("config"), dict):
                    side["config"] = comparable_config(spec.type, side["config"], declared=spec.config)
        phase = BY_NAME[kind].phase
        source = self.source(("workspaces", slug, collection, name))

        def emit(action: Action, fields: list[FieldChange], **extra: Any) -> None:
            desired = effective(spec, base)
            if kind == "api_key":  # the overlap a rotation keeps the old key for (plan/retiring.py)
                desired = retiring.with_overlap(self.config, desired, base, self.now)
            self.add(
                phase,
                Change(
                    action=action,
                    kind=kind,
                    address=address,
                    workspace=slug,
                    name=name,
                    fields=fields,
                    desired=desired,
                    source=source,
                    **extra,
                ),
            )

        new_key = live_spec is None
        if old_key is not None and moved_from is not None:
            old_workspace = moved_from.workspace or ""
            fields = [FieldChange(field="workspace", before=old_workspace, after=slug)]
            fields += field_changes(normalize(old_key, catalogue, drop=drop), after)
            reason = (
                f"secret rotation: moved from workspace '{old_workspace}'; a key's workspace cannot change in "
                "place; consumers of the old key will break"
            )
            self.managed_objects += 1
            emit("replace", fields, live_id=self.live_id(moved_from), reason=reason, rotation=True)
        elif live_spec is None:
            fields = declared_fields(spec, field_changes(None, after))
            orphan = next((o for o in orphans if o.name == name), None) if kind == "api_key" else None
            if orphan is not None:
                orphans.remove(orphan)
                emit("replace", fields, live_id=orphan.key_hash, reason=ORPHAN_REASON)
            else:
                secret = BY_NAME[kind].secret_field
                if secret is not None:  # write-only: sent on create, never shown
                    fields.append(FieldChange(field=secret, after="(sensitive)", sensitive=True))
                emit("create", fields, reason=lost_pin_reason(spec) if address in self.lost_pins else None)
        else:
            live_id = matched_id or self.live_id(Address.of(kind, slug, live_name))
            fields = field_changes(before, after, type(spec))
            immutable = [f.field for f in fields if has(type(spec), f.field, IMMUTABLE)]
            renamed = live_name != name
            if renamed:
                fields.insert(0, FieldChange(field="name", before=live_name, after=name))
            marker_change = self.rotation_marker_change(kind, address, spec)
            if marker_change:
                fields.append(marker_change)
            if immutable:
                new_key = True
                rotation = kind == "api_key"
                what = ", ".join(immutable)
                reason = f"{what} cannot change in place"
                if rotation:
                    reason = f"secret rotation: {reason}; consumers of the old key will break"
                emit("replace", fields, live_id=live_id, reason=reason, rotation=rotation)
            elif kind == "api_key" and address in self.live.lost_secrets:
                # Nobody can use the live key through its sink: a new key is the only way back.
                new_key = True
                reason = f"secret rotation: the secret is lost: {self.live.lost_secrets[address]}"
                emit("replace", fields, live_id=live_id, reason=reason, rotation=True)
            elif fields:
                emit(
                    "update",
                    fields,
                    live_id=live_id,
                    reason=_update_reason(live_name if renamed else None, marker_change is not None),
                    details={"renamed_from": live_name} if renamed else {},
                )
        if kind != "api_key":
            return
        # A new key starts with no guardrail; an existing one keeps its assignment until moved.
        live_guardrail = None if new_key else live_spec.guardrail
        guardrail = effective_value(spec, base, "guardrail")
        if live_guardrail != guardrail:
            self.assignment(slug, name, live_guardrail, guardrail, source, with_new_key=new_key)

    def unchanged(self, kind: Kind, address: str, spec: Any, live_spec: Any) -> bool:
        """True when :meth:`child` would find nothing to do for ``spec`` matched, under its own name,
        to ``live_spec``: every declared field plainly equal, no secret to send again, and for a
        key no lost secret and the same guardrail. False means "not sure": take the full path (a
        test builds plans both ways: tests/plan/test_unchanged_fast_path.py)."""
        if kind == "observability_destination" or self.rotation_marker_change(kind, address, spec) is not None:
            return False
        compared = frozenset(spec.model_fields_set)  # config-only fields are never compared anyway
        if kind != "api_key":
            return plainly_equal(spec, live_spec, compared)
        return (
            plainly_equal(spec, live_spec, compared, _NO_GUARDRAIL)
            and address not in self.live.lost_secrets
            and live_spec.guardrail == effective_value(spec, live_spec, "guardrail")
        )

    def rotation_marker_change(self, kind: Kind, address: str, spec: Any) -> FieldChange | None:
        secret = BY_NAME[kind].secret_field
        if secret is None:
            return None
        live_marker = self.live.rotation_markers.get(address)
        if spec.rotation == live_marker:
            return None
        return FieldChange(
            field=secret,
            before="(sensitive)",
            after="(sensitive)",
            sensitive=True,
        )

    def assignment(
        self, slug: str, key: str, before: str | None, after: str | None, source: str | None, with_new_key: bool = False
    ) -> None:
        address = Address.of("guardrail_assignment", slug, key)
        fields = [FieldChange(field="guardrail", before=before, after=after)]
        if after is None:
            self.add(
                "delete_assignment",
                Change(
                    action="delete",
                    kind="guardrail_assignment",
                    address=address,
                    workspace=slug,
                    name=key,
                    fields=fields,
                    details={"from": before},
                ),
            )
            return
        self.add(
            "assignment",
            Change(
                action="update" if before else "create",
                kind="guardrail_assignment",
                address=address,
                workspace=slug,
                name=key,
                fields=fields,
                desired=AssignmentWrite(guardrail=after),
                details={"from": before},
                source=source,
                # Shown here, but apply makes it as part of the key's create (live/writer_keys.py).
                reason=SECURED_FIRST if with_new_key else None,
            ),
        )

    def delete_child(
        self, slug: str, kind: Kind, name: str, live_spec: Any, reason: str, live_id: str | None = None
    ) -> None:
        if isinstance(live_spec, ApiKey) and live_spec.last_used_at is not None:  # read, never diffed: a fact
            reason = f"{reason}; last used {live_spec.last_used_at.isoformat().replace('+00:00', 'Z')}"
        self.add(
            BY_NAME[kind].delete_phase,
            Change(
                action="delete",
                kind=kind,
                address=Address.of(kind, slug, name),
                workspace=slug,
                name=name,
                live_id=live_id or self.live.ids.get(Address.of(kind, slug, name)),
                reason=reason,
            ),
        )

    def delete_workspace(self, slug: str, live: Workspace) -> None:
        """The workspace and, listed one by one and deleted first, everything its deletion removes."""
        gone = "its workspace is deleted"
        self.managed_objects += 1
        for resource in PRUNABLE:
            kind = resource.name
            for name, item in getattr(live, resource.collection or "").items():
                self.managed_objects += 1
                self.delete_child(slug, kind, name, item, reason=gone)
                address = Address.of(kind, slug, name)
                for other in self.live.duplicates.get(address, [])[1:]:
                    # Another live object under the same name goes too (an active key would block the delete).
                    self.managed_objects += 1
                    self.add(
                        BY_NAME[kind].delete_phase,
                        Change(
                            action="delete",
                            kind=kind,
                            address=address,
                            workspace=slug,
                            name=name,
                            live_id=other,
                            reason=f"{gone} (another object with this name, id {other})",
                        ),
                    )
        for orphan in (o for o in self.live.orphans if o.workspace == slug):
            self.delete_orphan(slug, orphan, f"{gone} (an orphan of an interrupted apply)")
        for name in sorted(live.presets):
            # Archived one by one before the workspace goes, rather than left to the server's cascade.
            self.managed_objects += 1
            self.archive_preset(slug, name, reason=f"{gone}: archived first, not left to the server's cascade")
        for interval, cap in live.budgets.as_dict().items():
            self.managed_objects += 1
            self.add(
                "delete_budgets",
                Change(
                    action="delete",
                    kind="workspace_budget",
                    address=Address.of("workspace_budget", slug, interval),
                    workspace=slug,
                    name=interval,
                    fields=[FieldChange(field="limit_usd", before=cap)],
                    reason=gone,
                ),
            )
        if live.members:
            self.managed_objects += 1
            self.add(
                "delete_members",
                Change(
                    action="delete",
                    kind="workspace_members",
                    address=Address.of("workspace_members", slug),
                    workspace=slug,
                    name=slug,
                    fields=[FieldChange(field="members", before=sorted(live.members))],
                    details={"add": [], "remove": sorted(live.members)},
                    reason=gone,
                ),
            )
        if live.default_guardrail is not None and normalize(live.default_guardrail, None) != normalize(
            GuardrailPolicy(), None
        ):
            self.managed_objects += 1
            self.add(
                "delete_default_guardrail",
                Change(
                    action="delete",
                    kind="default_guardrail",
                    address=Address.of("default_guardrail", slug),
                    workspace=slug,
                    name="default",
                    live_id=self.live.ids.get(Address.of("default_guardrail", slug)),
                    reason=f"{gone} (its policy is cleared first)",
                ),
            )
        self.add(
            "delete_workspace",
            Change(
                action="delete",
                kind="workspace",
                address=Address.of("workspace", slug),
                workspace=slug,
                name=slug,
                live_id=self.live.ids.get(Address.of("workspace", slug)),
                reason="not declared (ownership.prune_workspaces is on)",
            ),
        )

    # ------------------------------------------------------------ presets

    def presets(self, slug: str, desired: Workspace) -> None:
        for name, spec in desired.presets.items():
            self.preset(slug, name, spec)
        live_ws = self.live.state.workspaces.get(slug)
        for name in sorted(live_ws.presets if live_ws is not None else ()):
            if name in desired.presets:
                continue
            if self.prune(desired):
                self.managed_objects += 1
                self.archive_preset(
                    slug,
                    name,
                    reason="not declared (pruning is on): archived, its versions kept; declaring it again restores it",
                )
            else:
                address = Address.of("preset", slug, name)
                self.unmanaged.append(Unmanaged(kind="preset", address=address, reason="not declared in the config"))

    def archive_preset(self, slug: str, name: str, reason: str) -> None:
        """A preset's deletion is an archive: hidden, its versions kept, its slug still taken."""
        address = Address.of("preset", slug, name)
        self.add(
            "delete_preset",
            Change(
                action="delete",
                kind="preset",
                address=address,
                workspace=slug,
                name=name,
                live_id=self.live.ids.get(address),
                reason=reason,
                details={"archive": True},
            ),
        )

    def preset(self, slug: str, name: str, spec: Preset) -> None:
        """A preset is its slug in its workspace (the same slug elsewhere is another preset)."""
        address = Address.of("preset", slug, name)
        history = self.live.presets.get(address)
        live_ws = self.live.state.workspaces.get(slug)
        is_live = live_ws is not None and name in live_ws.presets
        source = self.source(("workspaces", slug, "presets", name))
        designated = history.versions.get(history.designated_version) if history is not None else None
        if is_live and designated is not None:
            spec = effective(spec, designated)  # what the config leaves out keeps the live version's value
        if spec.id is not None and (not is_live or self.live.ids.get(address) != spec.id):
            if not is_live:
                self.lost_pins.append(address)
            else:
                self.warnings.append(f"{address}: pinned to id {spec.id}, but the live preset '{name}' has another id")
        want = spec.content()
        desired = spec
        after = normalize(spec, None)
        if history is None or not is_live:
            self.add(
                "preset",
                Change(
                    action="create",
                    kind="preset",
                    address=address,
                    workspace=slug,
                    name=name,
                    fields=declared_fields(spec, field_changes(None, after)),
                    desired=desired,
                    source=source,
                    reason=lost_pin_reason(spec) if address in self.lost_pins else None,
                    details={
                        "version_before": None,
                        "version_after": 1,
                        "restores_version": None,
                        "restore_if_archived": True,
                    },
                ),
            )
            return
        self.managed_objects += 1
        live_spec = designated or Preset()
        if live_spec.content() == want:
            return
        newest = max(history.versions) if history.versions else history.designated_version
        restores = next(
            (
                number
                for number, version in sorted(history.versions.items())
                if number != history.designated_version and version.content() == want
            ),
            None,
        )
        fields = field_changes(normalize(live_spec, None), after, Preset)
        if not fields:
            return  # only the order of lists whose order does not matter differs
        self.add(
            "preset",
            Change(
                action="update",
                kind="preset",
                address=address,
                workspace=slug,
                name=name,
                fields=fields,
                live_id=self.live.ids.get(address),
                desired=desired,
                source=source,
                details={
                    "version_before": history.designated_version,
                    "version_after": newest + 1,
                    "restores_version": restores,
                },
            ),
        )

    # ------------------------------------------------------------ result

    def changes(self) -> list[Change]:
        return [change for phase in PHASES for change in self.phases[phase]]


def _settings(workspace: Workspace) -> Workspace:
    """A workspace's own settings, without the kinds it holds (those are changes of their own)."""
    return Workspace.model_validate(workspace.model_dump(exclude=set(WORKSPACE_FIELDS)))


def _update_reason(renamed_from: str | None, rotated: bool) -> str | None:
    parts = [f"renamed from '{renamed_from}'"] if renamed_from else []
    if rotated:
        parts.append("rotation marker changed: the write-only secret is sent again")
    return "; ".join(parts) or None


def lost_pin_reason(spec: Any) -> str:
    return f"pinned to live id {spec.id}, which no longer exists (deleted outside orctl?)"


@functools.cache
def _key_reference_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that name keys of its workspace."""
    return tuple(name for name in ("allowed_keys", "api_keys") if name in model.model_fields)


def declared_fields(spec: BaseModel, fields: list[FieldChange]) -> list[FieldChange]:
    """On create, show what the config says, not every default the object will get."""
    return [f for f in fields if f.field in spec.model_fields_set]


def config_digest(config: Config, dumped: dict[str, Any] | None = None) -> str:
    """The digest of what the config sets; ``dumped`` is its ``exclude_unset`` dump when already made."""
    if dumped is None:
        dumped = config.model_dump(mode="json", exclude_unset=True)
    text = json.dumps(dumped, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@paused_gc()
def build_plan(
    config: Config,
    live: LiveSnapshot,
    *,
    base_dir: Path,
    source_map: SourceMap | None = None,
    targets: Sequence[str] = (),
    now: datetime | None = None,
    retire_now: bool = False,
) -> Plan:
    """The plan that takes ``live`` to ``config`` (only the ``targets`` addresses, when given).
    ``now`` decides expiry and retiring keys' due times; ``retire_now`` ends every overlap.
    Raises AmbiguityError / ServerRuleError."""
    slug_warnings = checks.check_server_rules(config, live.catalogue, source_map)
    builder = _Builder(config, live, source_map, now=now or datetime.now(UTC))
    builder.organization()
    builder.workspaces()
    retire_changes, retiring_notes, retiring_unmanaged = retiring.retiring(
        config, live, builder.now, retire_now=retire_now, targets=targets
    )
    builder.phases["delete_api_key"].extend(retire_changes)
    builder.unmanaged.extend(retiring_unmanaged)
    built, expired_out = expiry.past_expiry([retiring.describe_overlap(c) for c in builder.changes()], builder.now)
    builder.warnings.extend(expired_out)
    # In an order every dependency edge agrees with (a rename that frees a name goes first).
    changes = mark_observed(select_changes(order_changes(built), targets), config)
    key_expiry = expiry.key_expiry(config, live, builder.bindings, changes, builder.now)
    if targets:
        key_expiry = [item for item in key_expiry if matches(item.address, targets)]
    builder.warnings.extend(expiry.expiry_warning(item, config) for item in key_expiry)
    for orphan in live.orphans:
        if orphan.workspace not in config.workspaces:
            builder.unmanaged.append(
                Unmanaged(
                    kind="api_key",
                    address=Address.of("api_key", orphan.workspace, orphan.name),
                    reason="orphan of an interrupted apply, in a workspace not declared",
                )
            )
    # exclude_unset: what the config leaves out must stay "not managed" when a saved plan is applied.
    dumped = config.model_dump(mode="json", exclude_unset=True)  # once: 20,000 keys make it costly
    return Plan(
        fingerprint=live.fingerprint,
        changes=changes,
        unmanaged=select_unmanaged(
            sorted(builder.unmanaged, key=lambda u: u.address)
            + [Unmanaged(kind="byok_key", address=address, reason="has no name") for address in live.unnamed]
            + global_credentials(live),
            targets,
        ),
        warnings=[*live.warnings, *slug_warnings, *builder.warnings],
        safety=checks.safety_facts(
            config,
            live,
            [c for c in changes if not c.observed and not retiring.is_retiring_delete(c)],
            builder.managed_objects,
        ).model_copy(update={"lost_pins": builder.lost_pins}),
        bindings=builder.bindings,
        targets=list(targets),
        config_digest=config_digest(config, dumped),
        config=dumped,
        config_base_dir=str(base_dir.resolve()),
        retiring=retiring_notes,
        key_expiry=key_expiry,
        retire_now=retire_now,
    )
