"""One plan change -> the API calls that make it so.

The writer never decides *what* to change (the plan did); it only knows how each kind of change
is spelled on the wire. Ids are looked up in :class:`ApplyContext`, which starts from the live
snapshot and learns the id of everything created during the run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import (
    AmbiguousWriteError,
    ApiRequestError,
    ApplyError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
)
from openrouter_iac.kinds import BY_NAME
from openrouter_iac.live import secret_moves
from openrouter_iac.live.mapping import (
    byok_body,
    guardrail_body,
    key_patch_body,
    observability_body,
    organization_body,
    preset_request_body,
    workspace_body,
)
from openrouter_iac.live.retire_keys import old_key_ref
from openrouter_iac.live.shared_ids import SharedIds
from openrouter_iac.live.writer_keys import KeyWriter
from openrouter_iac.live.writer_presets import PresetWriter
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.destination_config import HEADERS, is_reference, is_write_only, sends_headers_again
from openrouter_iac.model.enums import OBSERVABILITY_SECRET_CONFIG_KEYS
from openrouter_iac.model.payloads import AssignmentWrite, BudgetWrite
from openrouter_iac.model.resources import (
    ApiKey,
    ByokKey,
    Guardrail,
    GuardrailPolicy,
    ObservabilityDestination,
    OrganizationSettings,
    Preset,
    Workspace,
)
from openrouter_iac.model.snapshot import name_with_rotation
from openrouter_iac.model.traits import RESENDS_SECRET, WRITE_ONLY, fields_with
from openrouter_iac.plan.model import Change
from openrouter_iac.secrets import KeyRef, SecretSink, resolve_secret_ref

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

    def __post_init__(self) -> None:
        self.keys = KeyWriter(
            self.client,
            on_secret=self.on_secret,
            sink_for=self.sink_for,
            sinks=lambda: [self.sink_for(n) for n in self.sink_names],
        )

    def apply(self, change: Change) -> WriteResult:
        # A checked mapping, not getattr on a name: tests/test_kinds.py fails when a kind has no handler.
        result = HANDLERS[change.kind](self, change)
        return result or WriteResult(VERBS[change.action])

    # -- organization and workspaces ----------------------------------------------------------

    def _organization_settings(self, change: Change) -> None:
        spec = change.spec(OrganizationSettings)
        self.client.patch(_path(change), json=organization_body(spec), resource=change.address)

    def _workspace(self, change: Change) -> None:
        slug = _name(change)
        if change.action == "delete":
            self._delete(_path(change, change.live_id), change)
            self.context.ids.pop(change.address, None)
            self.context.ids.pop(Address.of("default_guardrail", slug), None)
            return
        spec = change.spec(Workspace)
        if change.action == "create":
            data = self._create(
                change,
                _path(change),
                workspace_body(spec, slug, _changed(change)),
                lambda item: item.get("slug") == slug,
            )
            self.context.ids[change.address] = str(data["id"])
            self.context.ids[Address.of("default_guardrail", slug)] = str(data["default_guardrail_id"])
            return
        # Sending the slug every time also carries out a rename declared with previous_names.
        workspace_id = change.live_id or self.context.id_of(change.address)
        body = workspace_body(spec, slug, _changed(change))
        self.client.patch(_path(change, workspace_id), json=body, resource=change.address)
        self.context.ids[change.address] = workspace_id  # a rename: later changes find it by its new name

    def _workspace_members(self, change: Change) -> None:
        workspace_id = self.context.id_of(Address.of("workspace", change.workspace))
        for verb in ("add", "remove"):
            user_ids = sorted((change.details.add if verb == "add" else change.details.remove) or [])
            if user_ids:
                self.client.post(
                    f"/workspaces/{workspace_id}/members/{verb}",
                    json={"user_ids": user_ids},
                    resource=change.address,
                    idempotent=True,
                )

    def _workspace_budget(self, change: Change) -> None:
        workspace_id = self.context.id_of(Address.of("workspace", change.workspace))
        path = f"/workspaces/{workspace_id}/budgets/{_name(change)}"
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
        body = guardrail_body(policy, None, changed=changed)
        self.client.patch(_path(change, guardrail_id), json=body, resource=change.address)

    def _guardrail(self, change: Change) -> None:
        if change.action == "delete":
            self._delete(_path(change, change.live_id), change)
            self.context.ids.pop(change.address, None)
            return
        spec = change.spec(Guardrail)
        name = _name(change)
        if change.action == "create":
            workspace_id = self._workspace_id(change)
            created = self._create(
                change,
                _path(change),
                guardrail_body(spec, name, workspace_id, _changed(change)),
                lambda item: item.get("name") == name,
                params={"workspace_id": workspace_id},
            )
            guardrail_id = str(created["id"])
            self.context.ids[change.address] = guardrail_id
            self._members(guardrail_id, change.address, add=spec.members or [], remove=[])
            return
        guardrail_id = change.live_id or self.context.id_of(change.address)
        body = guardrail_body(spec, name, changed=_changed(change))
        self.client.patch(_path(change, guardrail_id), json=body, resource=change.address)
        self.context.ids[change.address] = guardrail_id  # a rename: assignments find it by its new name
        members = _field_sets(change, "members")
        if members is not None:
            before, after = members
            self._members(guardrail_id, change.address, add=sorted(after - before), remove=sorted(before - after))

    def _members(self, guardrail_id: str, address: str, *, add: list[str], remove: list[str]) -> None:
        base = f"/guardrails/{guardrail_id}/assignments/members"
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
                f"/guardrails/{old_id}/assignments/keys/remove",
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
            f"/guardrails/{guardrail_id}/assignments/keys",
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
            self.client.patch(_path(change, key_hash), json=key_patch_body(spec, name), resource=change.address)
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

    # -- presets, BYOK, observability -----------------------------------------------------------

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
                f"/presets/{_name(change)}/chat/completions",
                json=preset_request_body(spec),
                resource=change.address,
                idempotent=True,  # pushing the same content twice only adds an identical version
            )

    def _key_sink(self, workspace: str, key: str) -> str:
        sink = self.key_sinks.get(KeyRef(workspace, key))
        if sink is None:
            raise ApplyError(f"the key '{workspace}/{key}' that publishes presets has no secret_sink")
        return sink

    def _byok_key(self, change: Change) -> None:
        if change.action == "delete":
            self._delete(_path(change, change.live_id), change)
            self.context.ids.pop(change.address, None)
            return
        spec = change.spec(ByokKey)
        live_name = name_with_rotation(_name(change), spec.rotation)
        hashes = self._key_hashes(change.workspace, spec.allowed_keys)
        rotating = sends_credential(change)
        credential = self._resolve(spec.key, change) if rotating else None
        changed = _changed(change)
        body = byok_body(spec, live_name, hashes, credential, changed, creating=change.action in ("create", "replace"))
        with _region_refusal(spec) if "declared_region" in changed else contextlib.nullcontext():
            self._write_byok(change, spec, body, live_name)

    def _write_byok(self, change: Change, spec: ByokKey, body: dict[str, Any], live_name: str) -> None:
        if change.action in ("create", "replace"):
            body["workspace_id"] = self._workspace_id(change)
            workspace_id = str(body["workspace_id"])
            created = self._create(
                change, _path(change), body, _named(live_name, change), params={"workspace_id": workspace_id}
            )
            self.context.ids[change.address] = str(created["id"])
            if change.action == "replace":  # the provider cannot change in place: the old one goes after
                self._delete(_path(change, change.live_id), change)
            return
        byok_id = change.live_id or self.context.id_of(change.address)
        self.client.patch(_path(change, byok_id), json=body, resource=change.address)

    def _observability_destination(self, change: Change) -> None:
        if change.action == "delete":
            self._delete(_path(change, change.live_id), change)
            self.context.ids.pop(change.address, None)
            return
        spec = change.spec(ObservabilityDestination)
        rotating = sends_credential(change)
        config: dict[str, Any] = {}
        for key, value in spec.config.items():
            if key == HEADERS and isinstance(value, dict):
                if rotating:  # header values are write-only upstream: references resolved, never sent as text
                    config[key] = {
                        name: self._resolve(str(v), change) if is_reference(v) else v for name, v in value.items()
                    }
            elif is_write_only(spec.type, key):
                if rotating:  # write-only upstream: sent on create and rotation only
                    config[key] = (
                        self._resolve(str(value), change)
                        if is_reference(value) or (key in OBSERVABILITY_SECRET_CONFIG_KEYS)
                        else value
                    )
            else:
                config[key] = value
        live_name = name_with_rotation(_name(change), spec.rotation)
        hashes = self._key_hashes(change.workspace, spec.api_keys)
        creating = change.action in ("create", "replace")
        body = observability_body(spec, live_name, config, hashes, _changed(change), creating=creating)
        if creating:
            body["workspace_id"] = self._workspace_id(change)
            body.setdefault("regions", ["global"])  # the API's default, sent explicitly
            workspace_id = str(body["workspace_id"])
            created = self._create(
                change,
                _path(change),
                body,
                _named(live_name, change),
                params={"workspace_id": workspace_id},
            )
            self.context.ids[change.address] = str(created["id"])
            if change.action == "replace":  # the type cannot change in place: the old one goes after
                self._delete(_path(change, change.live_id), change)
            return
        destination_id = change.live_id or self.context.id_of(change.address)
        self.client.patch(_path(change, destination_id), json=body, resource=change.address)

    # -- helpers --------------------------------------------------------------------------------

    def _workspace_id(self, change: Change) -> str:
        return self.context.id_of(Address.of("workspace", change.workspace))

    def _key_hashes(self, workspace: str | None, names: list[str] | None) -> list[str] | None:
        if not names:
            return None
        hashes = []
        for name in names:
            # The reader shows keys it cannot name as `hash:<hash>`; keep those as they are.
            hashes.append(
                name[5:] if name.startswith("hash:") else self.context.id_of(Address.of("api_key", workspace, name))
            )
        return hashes

    def _resolve(self, ref: str | None, change: Change) -> str:
        if not ref:
            raise ApplyError(f"{change.address}: a secret reference is missing")
        return resolve_secret_ref(ref, base_dir=self.config_base_dir)

    def _create(
        self,
        change: Change,
        path: str,
        body: dict[str, Any],
        is_it: Callable[[dict[str, Any]], bool],
        *,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST a create; after an ambiguous failure, re-list and take the object if it was made
        (these kinds carry no one-time secret), else create once more. Never a blind duplicate."""
        for attempt in (1, 2):
            try:
                return _data(self.client.post(path, json=body, resource=change.address))
            except (AmbiguousWriteError, MalformedResponseError):
                found = [
                    item for item in self.client.list_all(path, params=params, resource=change.address) if is_it(item)
                ]
                if len(found) == 1:
                    return found[0]
                if found or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _delete(self, path: str, change: Change) -> None:
        if not change.live_id:
            raise ApplyError(f"{change.address}: the plan gives no live id to delete")
        with contextlib.suppress(NotFoundError):  # already gone: the goal is reached
            self.client.delete(path, resource=change.address)


def _path(change: Change, live_id: str | None = None) -> str:
    """Where the change's kind is written (`writes` in kinds/<kind>.py), at the object's id if given."""
    base = BY_NAME[change.kind].writes
    if base is None:
        raise ApplyError(f"{change.address}: its kind has no write path")
    return f"{base}/{live_id}" if live_id else base


def _name(change: Change) -> str:
    name = change.name or change.address.name or change.address.workspace
    if not name:
        raise ApplyError(f"{change.address}: the change names no object")
    return name


def _named(live_name: str, change: Change) -> Callable[[dict[str, Any]], bool]:
    """Matches the object a create made: by name, never the one it replaces."""
    return lambda item: item.get("name") == live_name and str(item.get("id")) != change.live_id


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ApplyError("the API answered a create without the created object")
    return data


def sends_credential(change: Change) -> bool:
    """Whether a BYOK/observability write carries its write-only secrets: on create and rotation only."""
    if change.action in ("create", "replace"):
        return True
    kind = BY_NAME[change.kind]
    if kind.secret_field is None:
        return False
    # The secret itself, a field that resends it (the rotation marker), or a secret config value.
    resends = fields_with(kind.spec, RESENDS_SECRET) | fields_with(kind.spec, WRITE_ONLY) | {kind.secret_field}
    return any(
        fc.field in resends
        or fc.field.split(".")[-1] in OBSERVABILITY_SECRET_CONFIG_KEYS
        or sends_headers_again(fc.field, fc.before, fc.after)
        for fc in change.fields
    )


@contextlib.contextmanager
def _region_refusal(spec: ByokKey) -> Iterator[None]:
    """The API refuses a region the credential cannot have (400 on create, 409 on change): say why."""
    try:
        yield
    except (ConflictError, ApiRequestError) as exc:
        if exc.status not in (400, 409) or "declared_region" not in exc.message:
            raise
        exc.hint = (
            f"declared_region '{spec.declared_region}' must suit the {spec.provider} credential: for openai "
            "and fireworks it is the region of the key material (leave it out to take it from the key); "
            "among other providers only azure accepts europe or us"
        )
        raise


def _changed(change: Change) -> frozenset[str]:
    """The fields the plan changes (a newer API field is sent when set or changed)."""
    return frozenset(fc.field for fc in change.fields)


def _field_sets(change: Change, name: str) -> tuple[set[str], set[str]] | None:
    for fc in change.fields:
        if fc.field == name:
            return set(fc.before or []), set(fc.after or [])
    return None


Handler = Callable[[Writer, Change], WriteResult | None]

HANDLERS: dict[KindName, Handler] = {
    "organization_settings": Writer._organization_settings,
    "workspace": Writer._workspace,
    "workspace_members": Writer._workspace_members,
    "workspace_budget": Writer._workspace_budget,
    "default_guardrail": Writer._default_guardrail,
    "guardrail": Writer._guardrail,
    "api_key": Writer._api_key,
    "guardrail_assignment": Writer._guardrail_assignment,
    "preset": Writer._preset,
    "byok_key": Writer._byok_key,
    "observability_destination": Writer._observability_destination,
}
"""The writes of each kind of :mod:`openrouter_iac.kinds` (a test checks that none is missing)."""
