"""Fixtures for the secrets tests: keyring backends that never touch a real keyring."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backends.fail
import pytest
from secrets_support import MemoryKeyring


@pytest.fixture(autouse=True)
def no_real_keyring() -> Iterator[None]:
    """No test may reach a developer's real keyring: the fail backend is installed by default."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
