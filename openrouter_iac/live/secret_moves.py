"""Keep sinks in step with keys that are renamed or deleted, so no secret is left behind or lost.

Every step checks the recorded key hash first: a sink entry is only ever moved or removed when it
records the hash of the very key being renamed or deleted, never another key's secret.
"""

from __future__ import annotations

from collections.abc import Iterable

from openrouter_iac.errors import OrctlError
from openrouter_iac.secrets import KeyRef, SecretSink


def copy_for_rename(sink: SecretSink, old: KeyRef, new: KeyRef, key_hash: str) -> str | None:
    """Store the secret of ``old`` under ``new`` (before the key takes its new name). Returns a
    note for the report when the secret cannot follow the key; raises nothing for that."""
    if not sink.readable:
        return (
            f"sink '{sink.name}' cannot be read back, so the secret stays at {sink.location(old)}; "
            f"rotate the key to deliver a secret to {sink.location(new)}"
        )
    if sink.recorded_hash(new) == key_hash and sink.read_secret(new):
        return None  # a previous run already copied it
    secret = sink.read_secret(old)
    if secret is None or sink.recorded_hash(old) != key_hash:
        return f"sink '{sink.name}' holds no secret of this key at {sink.location(old)} to move"
    sink.store(new, key_hash, secret)
    sink.verify(new, key_hash, secret)
    return None


def drop_old_copy(sink: SecretSink, old: KeyRef, key_hash: str) -> str | None:
    """After the rename: remove the secret from its old place (only if it is this key's). Never
    raises: the rename is done, and the copy under the new name is verified."""
    try:
        if not sink.readable or sink.recorded_hash(old) != key_hash:
            return None
        sink.remove(old)
    except OrctlError as exc:
        return f"the old copy of the secret could not be removed from {sink.location(old)}: {exc.message}"
    return f"secret moved from {sink.location(old)}"


def remove_deleted(sinks: Iterable[SecretSink], ref: KeyRef, key_hash: str) -> list[str]:
    """After a key is deleted: remove its secret from every sink that records its hash under
    ``ref``, and say where a sink that cannot delete still holds it. Never raises: the key is
    already gone, and a sink problem must not turn a done delete into a failure."""
    notes: list[str] = []
    for sink in sinks:
        try:
            if sink.recorded_hash(ref) != key_hash:
                continue
            if sink.remove(ref):
                notes.append(f"its secret was removed from {sink.location(ref)}")
            else:
                notes.append(f"sink '{sink.name}' cannot delete; remove the secret at {sink.location(ref)} by hand")
        except OrctlError as exc:
            notes.append(f"its secret could not be removed from sink '{sink.name}': {exc.message}")
    return notes
