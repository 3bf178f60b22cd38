"""What the live reader hands to the planner: the account in spec form plus the ids behind it.

It lives in model/ because both sides use it: live/ fills it, plan/ reads it (plan imports no I/O)."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from openrouter_iac.model.resources import AccountState, ByokKey, Preset
from openrouter_iac.model.retiring import RetiringKey

PENDING_NAME = re.compile(r"^(?P<name>.+) \[orctl-pending (?P<nonce>[0-9a-f]{8})\]$")
"""Provisional name a key carries between its creation and its secret being stored."""

ROTATION_SUFFIX = re.compile(r"^(?P<name>.+) #(?P<marker>[^#]+)$")
"""BYOK credentials and observability destinations carry their rotation marker in their name."""


def pending_name(name: str, nonce: str) -> str:
    return f"{name} [orctl-pending {nonce}]"


def name_with_rotation(name: str, marker: str | None) -> str:
    return f"{name} #{marker}" if marker else name


def split_rotation(live_name: str) -> tuple[str, str | None]:
    match = ROTATION_SUFFIX.match(live_name)
    return (match["name"], match["marker"]) if match else (live_name, None)


@dataclass(frozen=True)
class OrphanKey:
    """A key left with its provisional name: created, but its secret was never stored."""

    workspace: str
    name: str
    key_hash: str


GLOBAL_SCOPE = "(global)"
"""Where a global BYOK credential's address puts it (`byok_key:(global)/<name>`): no workspace."""


@dataclass(frozen=True)
class GlobalCredential:
    """A BYOK credential of the whole account (`workspace_id: null`), usable in every workspace.
    Read once (every workspace's list shows it), shown at account level, never changed or pruned."""

    live_id: str
    name: str
    spec: ByokKey

    @property
    def address(self) -> str:
        return f"byok_key:{GLOBAL_SCOPE}/{self.name}"


@dataclass(frozen=True)
class PresetHistory:
    """The designated version of a preset and the content of the versions read."""

    designated_version: int
    versions: dict[int, Preset] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """Model and provider slugs the account can use, for normalising and checking the config."""

    canonical_models: dict[str, str]
    """Every model slug and canonical slug → its canonical slug."""
    providers: frozenset[str]

    def canonical(self, slug: str) -> str:
        return self.canonical_models.get(slug, slug)


@dataclass(frozen=True)
class KeyActivity:
    """What the API says about a key's use (never diffed: it changes with every request)."""

    usage: float | None = None
    """Spend in USD in the current limit period (all-time when the limit never resets)."""
    limit_remaining: float | None = None
    lifetime_usage: float = 0.0
    created_at: str | None = None
    last_used_at: str | None = None
    """Only when the API gives it (absent for keys not used since it started recording)."""

    @classmethod
    def of(cls, item: dict[str, Any]) -> KeyActivity:
        """The facts of a key as `/keys` lists it."""
        period = item.get("limit_reset")
        usage = item.get(f"usage_{period}") if period in ("daily", "weekly", "monthly") else item.get("usage")
        last_used = item.get("last_used_at")
        return cls(
            usage=float(usage) if isinstance(usage, (int, float)) else None,
            limit_remaining=item.get("limit_remaining"),
            lifetime_usage=float(item["usage"]) if isinstance(item.get("usage"), (int, float)) else 0.0,
            created_at=item.get("created_at"),
            last_used_at=last_used if isinstance(last_used, str) else None,
        )


class KeyActivities(Mapping[str, KeyActivity]):
    """Key hash → its :class:`KeyActivity`, made from the listed key when first asked for: only the
    hygiene report asks, and a plan of 20,000 keys need not build 20,000 of them."""

    def __init__(self, listed: dict[str, dict[str, Any]] | None = None) -> None:
        self._listed = listed if listed is not None else {}
        self._made: dict[str, KeyActivity] = {}

    def __getitem__(self, key_hash: str) -> KeyActivity:
        made = self._made.get(key_hash)
        if made is None:
            made = self._made[key_hash] = KeyActivity.of(self._listed[key_hash])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._listed)

    def __len__(self) -> int:
        return len(self._listed)


@dataclass(frozen=True)
class LiveSnapshot:
    state: AccountState
    ids: dict[str, str]
    """Address → live id (workspace uuid, guardrail id, key hash, ...)."""
    catalogue: Catalogue
    default_workspace: str | None
    """Slug of the account's default workspace (never pruned), however it is named."""
    default_unknown: bool = False
    """Workspaces exist but none could be told to be the default: `prune_workspaces` prunes none."""
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    """Address → ids of every live object answering to that name (when more than one)."""
    orphans: list[OrphanKey] = field(default_factory=list)
    retiring: list[RetiringKey] = field(default_factory=list)
    """Old keys of rotations with an overlap, kept enabled until their due time (model/retiring.py)."""
    unnamed: list[str] = field(default_factory=list)
    """Live objects with no usable name (reported as unmanaged)."""
    presets: dict[str, PresetHistory] = field(default_factory=dict)
    """Preset address (`preset:<workspace>/<slug>`: a slug is one per workspace) → its versions read."""
    rotation_markers: dict[str, str] = field(default_factory=dict)
    """Address → rotation marker carried in the live name."""
    warnings: list[str] = field(default_factory=list)
    """What the read noticed but could work around (e.g. a total_count the pages disagree with)."""
    shadowed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Address → {live id: spec} of the second and later live objects answering to a duplicated name
    (the first is in ``state``); references to any of them are written `id:<id>` / `hash:<hash>`."""
    updated_at: dict[str, str] = field(default_factory=dict)
    """Live id → when the API says the object last changed (where it gives one)."""
    key_activity: Mapping[str, KeyActivity] = field(default_factory=KeyActivities)
    """Key hash → usage facts, for key hygiene reports."""
    global_byok: list[GlobalCredential] = field(default_factory=list)
    """BYOK credentials with `workspace_id: null` (not in any workspace's state)."""
    lost_secrets: dict[str, str] = field(default_factory=dict)
    """Key address → why its sink does not hold the live key's secret (secrets/audit.py); a rotation."""

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the state read, whatever order it was read in (computed once: it dumps every
        object, in pydantic's serialiser: a sorted JSON dump of 20,000 keys cost five times more)."""
        digest = hashlib.sha256(b"orctl-fingerprint/2\n")
        digest.update(_in_name_order(self.state).model_dump_json().encode())
        rest = {
            "ids": self.ids,
            "orphans": [o.__dict__ for o in self.orphans],
            "retiring": [r.__dict__ for r in self.retiring],
            "presets": {address: h.designated_version for address, h in sorted(self.presets.items())},
            "markers": self.rotation_markers,
        }
        digest.update(json.dumps(rest, sort_keys=True, default=str).encode())
        return f"sha256:{digest.hexdigest()}"


M = TypeVar("M", bound=BaseModel)


def _in_name_order(state: AccountState) -> AccountState:
    """``state`` with its workspaces, and each workspace's objects, in name order (copies of the
    containers only): the order a listing returns them in is not part of the state."""

    def sorted_dicts(model: M) -> M:
        update = {name: dict(sorted(v.items())) for name, v in model.__dict__.items() if isinstance(v, dict)}
        return model.model_copy(update=update) if update else model

    workspaces = {slug: sorted_dicts(workspace) for slug, workspace in sorted(state.workspaces.items())}
    return sorted_dicts(state).model_copy(update={"workspaces": workspaces})
