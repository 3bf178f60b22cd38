"""The versioned JSON envelope a `command` sink reads on stdin, and what its exit code means."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from openrouter_iac.secrets.base import KeyRef

ENVELOPE_VERSION = 1

EXIT_STORED = 0
"""The command stored the secret."""
EXIT_REFUSED = 10
"""The command refused and stored nothing: orctl may delete the new key at once."""
# Any other exit code, a signal or a timeout means the outcome is unknown: the secret may be stored.

Outcome = Literal["stored", "refused", "unknown"]


def outcome_of(returncode: int) -> Outcome:
    """What a command's exit status says about the secret."""
    if returncode == EXIT_STORED:
        return "stored"
    if returncode == EXIT_REFUSED:
        return "refused"
    return "unknown"


def operation_id(ref: KeyRef, key_hash: str) -> str:
    """The same for every delivery of one key's secret to one place, so a receiver can tell a
    repeated delivery from a new one (the hash alone changes with every new key)."""
    digest = hashlib.sha256(f"{ref.workspace}\0{ref.key}\0{key_hash}".encode()).hexdigest()
    return f"orctl-{digest[:32]}"


def envelope(ref: KeyRef, key_hash: str, secret: str, expires_at: str | None) -> bytes:
    """One JSON object and a newline. The secret is in it: never log what this returns."""
    body = {
        "version": ENVELOPE_VERSION,
        "operation_id": operation_id(ref, key_hash),
        "workspace": ref.workspace,
        "key": ref.key,
        "key_hash": key_hash,
        "secret": secret,
        "expires_at": expires_at,
    }
    return (json.dumps(body, sort_keys=True) + "\n").encode()
