"""Fixtures of the `orctl plan` CLI tests: an emulated account on loopback, a converged account,
instant retries, and a hook to tamper with HTTP answers on their way back to orctl."""

from __future__ import annotations

import copy
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import keyring.backends.fail
import pytest
from plan_cli_support import AGENCY, Api, Rewrite, orctl

from openrouter_iac.client.retry import RetryPolicy
from openrouter_iac.emulator import Emulator, State, start_server


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


def _serve(emulator: Emulator) -> Iterator[Api]:
    server = start_server(emulator)
    try:
        yield Api(emulator, server)
    finally:
        server.stop()


@pytest.fixture
def api() -> Iterator[Api]:
    """A fresh emulated account (only the default workspace) served on loopback."""
    yield from _serve(Emulator())


@pytest.fixture(scope="session")
def converged_state(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The emulator state after `orctl apply` of the agency example (made once per session), and a
    copy of the secrets that apply stored (`secrets`), which belong to that state's keys."""
    workdir = tmp_path_factory.mktemp("converged")
    emulator = Emulator()
    server = start_server(emulator)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(workdir)
            patch.setenv("CI", "1")
            env = {"OPENROUTER_BASE_URL": server.base_url, "OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
            applied = orctl("apply", "-c", AGENCY, "--auto-approve", env=env)
            assert applied.exit_code == 0, applied.output
    finally:
        server.stop()
    shutil.copytree(AGENCY / ".orctl", workdir / "secrets")
    return {"state": emulator.snapshot(), "secrets": workdir / "secrets"}


@pytest.fixture
def converged_api(converged_state: dict[str, Any]) -> Iterator[Api]:
    """An account that already matches the agency example, served on loopback; the example's sinks
    hold that account's secrets again (another test may have applied the example elsewhere)."""
    shutil.rmtree(AGENCY / ".orctl", ignore_errors=True)
    shutil.copytree(converged_state["secrets"], AGENCY / ".orctl")
    yield from _serve(Emulator(State.from_json(copy.deepcopy(converged_state["state"]))))


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str | None]]:
    """Retries without waiting; records each (retry number, Retry-After) the client asked to wait for."""
    waits: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def delay(self: RetryPolicy, retry_number: int, retry_after: str | None = None) -> float:
        with lock:
            waits.append((retry_number, retry_after))
        return 0.0

    monkeypatch.setattr(RetryPolicy, "delay", delay)
    return waits


@pytest.fixture
def tamper(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tamper(rewrite)``: every real HTTP exchange still happens, then ``rewrite(request, response)``
    may return another response for orctl to see (None keeps the real one). Called from orctl's
    reader threads, so rewrites that keep state must lock."""
    original = httpx.HTTPTransport.handle_request

    def install(rewrite: Rewrite) -> None:
        def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            response = original(self, request)
            response.read()
            replaced = rewrite(request, response)
            return response if replaced is None else replaced

        monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)

    return install
