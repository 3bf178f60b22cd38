"""The plan: an immutable, ordered list of changes, the fingerprint of the live state it was made
from, and what apply needs to check before it writes. Saved as JSON (no secret in it, ever)."""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_serializer,
    model_serializer,
    model_validator,
)

from openrouter_iac import __version__
from openrouter_iac.errors import PlanError
from openrouter_iac.kinds import BY_NAME, KINDS
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.payloads import Details
from openrouter_iac.plan.lifecycle import KeyExpiry, RetiringNote
from openrouter_iac.plan.policy_facts import PlanPolicy

PLAN_FORMAT_VERSION = "1.0"

Action = Literal["create", "update", "delete", "replace"]

Kind = KindName

LAYER: dict[Kind, int] = {kind.name: kind.layer for kind in KINDS}
"""The layer of the hierarchy a kind belongs to: organization 0, workspace 1, guardrail 2, key 3,
preset 4. Renderers group by it; lint and explain use it to follow constraints downwards."""

M = TypeVar("M", bound=BaseModel)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PathChange(_Frozen):
    """One changed place inside a nested value (`temperature`, `order`, `headers.X-Team`)."""

    path: str
    before: Any = None
    after: Any = None


class FieldChange(_Frozen):
    """One field's value before (live) and after (desired). Sensitive values are never stored."""

    field: str
    before: Any = None
    after: Any = None
    sensitive: bool = False
    paths: list[PathChange] = Field(default_factory=list)
    """For a nested value (preset parameters, provider routing, destination config, filter rules):
    where inside it the values differ (deepdiff; lists whose order does not matter compared as sets)."""

    @model_serializer(mode="wrap")
    def _without_empty_paths(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Most fields are not nested: their saved form stays what it always was.
        data: dict[str, Any] = handler(self)
        if not data.get("paths"):
            data.pop("paths", None)
        return data


class Change(_Frozen):
    """One step of a plan. Apply executes exactly these, in this order."""

    action: Action
    kind: Kind
    address: Address
    """Stable identity, e.g. `api_key:healthcare/intake-summarizer`."""
    workspace: str | None = None
    """Workspace slug (None for organization-level changes)."""
    name: str | None = None
    """Name within the workspace (key, guardrail, preset slug, interval for budgets...)."""
    fields: list[FieldChange] = Field(default_factory=list)
    live_id: str | None = None
    """Id (or key hash) of the live object being updated, replaced or deleted."""
    desired: SerializeAsAny[BaseModel] | None = None
    """The object apply writes, typed by kind (the kind's spec model in :mod:`openrouter_iac.kinds`):
    config-only fields such as the secret sink included. Read it with :meth:`spec`."""
    reason: str | None = None
    """Why, when it is not obvious: a rename, a secret rotation, an orphaned key..."""
    rotation: bool = False
    """A replace that mints a new key secret: consumers of the old secret will break."""
    source: str | None = None
    """Where the desired object is declared (`file:line:column`)."""
    details: Details = Field(default_factory=Details)
    """Kind-specific extras, e.g. preset versions (`version_before`, `restores_version`)."""

    observed: bool = False
    """In an observe-only scope (`mode: observe`): shown and reported, never applied."""

    @model_validator(mode="before")
    @classmethod
    def _typed(cls, data: Any) -> Any:
        # A saved plan holds plain JSON: the kind says which model `desired` is.
        if isinstance(data, dict) and isinstance(data.get("desired"), dict) and data.get("kind") in BY_NAME:
            desired = dict(data["desired"])
            desired.pop("slug", None)  # plans of orctl 0.1 carried a workspace's slug here (it is `name`)
            data = {**data, "desired": BY_NAME[data["kind"]].spec.model_validate(desired)}
        return data

    @field_serializer("details")
    def _details(self, details: Details) -> dict[str, Any]:
        return details.as_json()

    @property
    def layer(self) -> int:
        return LAYER[self.kind]

    def spec(self, model: type[M]) -> M:
        """The typed object this change writes; PlanError when the plan carries none of that model."""
        if not isinstance(self.desired, model):
            raise PlanError(f"{self.address}: the plan carries no {model.__name__} to write", hint=_PLAN_HINT)
        return self.desired


class Unmanaged(_Frozen):
    """A live object orctl does not manage (and will not touch)."""

    kind: Kind
    address: Address
    reason: str


class SafetyFacts(_Frozen):
    """What apply checks before writing anything."""

    managed_objects: int
    deletes: int
    rotations: list[str] = Field(default_factory=list)
    protected_hits: list[str] = Field(default_factory=list)
    empty_config_against_populated_scope: bool = False
    emptied_scopes: list[str] = Field(default_factory=list)
    """Workspaces deleted with objects in them, and kinds pruned to nothing in a workspace."""
    max_delete_fraction: float = 0.3
    min_objects_for_fraction: int = 10
    lost_pins: list[str] = Field(default_factory=list)
    """Declared addresses pinned by `id:` to live objects that are gone (apply refuses to recreate them)."""

    @property
    def delete_fraction_exceeded(self) -> bool:
        if self.managed_objects < self.min_objects_for_fraction or self.managed_objects == 0:
            return False
        return self.deletes / self.managed_objects > self.max_delete_fraction


class PlanOrigin(_Frozen):
    """Which config and account a plan is for, so a PR comment can say so (display only)."""

    config: str
    """The config path as given to `-c` (or the default that was found), relative when possible."""
    account: str
    """The API host (`openrouter.ai`), or `emulator`. Never a key, never credentials of a URL."""


class Plan(_Frozen):
    """An immutable plan. ``desired`` is kept so apply can tell 'already applied' from 'stale'."""

    format_version: str = PLAN_FORMAT_VERSION
    orctl_version: str = __version__
    fingerprint: str
    """Fingerprint of the live state the plan was computed from."""
    changes: list[Change] = Field(default_factory=list)
    unmanaged: list[Unmanaged] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    safety: SafetyFacts
    config_digest: str
    """Digest of the desired state, to recognise the same config on apply."""
    config: dict[str, Any]
    """The whole config the plan was made from (references only, never secret values), so a saved
    plan can be applied, and re-planned after apply, without the YAML at hand."""
    config_base_dir: str
    """Directory that `file:` references of the config are resolved from."""
    origin: PlanOrigin | None = None
    """Set by the CLI; None for plans built elsewhere (tests, libraries)."""
    targets: list[str] = Field(default_factory=list)
    """`--target` patterns the plan was limited to (empty: the whole config)."""
    bindings: dict[str, str] = Field(default_factory=dict)
    """Declared address → the live id it was matched to (by `id:`, name or previous name)."""
    policy: PlanPolicy | None = None
    """Lint findings and spend ceilings (openrouter_iac.policy), set by the CLI."""
    retiring: list[RetiringNote] = Field(default_factory=list)
    """Old keys of rotations with an overlap, still enabled, and when they go (plan/retiring.py)."""
    key_expiry: list[KeyExpiry] = Field(default_factory=list)
    """Declared keys that have expired or expire within `safety.expiry_warning` (plan/expiry.py)."""
    retire_now: bool = False
    """Made with `--retire-now`: every retiring key is deleted now, whatever its due time."""

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def applicable(self) -> list[Change]:
        """The changes apply makes: all but those in observe-only scopes."""
        return [change for change in self.changes if not change.observed]

    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "replace": 0, "delete": 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts


def parse_plan(text: str | bytes, source: str) -> Plan:
    """A saved plan from its JSON text; PlanError (never a traceback) when it is not one we can apply."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise PlanError(f"{source} is not a saved plan: not JSON ({exc})", hint=_PLAN_HINT) from None
    version = raw.get("format_version") if isinstance(raw, dict) else None
    if isinstance(version, str) and version.split(".")[0] != PLAN_FORMAT_VERSION.split(".")[0]:
        raise PlanError(
            f"{source} has plan format {version}; this orctl ({__version__}) applies format {PLAN_FORMAT_VERSION}",
            hint="apply it with the orctl version that made it, or plan again",
        )
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise PlanError(
            f"{source} is not a saved plan: {where}: {first['msg']} ({exc.error_count()} problem(s))",
            hint=_PLAN_HINT,
        ) from None


_PLAN_HINT = "make one with `orctl plan --out PLANFILE`"
