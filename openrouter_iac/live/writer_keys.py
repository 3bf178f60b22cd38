"""The never-lose-a-secret protocol for API keys.

OpenRouter shows a new key's secret once, in the create response, and has no idempotency key on
create. So a key is born under a provisional name; a key that declares a guardrail is assigned to
it and the assignment read back (secured) before anything else; only then does its secret go to
its sink (stored, then verified), and only then does it get its final name. A crash in between
leaves a key with a provisional name, which the next plan recognises as an orphan. A key that
could not be secured is disabled and its secret dropped: no sink ever holds the secret of a key
outside its declared guardrail. After an ambiguous create the workspace is re-listed before
anything else is decided: nothing is ever created twice blindly.
"""

from __future__ import annotations

import secrets as random_tokens
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import (
    AmbiguousWriteError,
    ApplyError,
    MalformedResponseError,
    NotFoundError,
    OrctlError,
)
from openrouter_iac.kinds.api_key import create_body as key_create_body
from openrouter_iac.kinds.api_key import patch_body as key_patch_body
from openrouter_iac.live import retire_keys
from openrouter_iac.live.writer_plain import write_path
from openrouter_iac.model.resources import ApiKey
from openrouter_iac.model.snapshot import pending_name
from openrouter_iac.secrets import KeyRef, SecretSink, SinkRefused


class KeyHandOffError(ApplyError):
    """A key was created but its secret could not be handed to its sink (or the create failed
    twice). Carries the hash of the key left behind, never its secret."""

    def __init__(self, message: str, *, key_hash: str | None, disabled: bool, hint: str | None = None) -> None:
        self.key_hash = key_hash
        self.disabled = disabled
        super().__init__(message, hint)


@dataclass
class KeyOutcome:
    """What happened to one key: its hash and anything the report should say about it."""

    key_hash: str
    notes: list[str] = field(default_factory=list)
    orphans_removed: list[str] = field(default_factory=list)
    """Hashes of keys found under our provisional name after an ambiguous create (secret lost)."""


@dataclass
class KeyWriter:
    """Creates, replaces and deletes keys. ``on_secret`` is called first with every new secret
    (to mask it in CI logs); ``sink_for`` opens the sink a key names."""

    client: OpenRouterClient
    on_secret: Callable[[str], None]
    sink_for: Callable[[str], SecretSink]
    nonce: Callable[[], str] = field(default=lambda: random_tokens.token_hex(4))
    secured: dict[str, str] = field(default_factory=dict)
    """Key hash -> guardrail id, for keys assigned (and verified) before their secret was delivered."""
    sinks: Callable[[], list[SecretSink]] = field(default=list)
    """Every declared sink: where the secret of a key replaced here is looked for (by its hash)."""

    # -- create and replace -------------------------------------------------------------------

    def create(
        self,
        *,
        address: str,
        workspace: str,
        workspace_id: str,
        name: str,
        spec: ApiKey,
        replacing: str | None = None,
        guardrail_id: str | None = None,
        replacing_ref: KeyRef | None = None,
        overlap: str | None = None,
    ) -> KeyOutcome:
        """Create ``name`` (replacing the key ``replacing`` if given) and hand its secret over.

        With ``guardrail_id`` (the live id of the key's declared guardrail) the key is assigned
        to it and the assignment verified before the secret goes anywhere. For a replace, the old
        key gives up its name after the new secret is stored and before the new key takes the
        final name, so two keys never answer to one name: it is disabled and deleted, or with an
        ``overlap`` renamed to its retiring name (live/retire_keys.py). ``replacing_ref`` is where
        the old key lives (its secret is removed from there).
        """
        sink = self.sink_for(spec.secret_sink) if spec.secret_sink else None
        outcome, secret = self._post_with_recovery(address, workspace_id, name, spec)
        key_hash = outcome.key_hash
        if guardrail_id is not None:
            self._secure(address, key_hash, guardrail_id, spec.guardrail or guardrail_id)
        if sink is None:
            outcome.notes.append("no secret_sink: the secret was discarded and nobody holds it")
        else:
            expires = spec.expires_at.isoformat().replace("+00:00", "Z") if spec.expires_at else None
            self._hand_off(sink, KeyRef(workspace, name), address, key_hash, secret, expires)
        del secret  # the secret must not wait in memory while other calls run
        old = replacing_ref or KeyRef(workspace, name)
        if replacing and overlap:
            outcome.notes.extend(retire_keys.keep_retiring(self.client, address, replacing, old, overlap))
        elif replacing:
            # The old secret goes first, as for any delete: killed after the key's delete, no later
            # plan could find it.
            outcome.notes.extend(retire_keys.remove_old_secret(self.sinks(), old, replacing))
            self.retire(address, replacing)
        self.client.patch(write_path("api_key", key_hash), json=key_patch_body(spec, name), resource=address)
        return outcome

    def _post_with_recovery(self, address: str, workspace_id: str, name: str, spec: ApiKey) -> tuple[KeyOutcome, str]:
        removed: list[str] = []
        for attempt in (1, 2):
            provisional = pending_name(name, self.nonce())
            try:
                body = self.client.post(
                    write_path("api_key"), json=key_create_body(spec, provisional, workspace_id), resource=address
                )
                key_hash, secret = _parse_created(body, address)
            except (AmbiguousWriteError, MalformedResponseError) as exc:
                # The key may exist with a secret nobody received: look before deciding anything.
                found = self._find_by_name(address, workspace_id, provisional)
                for lost in found:
                    self.retire(address, lost)
                removed.extend(found)
                if attempt == 2:
                    lost_note = f"; removed {len(removed)} key(s) whose secret was lost" if removed else ""
                    raise KeyHandOffError(
                        f"{address}: the create failed twice ({exc.message}){lost_note}",
                        key_hash=None,
                        disabled=False,
                        hint="nothing is left behind under this name; run orctl apply again",
                    ) from None
                continue
            self.on_secret(secret)
            notes = []
            if removed:
                notes.append(f"retried the create after removing {len(removed)} key(s) whose secret was lost")
            if attempt == 2 and not removed:
                notes.append("retried the create after an ambiguous failure (nothing had been created)")
            return KeyOutcome(key_hash, notes=notes, orphans_removed=removed), secret
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_by_name(self, address: str, workspace_id: str, live_name: str) -> list[str]:
        keys = self.client.list_all(
            write_path("api_key"), params={"workspace_id": workspace_id, "include_disabled": True}, resource=address
        )
        return [str(k["hash"]) for k in keys if k.get("name") == live_name]

    def _hand_off(
        self, sink: SecretSink, ref: KeyRef, address: str, key_hash: str, secret: str, expires_at: str | None
    ) -> None:
        try:
            sink.store(ref, key_hash, secret, expires_at=expires_at)
            sink.verify(ref, key_hash, secret)
        except Exception as exc:
            reason = exc.message if isinstance(exc, OrctlError) else type(exc).__name__
            if isinstance(exc, SinkRefused) and self._delete_quietly(address, key_hash):
                # Nothing holds the secret: the key can go at once instead of waiting as an orphan.
                raise KeyHandOffError(
                    f"{address}: key {key_hash} was created but the sink refused its secret ({reason}); "
                    "the key was deleted",
                    key_hash=None,
                    disabled=False,
                    hint="fix the sink and run orctl apply again",
                ) from None
            disabled = self._disable_quietly(address, key_hash)
            state = "it was disabled" if disabled else "disabling it FAILED too: disable it by hand"
            raise KeyHandOffError(
                f"{address}: key {key_hash} was created but its secret could not be stored ({reason}); {state}",
                key_hash=key_hash,
                disabled=disabled,
                hint="fix the sink; the next plan replaces this orphaned key",
            ) from None

    def _secure(self, address: str, key_hash: str, guardrail_id: str, guardrail: str) -> None:
        """Assign the new key to its guardrail and read the assignment back; on any failure the key
        is disabled (its secret, held only by the caller, is then dropped undelivered)."""
        try:
            # Assigning moves a key; repeating it is harmless, so a lost answer is simply retried.
            self.client.post(
                write_path("guardrail_assignment", guardrail_id=guardrail_id),
                json={"key_hashes": [key_hash]},
                resource=address,
                idempotent=True,
            )
            verified = self._is_assigned(address, key_hash, guardrail_id)
            reason = None if verified else "the assignment is not listed by the API after it was made"
        except Exception as exc:  # whatever went wrong, an unsecured key must not stay usable
            reason = exc.message if isinstance(exc, OrctlError) else type(exc).__name__
        if reason is None:
            self.secured[key_hash] = guardrail_id
            return
        disabled = self._disable_quietly(address, key_hash)
        state = "it was disabled" if disabled else "disabling it FAILED too: disable it by hand"
        raise KeyHandOffError(
            f"{address}: key {key_hash} was created but could not be put under its guardrail {guardrail!r} "
            f"({reason}); its secret was not delivered and {state}",
            key_hash=key_hash,
            disabled=disabled,
            hint="the next plan replaces this orphaned key; run orctl apply again",
        )

    def _is_assigned(self, address: str, key_hash: str, guardrail_id: str) -> bool:
        """Whether ``guardrail_id`` lists ``key_hash``. The API has no per-key lookup: the first page
        answers small guardrails; for big ones the newest page (assignments list oldest first) is
        read before falling back to the whole list."""
        path = write_path("guardrail_assignment", guardrail_id=guardrail_id)

        def page(offset: int) -> tuple[list[dict[str, Any]], int | None]:
            body = self.client.get(path, params={"offset": offset, "limit": 100}, resource=address)
            items = body.get("data") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise MalformedResponseError("the assignment list has no data", resource=address, status=200)
            total = body.get("total_count")
            return [i for i in items if isinstance(i, dict)], total if isinstance(total, int) else None

        def listed(items: list[dict[str, Any]]) -> bool:
            return any(i.get("key_hash") == key_hash for i in items)

        first, total = page(0)
        if listed(first):
            return True
        if len(first) < 100:
            return False  # the whole list was on the first page
        if total is not None and total > 100 and listed(page(max(0, total - 100))[0]):
            return True
        return listed(self.client.list_all(path, resource=address))

    # -- delete ---------------------------------------------------------------------------------

    def retire(self, address: str, key_hash: str) -> None:
        """Disable, then delete: a disable can be undone if the delete is refused."""
        try:
            self.client.patch(write_path("api_key", key_hash), json={"disabled": True}, resource=address)
            self.client.delete(write_path("api_key", key_hash), resource=address)
        except NotFoundError:
            pass  # already gone: the goal is reached

    def _delete_quietly(self, address: str, key_hash: str) -> bool:
        try:
            self.retire(address, key_hash)
        except OrctlError:
            return False
        return True

    def _disable_quietly(self, address: str, key_hash: str) -> bool:
        try:
            self.client.patch(write_path("api_key", key_hash), json={"disabled": True}, resource=address)
        except OrctlError:
            return False
        return True


def _parse_created(body: Any, address: str) -> tuple[str, str]:
    data = body.get("data") if isinstance(body, dict) else None
    secret = body.get("key") if isinstance(body, dict) else None
    key_hash = data.get("hash") if isinstance(data, dict) else None
    if not isinstance(secret, str) or not secret or not isinstance(key_hash, str):
        raise MalformedResponseError("the create response has no key hash or secret", resource=address, status=201)
    return key_hash, secret
