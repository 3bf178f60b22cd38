"""The `keyring` sink: the OS credential store, refusing backends that would not protect the secret."""

from __future__ import annotations

import contextlib
import hmac
import secrets
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from openrouter_iac.errors import SinkError
from openrouter_iac.model.sinks import KeyringSinkSpec
from openrouter_iac.secrets.base import BaseSink, KeyRef

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

HASH_SUFFIX = "#hash"
_INSECURE_HINT = (
    "install and unlock a real keyring (macOS Keychain, GNOME Keyring/KWallet over D-Bus, Windows "
    "Credential Locker), pick one with PYTHON_KEYRING_BACKEND, or use a file/command sink instead; "
    "set allow_insecure_backend: true only if you accept this backend"
)


def backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _priority(backend: KeyringBackend) -> float | None:
    # `priority` is a class property that may raise when the backend is not viable.
    try:
        return float(type(backend).priority)
    except Exception:
        return None


def insecure_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` should not hold secrets, or None if it is a recommended backend."""
    from keyring.backends import chainer, fail, null

    name = backend_name(backend)
    if isinstance(backend, chainer.ChainerBackend):
        # A chain falls through to its next backend when one fails, so every link must be sound
        # (the same rule `orctl auth login` applies).
        chained = list(backend.backends)
        if not chained:
            return f"the backend {name} has no backend to chain to"
        return next(filter(None, map(insecure_reason, chained)), None)
    if isinstance(backend, fail.Keyring):
        return f"no keyring is available (the backend is {name}, which stores nothing)"
    if isinstance(backend, null.Keyring):
        return f"the backend {name} silently discards whatever it is given"
    if "plaintext" in name.lower() or (name.startswith("keyrings.alt") and "Encrypted" not in name):
        return f"the backend {name} stores secrets unencrypted on disk"
    priority = _priority(backend)
    if priority is None or priority < 1:
        shown = "unknown" if priority is None else f"{priority:g}"
        return f"the backend {name} is not a recommended keyring (priority {shown}, below 1)"
    return None


_BACKEND_CALLS = threading.RLock()
"""Keyring backends promise nothing about threads (some rewrite one file per write): a parallel
apply talks to the keyring one call at a time."""


class KeyringSink(BaseSink):
    """Stores the secret under service `spec.service`, username `<workspace>/<key>`; the hash under
    `<workspace>/<key>#hash`."""

    kind = "keyring"
    readable = True

    def __init__(self, name: str, spec: KeyringSinkSpec) -> None:
        super().__init__(name)
        self.spec = spec

    @staticmethod
    def username(ref: KeyRef) -> str:
        return str(ref)

    def _backend(self) -> KeyringBackend:
        # Imported lazily: loading keyring can probe D-Bus, which is slow and pointless for commands
        # that never store a secret.
        import keyring

        return keyring.get_keyring()

    def check_usable(self, refs: Sequence[KeyRef]) -> None:
        backend = self._backend()
        reason = insecure_reason(backend)
        if reason and not self.spec.allow_insecure_backend:
            raise self.error(refs, f"refusing to store secrets: {reason}", hint=_INSECURE_HINT)
        self._probe(backend, refs)

    def _probe(self, backend: KeyringBackend, refs: Sequence[KeyRef]) -> None:
        """Write, read back and delete a throwaway entry, so a locked or broken keyring fails now,
        before any key exists, rather than after the API has minted one."""
        username = f"orctl-probe/{secrets.token_hex(8)}"
        value = secrets.token_urlsafe(24)
        step = "write"
        try:
            backend.set_password(self.spec.service, username, value)
            step = "read back"
            readback = backend.get_password(self.spec.service, username)
            if readback != value:
                raise self.error(
                    refs,
                    f"the keyring backend {backend_name(backend)} did not return a test entry just "
                    "written to it, so it cannot hold secrets",
                    hint="use a working keyring backend (see `keyring diagnose`) or another sink",
                )
            step = "delete"
            backend.delete_password(self.spec.service, username)
        except SinkError:
            raise
        except Exception as exc:
            raise self.error(
                refs,
                f"the keyring backend {backend_name(backend)} failed to {step} a test entry: "
                f"{type(exc).__name__}: {exc}",
                hint="unlock the keyring (on headless Linux: run inside dbus-run-session with "
                "gnome-keyring-daemon --unlock) or use another sink",
            ) from None

    def store(self, ref: KeyRef, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        self.require_secret(ref, secret)
        from keyring.errors import PasswordDeleteError

        backend = self._backend()
        user = self.username(ref)
        try:
            with _BACKEND_CALLS:
                # Drop the old hash first: a stale hash must never appear to describe the new secret.
                with contextlib.suppress(PasswordDeleteError):  # nothing recorded yet
                    backend.delete_password(self.spec.service, user + HASH_SUFFIX)
                backend.set_password(self.spec.service, user, secret)
                backend.set_password(self.spec.service, user + HASH_SUFFIX, key_hash)
        except Exception as exc:
            raise self._backend_error(ref, backend, "store the secret", exc, secret) from None

    def verify(self, ref: KeyRef, key_hash: str, secret: str) -> None:
        stored = self.read_secret(ref)
        if stored is None or not hmac.compare_digest(stored.encode(), secret.encode()):
            raise self.error(
                ref,
                f"the keyring entry {self.spec.service}/{self.username(ref)} does not hold the secret "
                "that was just stored",
                secret=secret,
            )
        if self.recorded_hash(ref) != key_hash:
            raise self.error(ref, f"the keyring does not hold the key hash {key_hash}", secret=secret)

    def recorded_hash(self, ref: KeyRef) -> str | None:
        return self._get(ref, self.username(ref) + HASH_SUFFIX, "read the recorded hash")

    def read_secret(self, ref: KeyRef) -> str | None:
        return self._get(ref, self.username(ref), "read the secret")

    def _get(self, ref: KeyRef, user: str, what: str) -> str | None:
        backend = self._backend()
        try:
            with _BACKEND_CALLS:
                return backend.get_password(self.spec.service, user) or None
        except Exception as exc:
            raise self._backend_error(ref, backend, what, exc, None) from None

    def remove(self, ref: KeyRef) -> bool:
        from keyring.errors import PasswordDeleteError

        backend = self._backend()
        user = self.username(ref)
        try:
            with _BACKEND_CALLS:
                for entry in (user + HASH_SUFFIX, user):  # the hash first, as in store
                    with contextlib.suppress(PasswordDeleteError):  # nothing there
                        backend.delete_password(self.spec.service, entry)
        except Exception as exc:
            raise self._backend_error(ref, backend, "delete the secret", exc, None) from None
        return True

    def location(self, ref: KeyRef) -> str:
        return f"keyring {self.spec.service}/{self.username(ref)}"

    def _backend_error(
        self, ref: KeyRef, backend: KeyringBackend, what: str, exc: Exception, secret: str | None
    ) -> SinkError:
        return self.error(
            ref,
            f"the keyring backend {backend_name(backend)} failed to {what}: {type(exc).__name__}: {exc}",
            hint="check that the keyring is unlocked and reachable",
            secret=secret,
        )
