"""Shared test data and keyring backends for the secrets tests (imported by name, like client_support)."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

# Tests assert these never appear in messages, argv or the environment. SECRET looks like an
# OpenRouter key (which `redact` masks by shape anyway); PLAIN_SECRET does not, so only explicit
# redaction of the exact value can hide it.
SECRET = "sk-or-v1-" + "3f9a1c" * 10 + "beef"
PLAIN_SECRET = "zQ8vL2pX9mK4nR7tW1yB6cF3hJ5dG0sA"
KEY_HASH = "a" * 40 + "0123456789abcdef0123456789ab"


class MemoryKeyring(KeyringBackend):
    """A recommended-priority in-memory backend."""

    priority: float = 1.0
    viable = False  # keep keyring's own backend discovery from ever picking this class

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class PlaintextKeyring(MemoryKeyring):
    """Claims a high priority but says plaintext in its name, like keyrings.alt's."""

    priority = 5.0


class LowPriorityKeyring(MemoryKeyring):
    priority = 0.5


class BrokenKeyring(MemoryKeyring):
    """Fails every write, with a message that (badly) repeats what it was given."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked(f"locked; could not save {password}")
