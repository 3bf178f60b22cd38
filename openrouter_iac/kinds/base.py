"""What orctl knows about one resource kind, declared once (one module per kind fills it in).

The pipeline loops over the table (:data:`openrouter_iac.kinds.KINDS`) instead of keeping its own
lists: the config merge and checks (collections, names, protectable and renamable kinds), the
planner (collections, phases, pruning, what a deletion removes), the safety guards (every kind
counted), the reader (which lists to read per workspace), the writer (the kind's path and body,
or a handler of its own, checked by a test) and the renderers (layers, words).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from openrouter_iac.errors import PlanError
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.names import NameRule


@dataclass(frozen=True)
class WorkspaceList:
    """How the reader lists a kind's live objects of one workspace."""

    path: str
    """API path; `{workspace_id}` is replaced by the workspace's id."""
    what: str
    """How errors name the list, e.g. `guardrails`."""
    scoped: bool = True
    """The list takes `workspace_id` as a query parameter (else the id is in the path)."""
    paged: bool = True
    """A list with `total_count` (pages after the first read in parallel); else one GET."""
    params: tuple[tuple[str, str], ...] = ()


S = TypeVar("S", bound=BaseModel)


def spec_of(desired: BaseModel, model: type[S]) -> S:
    """``desired`` as the kind's spec model (a kind's functions take what the change carries)."""
    if not isinstance(desired, model):
        raise PlanError(f"the plan carries no {model.__name__} to write ({type(desired).__name__})")
    return desired


@dataclass(frozen=True)
class WriteContext:
    """What a kind's `body` gets besides the spec: what only apply knows, resolved for one change.

    Built per write by the generic writer (live/writer_plain.py), never shared between the
    parallel apply's workers. Names are turned into ids by the two callables, so a body stays a
    pure function of what it is given."""

    desired: BaseModel
    name: str
    """The object's declared name (without a rotation marker)."""
    creating: bool
    """A create or a replace: write-once fields go too (an update's PATCH leaves them out)."""
    changed: frozenset[str]
    """The fields the plan changes (a newer API field is sent when set or changed)."""
    workspace_id: str | None
    """On a create of a workspace's object: the workspace's id (None otherwise)."""
    sends_secrets: bool
    """Write-only secrets go with this write (a create, or a rotation)."""
    key_hashes: Callable[[list[str] | None], list[str] | None]
    """Key names of the change's workspace -> their live hashes (`hash:<hash>` kept as is)."""
    secret: Callable[[str | None], str]
    """A secret reference (`env:X`, `file:...`) -> its value; ApplyError when it is missing."""

    def spec(self, model: type[S]) -> S:
        return spec_of(self.desired, model)


Body = Callable[[WriteContext], dict[str, Any]]
"""Builds the JSON body of a create (POST `writes`) or an update (PATCH `writes/{id}`)."""

SecretRefs = Callable[[BaseModel], list[tuple[str, object]]]
"""The secret references a write resolves, each with where it sits in the spec (`key`)."""


@dataclass(frozen=True)
class ReadContext:
    """What mapping one listed item may need besides the item itself, built once per workspace by
    the reader: on the wire a reference is an id (or a key hash), in a config it is a name."""

    names: Mapping[KindName, Mapping[str, str]] = field(default_factory=dict)
    """Kind → live id → name, of the workspace's objects whose name no other object of the kind shares."""
    guardrail_of_key: Mapping[str, str] = field(default_factory=dict)
    """Key hash → the id of its guardrail (the account's key assignments)."""
    members_of_guardrail: Mapping[str, list[str]] = field(default_factory=dict)
    """Guardrail id → the user ids assigned to it (the account's member assignments)."""

    def ref(self, kind: ResourceKind, live_id: str) -> str:
        """How a config names the object ``live_id`` of ``kind``: its name, or `id:<id>` / `hash:<hash>`
        where its name is shared (a reference by name would not be exact) or unknown."""
        names = self.names.get(kind.name)
        name = names.get(live_id) if names is not None else None
        return f"{kind.id_field}:{live_id}" if name is None else name


FromApi = Callable[[dict[str, Any], ReadContext], BaseModel]
"""How one listed item becomes the kind's spec."""

SinkOf = Callable[[BaseModel], str | None]
"""The secret sink a spec names for the secret its create mints (None: none named)."""


@dataclass(frozen=True)
class Publisher:
    """The object of the same workspace whose minted secret writes this kind (a preset's key)."""

    field: str
    """The spec field naming it (`publish_with`), as errors name it."""
    of: Callable[[BaseModel], str | None]
    """Its name in a spec (None: the spec names none)."""


ExplainRefusal = Callable[[WriteContext, int | None, str], str | None]
"""A hint for a refused write (context, HTTP status, the API's message), or None."""


@dataclass(frozen=True)
class ResourceKind:
    """One resource kind. Field traits (immutable, set-like, sensitive, server-computed) sit on
    the spec model's fields (:mod:`openrouter_iac.model.traits`), not here."""

    name: KindName
    spec: type[BaseModel]
    """The typed payload a change of this kind carries to apply (`Change.desired`)."""
    layer: int
    """0 organization, 1 workspace, 2 guardrail, 3 key, 4 preset (renderers group by it)."""
    phase: str
    """When its creates and updates run (see :data:`openrouter_iac.kinds.PHASES`)."""
    delete_phase: str
    """When its deletes run: bottom-up, after every create and update."""
    singular: str
    plural: str
    collection: str | None = None
    """The `Workspace` field holding its named objects (`guardrails`, `keys`...), if it has names."""
    settings: tuple[str, ...] = ()
    """The `Workspace` fields it is the setting of (`budgets`, `members`, `default_guardrail`)."""
    name_rule: NameRule | None = None
    """The rule for names written in a config (named kinds)."""
    deletable: bool = True
    """The API can delete one on its own (presets go only with their workspace)."""
    renamable: bool = False
    """It takes `previous_names`."""
    protectable: bool = False
    """`safety.protect` may name it."""
    secret_field: str | None = None
    """The write-only secret a create sends (shown as a sensitive field, never a value)."""
    dependents: tuple[KindName, ...] = ()
    """Kinds whose live objects its deletion removes (a plan lists them and apply deletes them first).
    The workspace's are derived: every kind with a `collection` or `settings` (kinds/__init__.py)."""
    reads: WorkspaceList | None = None
    """How the reader lists it per workspace (None: read with another kind or account-wide)."""
    from_api: FromApi | None = None
    """How one listed item becomes its spec (a named kind: the reader puts it into `collection`)."""
    id_field: str = "id"
    """The field of a listed item that identifies it (`hash` for keys); references by id use it."""
    writes: str | None = None
    """The API path its objects are written at: POST creates, PATCH and DELETE go to
    `{writes}/{id}`, a singleton's PATCH to the path itself (`{workspace_id}` is replaced by the
    workspace's id). A kind with a handler of its own (live/writer.py `SPECIAL`) uses it as its base."""
    body: Body | None = None
    """The create and update body: with `writes`, all the generic writer needs (no handler)."""
    singleton: bool = False
    """One object per account (organization settings): only PATCHed at `writes`, never created."""
    write_key: str = "name"
    """The API field naming an object: a create after an ambiguous failure is found by it."""
    secret_refs: SecretRefs | None = None
    """The references its `body` resolves when secrets go (create, rotation): apply's pre-flight
    resolves every one of them before the first write, so a missing one stops nothing half-way."""
    mints_into: SinkOf | None = None
    """Its create mints a secret, handed to the sink this names (a key's `secret_sink`): apply's
    pre-flight checks every such sink can take its secrets before the first write."""
    published_with: Publisher | None = None
    """Its writes go with the minted secret of another object of its workspace (a preset's
    `publish_with` key): apply's pre-flight checks that secret can be read back first."""
    creates_with: tuple[tuple[KindName, str], ...] = ()
    """What its create makes too: (the kind, the created object's field with that one's id). The
    generic writer records the id under the kind's address in this object (a workspace's default
    guardrail) and drops it with its delete."""
    explain_refusal: ExplainRefusal | None = None
    """Why the API refused a create or update of it (the error's status and message), as the
    error's hint; None leaves the API's error as it is."""

    def address(self, workspace: str | None = None, name: str | None = None) -> Address:
        return Address.of(self.name, workspace, name)

    @property
    def named(self) -> bool:
        return self.collection is not None
