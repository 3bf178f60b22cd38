"""The writes of a kind as its table entry declares them: its `writes` path and its `body`.

A create is `POST {writes}` (an object of a workspace names its workspace), a replace the same
followed by the old object's `DELETE`, an update `PATCH {writes}/{id}` (a singleton's at
`{writes}`), a delete `DELETE {writes}/{id}`. The kind's `body` builds the request body from a
:class:`WriteContext` made here, per change: nothing is kept between writes, so the parallel
apply's workers can share one writer. Kinds whose writes are not this (keys, presets, budgets...)
have a handler of their own in live/writer.py, which may still use these pieces.
"""

from __future__ import annotations

import contextlib
from collections.abc import MutableMapping
from dataclasses import dataclass
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
from openrouter_iac.kinds.base import ResourceKind, WriteContext
from openrouter_iac.model.address import Address, KindName
from openrouter_iac.model.destination_config import sends_headers_again
from openrouter_iac.model.enums import OBSERVABILITY_SECRET_CONFIG_KEYS
from openrouter_iac.model.traits import RESENDS_SECRET, WRITE_ONLY, fields_with
from openrouter_iac.plan.model import Change
from openrouter_iac.secrets import resolve_secret_ref

CREATING = ("create", "replace")


def write_path(kind: KindName | ResourceKind, live_id: str | None = None, **ids: str) -> str:
    """Where a kind is written (`writes` in kinds/<kind>.py, its `{...}` filled from ``ids``), at
    the object's id if given."""
    entry = BY_NAME[kind] if isinstance(kind, str) else kind
    if entry.writes is None:
        raise ApplyError(f"the {entry.singular} kind declares no write path (writes= in kinds/{entry.name})")
    try:
        base = entry.writes.format(**ids)
    except KeyError as exc:
        raise ApplyError(f"the write path {entry.writes!r} of {entry.plural} needs {exc.args[0]}") from None
    return f"{base}/{live_id}" if live_id else base


@dataclass(frozen=True)
class Written:
    """The object a plain write created or changed (None: a singleton, or nothing was found)."""

    object_id: str | None
    created: dict[str, Any] | None = None
    """The object a create answered with (a workspace's default guardrail id is in it)."""


@dataclass(frozen=True)
class PlainWriter:
    """Writes one change of a kind declared with `writes` and `body`. ``ids`` is the apply's
    shared address -> id map (every access one dict operation)."""

    client: OpenRouterClient
    ids: MutableMapping[str, str]
    config_base_dir: Path

    def write(self, change: Change, kind: ResourceKind | None = None) -> Written:
        kind = kind or BY_NAME[change.kind]
        if change.action == "delete":
            if kind.singleton:
                raise ApplyError(f"{change.address}: {kind.plural} cannot be deleted")
            self.delete(kind, change, change.live_id)
            self.ids.pop(change.address, None)
            for other, _ in kind.creates_with:  # gone with it
                self.ids.pop(Address.of(other, _name(change)), None)
            return Written(change.live_id)
        if kind.body is None:
            raise ApplyError(f"{change.address}: the {kind.singular} kind declares no body (kinds/{kind.name})")
        context = self.context(kind, change)
        body = kind.body(context)
        try:
            written = self._write(kind, change, context, body)
        except (ConflictError, ApiRequestError) as exc:
            hint = kind.explain_refusal(context, exc.status, exc.message) if kind.explain_refusal else None
            if hint is not None:
                exc.hint = hint
            raise
        if written.created is not None:
            for other, id_field in kind.creates_with:  # made by its create: later changes find it
                self.ids[Address.of(other, _name(change))] = str(written.created[id_field])
        return written

    def _write(self, kind: ResourceKind, change: Change, context: WriteContext, body: dict[str, Any]) -> Written:
        """A create, replace or update with ``body``."""
        if kind.singleton:
            self.client.patch(self.path(kind, change), json=body, resource=change.address)
            return Written(None)
        if context.creating:
            params = None
            if context.workspace_id is not None:
                body.setdefault("workspace_id", context.workspace_id)
                params = {"workspace_id": context.workspace_id}
            created = self.create(kind, change, body, params=params)
            object_id = str(created["id"])
            self.ids[change.address] = object_id
            if change.action == "replace":  # what cannot change in place (a provider, a type) goes after
                self.delete(kind, change, change.live_id)
            return Written(object_id, created)
        object_id = change.live_id or self.id_of(change.address)
        self.client.patch(self.path(kind, change, object_id), json=body, resource=change.address)
        self.ids[change.address] = object_id  # a rename: later changes find it by its new name
        return Written(object_id)

    def context(self, kind: ResourceKind, change: Change) -> WriteContext:
        creating = change.action in CREATING
        # Only a create names its workspace: an update never depends on the workspace's id.
        workspace_id = self.workspace_id(change) if creating and kind.collection is not None else None
        return WriteContext(
            desired=change.spec(kind.spec),
            name=kind.name if kind.singleton else _name(change),
            creating=creating,
            changed=frozenset(fc.field for fc in change.fields),
            workspace_id=workspace_id,
            sends_secrets=sends_credential(change),
            key_hashes=lambda names: self.key_hashes(change.workspace, names),
            secret=lambda ref: self.resolve(ref, change),
        )

    def path(self, kind: ResourceKind, change: Change, live_id: str | None = None) -> str:
        if kind.writes is not None and "{workspace_id}" in kind.writes:
            return write_path(kind, live_id, workspace_id=self.workspace_id(change))
        return write_path(kind, live_id)

    def create(
        self, kind: ResourceKind, change: Change, body: dict[str, Any], *, params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a create; after an ambiguous failure, re-list and take the object if it was made
        (these kinds carry no one-time secret), else create once more. Never a blind duplicate."""
        path = self.path(kind, change)
        wanted = body.get(kind.write_key)

        def is_it(item: dict[str, Any]) -> bool:  # the object made, never the one it replaces
            return item.get(kind.write_key) == wanted and str(item.get("id")) != change.live_id

        for attempt in (1, 2):
            try:
                return _data(self.client.post(path, json=body, resource=change.address))
            except (AmbiguousWriteError, MalformedResponseError):
                listed = self.client.list_all(path, params=params, resource=change.address)
                found = [item for item in listed if is_it(item)]
                if len(found) == 1:
                    return found[0]
                if found or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def delete(self, kind: ResourceKind, change: Change, live_id: str | None) -> None:
        if not live_id:
            raise ApplyError(f"{change.address}: the plan gives no live id to delete")
        with contextlib.suppress(NotFoundError):  # already gone: the goal is reached
            self.client.delete(self.path(kind, change, live_id), resource=change.address)

    def id_of(self, address: str) -> str:
        try:
            return self.ids[address]
        except KeyError:
            raise ApplyError(f"no live id is known for {address}", hint="run orctl plan again") from None

    def workspace_id(self, change: Change) -> str:
        return self.id_of(Address.of("workspace", change.workspace))

    def key_hashes(self, workspace: str | None, names: list[str] | None) -> list[str] | None:
        if not names:
            return None
        # The reader shows keys it cannot name as `hash:<hash>`; keep those as they are.
        return [
            name[5:] if name.startswith("hash:") else self.id_of(Address.of("api_key", workspace, name))
            for name in names
        ]

    def resolve(self, ref: str | None, change: Change) -> str:
        if not ref:
            raise ApplyError(f"{change.address}: a secret reference is missing")
        return resolve_secret_ref(ref, base_dir=self.config_base_dir)


def sends_credential(change: Change) -> bool:
    """Whether a write carries its kind's write-only secrets: on create and rotation only."""
    if change.action in CREATING:
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


def _name(change: Change) -> str:
    name = change.name or change.address.name or change.address.workspace
    if not name:
        raise ApplyError(f"{change.address}: the change names no object")
    return name


def _data(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ApplyError("the API answered a create without the created object")
    return data
