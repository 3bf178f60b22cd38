"""Clock, identifiers and secrets, in one place so tests can make them deterministic."""

from __future__ import annotations

import hashlib
import random
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

# Namespace for ids the platform derives from other ids (the workspace default guardrail).
_DERIVED_NAMESPACE = uuid.UUID("6f1c5a0e-3d2b-4c7e-9a41-0b8f2d7e5c93")


def iso(moment: datetime) -> str:
    """Upstream style timestamp: ``2025-08-24T10:30:00.000Z``."""
    utc = moment.astimezone(UTC)
    # Not strftime: its %Y gives "17", not "0017", for early years on glibc.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derived_uuid(kind: str, parent_id: str) -> str:
    """A stable uuid computed from another id (same input, same output, across restarts)."""
    return str(uuid.uuid5(_DERIVED_NAMESPACE, f"{kind}:{parent_id}"))


class Env:
    """Source of time, uuids and key material. ``id_seed`` makes ids and secrets reproducible."""

    def __init__(self, clock: Callable[[], datetime] | None = None, id_seed: int | str | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._random = random.Random(id_seed) if id_seed is not None else None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._clock()

    def now_iso(self) -> str:
        return iso(self._clock())

    def _hex(self, nbytes: int) -> str:
        if self._random is None:
            return secrets.token_hex(nbytes)
        with self._lock:
            return self._random.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()

    def new_uuid(self) -> str:
        return str(uuid.UUID(hex=self._hex(16), version=4))

    def new_inference_secret(self) -> str:
        return "sk-or-v1-" + self._hex(32)

    def new_management_secret(self) -> str:
        return "sk-or-mgmt-" + self._hex(32)

    def new_user_id(self) -> str:
        # Clerk-style ids like upstream's ``user_2dHFtVWx2n56w6HkM0000000000``.
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        raw = int(self._hex(20), 16)
        chars = []
        for _ in range(26):
            raw, digit = divmod(raw, len(alphabet))
            chars.append(alphabet[digit])
        return "user_2" + "".join(chars)

    def new_org_id(self) -> str:
        return "org_" + self.new_user_id()[5:]


def mask_key_label(secret: str) -> str:
    """``sk-or-v1-0e6f...951c96`` -> ``sk-or-v1-0e6...1c96`` (the API key ``label``)."""
    prefix, _, body = secret.rpartition("-")
    return f"{prefix}-{body[:3]}...{body[-4:]}"


def mask_secret(value: str, head: int = 4) -> str:
    """Masked preview of a provider secret, e.g. ``sk-l...AbCd``; short values are fully hidden."""
    if len(value) < 12:
        return "****"
    return f"{value[:head]}...{value[-4:]}"
