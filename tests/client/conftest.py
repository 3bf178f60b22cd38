"""Shared fixtures for the client tests: scripted HTTP answers, a fake sleep, keyring backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import keyring
import keyring.backends.fail
import pytest
from client_support import BASE_URL, FAKE_KEY, Harness, MemoryKeyring, Script, Step

from openrouter_iac.client import OpenRouterClient


@pytest.fixture
def harness() -> Iterator[Callable[..., Harness]]:
    """``harness(step, step, ..., **client_kwargs)`` builds a client answering with those steps."""
    made: list[OpenRouterClient] = []

    def make(*steps: Step, key: str = FAKE_KEY, **kwargs: Any) -> Harness:
        script = Script(list(steps))
        sleeps: list[float] = []
        kwargs.setdefault("rand", lambda: 1.0)  # jitter at its ceiling makes delays exact
        client = OpenRouterClient(
            kwargs.pop("base_url", BASE_URL),
            key,
            transport=httpx.MockTransport(script),
            sleep=sleeps.append,
            **kwargs,
        )
        made.append(client)
        return Harness(client, script, sleeps)

    yield make
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def no_real_keyring() -> Iterator[None]:
    """No test may touch the developer's keyring: default to the backend that always fails."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
