"""One plan change -> the API calls that make it so.

The writer never decides *what* to change (the plan did); it only knows how each kind of change
is spelled on the wire. Ids are looked up in :class:`ApplyContext`, which starts from the live
snapshot and learns the id of everything created during the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import ApplyError
from openrouter_iac.kinds import KINDS, ResourceKind
from openrouter_iac.kinds.api_key import patch_body as key_patch_body
from openrouter_iac.kinds.guardrail_policy import policy_body
from openrouter_iac.kinds.preset import request_body as preset_request_body
from openrouter_iac.live import secret_moves
from openrouter_iac.live.retire_keys import old_key_ref
from openrouter_iac.live.shared_ids import SharedIds
from openrouter_iac.live.writer_keys import KeyWriter
from openrouter_iac.live.writer_plain import PlainWriter, write_path
from openrouter_iac.live.writer_presets import PresetWriter
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.payloads import AssignmentWrite, BudgetWrite
from openrouter_iac.model.resources import ApiKey, Guardrail, GuardrailPolicy, Preset
from openrouter_iac.plan.model import Change
from openrouter_iac.secrets import KeyRef, SecretSink

VERBS = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced"}
SECURED_AT_CREATE = "already made and verified with the key's create, before its secret was delivered"


@dataclass
class ApplyContext:
    """Address -> live id, kept current as the run creates and deletes objects.

    Shared by a parallel apply's workers: every read, write and pop is one dict operation (atomic),
    and the dependency graph never runs two changes of one address, nor a change before the one
    whose id it looks up, at the same time."""

    ids: dict[str, str]

    def __post_init__(self) -> None:
        self.ids = SharedIds(self.ids)  # walked (items()) while other workers add ids

    def id_of(self, address: str) -> str:
        try:
            return self.ids[address]
        except KeyError:
            raise ApplyError(f"no live id is known for {address}", hint="run orctl plan again") from None


@dataclass
class WriteResult:
    """What one change did, for the report (no secret ever)."""

    detail: str
    notes: list[str] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)


@dataclass
class Writer:
    """Executes single changes. ``publisher_client`` makes a client authenticated with an
    inference key (presets are written with the key that will use them, not the management key)."""

    client: OpenRouterClient
    context: ApplyContext
    config_base_dir: Path
    sink_for: Callable[[str], SecretSink]
    publisher_client: Callable[[str], OpenRouterClient]
    on_secret: Callable[[str], None]
    key_sinks: dict[KeyRef, str | None] = field(default_factory=dict)
    """The secret sink each configured key names (for reading preset publishers' secrets)."""
    sink_names: tuple[str, ...] = ()
    """Every declared sink: where a deleted key's secret is looked for (by its recorded hash)."""
    keys: KeyWriter = field(init=False)
    plain: PlainWriter = field(init=False)

    def __post_init__(self) -> None:
        self.plain = PlainWriter(self.client, self.context.ids, self.config_base_dir)
        self.keys = KeyWriter(
            self.client,
            on_secret=self.on_secret,
            sink_for=self.sink_for,
            sinks=lambda: [self.sink_for(n) for n in self.sink_names],
        )

    def apply(self, change: Change) -> WriteResult:
        # A checked mapping, not getattr on a name: tests/test_kinds.py fails when a kind has no writes.
        handler = HANDLERS.get(change.kind)
        if handler is None:
            raise ApplyError(
                f"{change.address}: orctl has no writes for the kind {change.kind!r}",
                hint="declare writes= and body= in its kinds/ module, or a handler in live/writer.py SPECIAL",
            )
        result = handler(self, change)
        return result or WriteResult(VERBS[change.action])

    def _plain(self, change: Change) -> None:
        """A kind declared with `writes` and `body` (live/writer_plain.py)."""
        self.plain.write(change)

    # -- workspaces (a workspace itself is a plain write: kinds/workspace.py) -------------------

    def _workspace_members(self, change: Change) -> None:
        path = write_path("workspace_members", workspace_id=self._workspace_id(change))
        for verb in ("add", "remove"):
            user_ids = sorted((change.details.add if verb == "add" else change.details.remove) or [])
            if user_ids:
                body = {"user_ids": user_ids}
                self.client.post(f"{path}/{verb}", json=body, resource=change.address, idempotent=True)

    def _workspace_budget(self, change: Change) -> None:
        path = write_path("workspace_budget", _name(change), workspace_id=self._workspace_id(change))
        if change.action == "delete":
            self.client.delete(path, resource=change.address)
            return
        spec = change.spec(BudgetWrite)
        body = {"limit_usd": spec.limit_usd, "include_byok_in_budgets": spec.include_byok_in_budgets}
        self.client.put(path, json={k: v for k, v in body.items() if v is not None}, resource=change.address)

    # -- guardrails -----------------------------------------------------------------------------

    def _default_guardrail(self, change: Change) -> None:
        guardrail_id = self.context.id_of(Address.of("default_guardrail", change.workspace))
        # A default guardrail cannot be deleted; "deleting" it clears its policy.
        policy = GuardrailPolicy() if change.action == "delete" else change.spec(GuardrailPolicy)
        changed = set(GuardrailPolicy.model_fields) if change.action == "delete" else _changed(change)
        body = policy_body(policy, None, changed=changed)
        self.client.patch(write_path("default_guardrail", guardrail_id), json=body, resource=change.address)

    def _guardrail(self, change: Change) -> None:
        # The policy is a plain write; members are assignments of their own, after it.
        written = self.plain.write(change)
        if change.action == "delete" or written.object_id is None:
            return
        if written.created is not None:
            self._members(written.object_id, change.address, add=change.spec(Guardrail).members or [], remove=[])
            return
        members = _field_sets(change, "members")
        if members is not None:
            before, after = members
            self._members(written.object_id, change.address, add=sorted(after - before), remove=sorted(before - after))

    def _members(self, guardrail_id: str, address: str, *, add: list[str], remove: list[str]) -> None:
        base = f"{write_path('guardrail', guardrail_id)}/assignments/members"
        if add:
            self.client.post(base, json={"member_user_ids": add}, resource=address, idempotent=True)
        if remove:
            self.client.post(f"{base}/remove", json={"member_user_ids": remove}, resource=address, idempotent=True)

    def _guardrail_assignment(self, change: Change) -> WriteResult | None:
        key_hash = self.context.ids.get(Address.of("api_key", change.workspace, change.name))
        if change.action == "delete":
            old = change.details.from_
            old_id = self.context.ids.get(Address.of("guardrail", change.workspace, old))
            if key_hash is None or old_id is None:
                return WriteResult("nothing to remove (the key or guardrail is gone)")
            self.client.post(
                f"{write_path('guardrail_assignment', guardrail_id=old_id)}/remove",
                json={"key_hashes": [key_hash]},
                resource=change.address,
                idempotent=True,
            )
            return None
        if key_hash is None:
            raise ApplyError(f"{change.address}: the key {change.name!r} has no live hash")
        guardrail = change.spec(AssignmentWrite).guardrail
        guardrail_id = self.context.id_of(Address.of("guardrail", change.workspace, guardrail))
        if self.keys.secured.get(key_hash) == guardrail_id:
            return WriteResult(SECURED_AT_CREATE)
        # Assigning moves the key: its previous assignment is replaced by the API.
        self.client.post(
            write_path("guardrail_assignment", guardrail_id=guardrail_id),
            json={"key_hashes": [key_hash]},
            resource=change.address,
            idempotent=True,
        )
        return None

    # -- keys -----------------------------------------------------------------------------------

    def _api_key(self, change: Change) -> WriteResult | None:
        if change.action == "delete":
            if self.context.ids.get(change.address) == change.live_id:
                self.context.ids.pop(change.address, None)
            if not change.live_id:
                return None
            # The secret goes first: killed after the key's delete, no later plan could find it.
            sinks = [self.sink_for(n) for n in self.sink_names]
            notes = secret_moves.remove_deleted(
                sinks, KeyRef(change.workspace or "", change.name or ""), change.live_id
            )
            self.keys.retire(change.address, change.live_id)
            return WriteResult(VERBS["delete"], notes=notes) if notes else None
        spec = change.spec(ApiKey)
        name = _name(change)
        if change.action == "update":
            key_hash = change.live_id or self.context.id_of(change.address)
            renamed_from = change.details.renamed_from
            sink = self.sink_for(spec.secret_sink) if renamed_from and spec.secret_sink else None
            old, new = KeyRef(change.workspace or "", renamed_from or ""), KeyRef(change.workspace or "", name)
            # The secret is copied to the new name first, so it is never missing under either name.
            note = secret_moves.copy_for_rename(sink, old, new, key_hash) if sink else None
            self.client.patch(write_path("api_key", key_hash), json=key_patch_body(spec, name), resource=change.address)
            self.context.ids[change.address] = key_hash  # a rename: its assignment finds it by its new name
            if sink is not None and note is None:
                note = secret_moves.drop_old_copy(sink, old, key_hash)
            return WriteResult(VERBS["update"], notes=[note]) if note else None
        workspace = change.workspace or ""
        # Looked up before the create: a key whose guardrail is unknown is never made.
        guardrail = Address.of("guardrail", workspace, spec.guardrail) if spec.guardrail else None
        replacing = change.live_id if change.action == "replace" else None
        outcome = self.keys.create(
            address=change.address,
            workspace=workspace,
            workspace_id=self.context.id_of(Address.of("workspace", workspace)),
            name=name,
            spec=spec,
            replacing=replacing,
            guardrail_id=self.context.id_of(guardrail) if guardrail else None,
            replacing_ref=old_key_ref(self.context.ids, replacing, KeyRef(workspace, name)) if replacing else None,
            overlap=spec.rotation_overlap if change.rotation else None,  # an orphan's secret was never delivered
        )
        self.context.ids[change.address] = outcome.key_hash
        detail = f"{VERBS[change.action]} (hash {outcome.key_hash[:12]})"
        return WriteResult(detail, notes=outcome.notes, orphans_removed=outcome.orphans_removed)

    # -- presets --------------------------------------------------------------------------------

    def _preset(self, change: Change) -> WriteResult | None:
        # Archive, restore-or-create and new versions: live/writer_presets.py.
        writer = PresetWriter(self.client, self._publish_preset)
        outcome = writer.write(change, _name(change), self._workspace_id(change))
        return WriteResult(outcome.detail) if outcome.detail else None

    def _publish_preset(self, change: Change, spec: Preset) -> None:
        """A new version, pushed with the secret of the preset's `publish_with` key."""
        workspace = change.workspace or ""
        publisher = spec.publish_with
        if publisher is None:
            raise ApplyError(f"{change.address}: the preset has no publish_with key")
        sink_name = self._key_sink(workspace, publisher)
        secret = self.sink_for(sink_name).read_secret(KeyRef(workspace, publisher))
        if not secret:
            raise ApplyError(
                f"{change.address}: the secret of key '{workspace}/{publisher}' could not be read from sink "
                f"{sink_name!r}",
                hint="orctl plan proposes a rotation of a key whose sink lost its secret; a publisher needs a "
                "sink orctl can read back: keyring, file, env-file or aws-secrets-manager",
            )
        with self.publisher_client(secret) as client:
            client.post(
                f"{write_path('preset', _name(change))}/chat/completions",
                json=preset_request_body(spec),
                resource=change.address,
                idempotent=True,  # pushing the same content twice only adds an identical version
            )

    def _key_sink(self, workspace: str, key: str) -> str:
        sink = self.key_sinks.get(KeyRef(workspace, key))
        if sink is None:
            raise ApplyError(f"the key '{workspace}/{key}' that publishes presets has no secret_sink")
        return sink

    # -- helpers --------------------------------------------------------------------------------

    def _workspace_id(self, change: Change) -> str:
        return self.context.id_of(Address.of("workspace", change.workspace))


def _name(change: Change) -> str:
    name = change.name or change.address.name or change.address.workspace
    if not name:
        raise ApplyError(f"{change.address}: the change names no object")
    return name


def _changed(change: Change) -> frozenset[str]:
    """The fields the plan changes (a newer API field is sent when set or changed)."""
    return frozenset(fc.field for fc in change.fields)


def _field_sets(change: Change, name: str) -> tuple[set[str], set[str]] | None:
    for fc in change.fields:
        if fc.field == name:
            return set(fc.before or []), set(fc.after or [])
    return None


Handler = Callable[[Writer, Change], WriteResult | None]

SPECIAL: dict[KindName, Handler] = {
    "workspace_members": Writer._workspace_members,  # add and remove, no object
    "workspace_budget": Writer._workspace_budget,  # PUT per interval
    "default_guardrail": Writer._default_guardrail,  # never deleted: cleared
    "guardrail": Writer._guardrail,  # plain, and its member assignments
    "api_key": Writer._api_key,  # the secret hand-off (live/writer_keys.py)
    "guardrail_assignment": Writer._guardrail_assignment,  # assign (moves a key) and remove, no object
    "preset": Writer._preset,  # versions, archive, restore (live/writer_presets.py)
}
"""The kinds whose writes are more than their `writes` path and `body`. Every other kind is
written by :class:`PlainWriter` from its table entry: a new plain kind needs no line here."""


def handlers(kinds: Iterable[ResourceKind]) -> dict[KindName, Handler]:
    """Each kind's writes: its handler in :data:`SPECIAL`, else the generic writer when it declares
    `writes` and `body`. A kind with neither is left out (tests/test_kinds.py fails)."""
    return {
        kind.name: SPECIAL.get(kind.name, Writer._plain)
        for kind in kinds
        if kind.name in SPECIAL or (kind.writes is not None and kind.body is not None)
    }


HANDLERS: dict[KindName, Handler] = handlers(KINDS)
"""The writes of each kind of :mod:`openrouter_iac.kinds`, a checked mapping (not getattr on a name)."""
