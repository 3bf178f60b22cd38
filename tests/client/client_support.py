"""Helpers for the client tests: fake keys, scripted HTTP answers, keyring backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import keyring.backend
import keyring.errors

from openrouter_iac.client import OpenRouterClient

# Fake, test-only key values. The second is not key-shaped, so only exact-value redaction hides it.
FAKE_KEY = "sk-or-mgmt-fake-test-only-0123456789abcdef"
FAKE_PLAIN_KEY = "fake-test-only-management-token-QWERTY"
BASE_URL = "https://api.test/api/v1"

Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def api_error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return json_response(status, {"error": {"code": status, "message": message}}, headers)


@dataclass
class Script:
    """A MockTransport handler answering each request with the next scripted step."""

    steps: list[Step]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            if isinstance(step, httpx.RequestError):
                step.request = request  # as httpx does: the exception carries the request
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)


@dataclass
class Harness:
    client: OpenRouterClient
    script: Script
    sleeps: list[float]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring backend, secure as far as orctl can tell."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend to orctl's safety check."""


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A backend whose every call fails, e.g. a locked Secret Service."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("the collection is locked")
