"""Fixtures of the adoption tests: a clean working directory and two emulated accounts on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backends.fail
import pytest
from adopt_support import MESSY_SEED, Account, build_by_hand

from openrouter_iac.emulator import Emulator, emulator_from_seed, load_seed_file, start_server


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh working directory, no ambient OpenRouter settings, never a prompt or a real keyring."""
    monkeypatch.chdir(tmp_path)
    for name in ("OPENROUTER_BASE_URL", "OPENROUTER_MANAGEMENT_KEY", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "1")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _serve(emulator: Emulator) -> Iterator[Account]:
    server = start_server(emulator)
    try:
        yield Account(emulator, server)
    finally:
        server.stop()


@pytest.fixture
def messy() -> Iterator[Account]:
    """The shipped messy account: duplicate names, hand-made guardrails, BYOK, destinations, presets."""
    yield from _serve(emulator_from_seed(load_seed_file(MESSY_SEED), id_seed=11))


@pytest.fixture
def handmade() -> Iterator[Account]:
    """An account made by hand through the HTTP API, as a person in the dashboard would."""
    for account in _serve(Emulator(id_seed=12)):
        build_by_hand(account)
        yield account


@pytest.fixture
def tamper(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tamper(rewrite)``: every real HTTP exchange still happens, then ``rewrite(request, response)``
    may return another response for orctl to see (None keeps the real one)."""
    original = httpx.HTTPTransport.handle_request

    def install(rewrite: Any) -> None:
        def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            response = original(self, request)
            response.read()
            replaced = rewrite(request, response)
            return response if replaced is None else replaced

        monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)

    return install
