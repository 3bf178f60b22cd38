"""Fixtures for the emulator tests: a fresh emulator, clients, the OpenAPI spec."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from emulator_support import SPEC_ENV, FakeClock, spec_path
from spec_2026 import overlay

from openrouter_iac.emulator import IN_PROCESS_BASE_URL, Emulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    return Emulator(clock=clock, id_seed=1234)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    """Management-key client over the in-process transport."""
    with httpx.Client(
        transport=emulator.transport(),
        base_url=IN_PROCESS_BASE_URL,
        headers={"Authorization": f"Bearer {emulator.management_key}"},
    ) as http:
        yield http


@pytest.fixture
def anon(emulator: Emulator) -> Iterator[httpx.Client]:
    """A client that sends no Authorization header."""
    with httpx.Client(transport=emulator.transport(), base_url=IN_PROCESS_BASE_URL) as http:
        yield http


@pytest.fixture
def as_key(emulator: Emulator) -> Iterator[Callable[[str], httpx.Client]]:
    """Factory: a client authenticated with a given key secret."""
    opened: list[httpx.Client] = []

    def make(secret: str) -> httpx.Client:
        http = httpx.Client(
            transport=emulator.transport(),
            base_url=IN_PROCESS_BASE_URL,
            headers={"Authorization": f"Bearer {secret}"},
        )
        opened.append(http)
        return http

    yield make
    for http in opened:
        http.close()


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    path = spec_path()
    if path is None or not path.exists():
        pytest.skip(
            f"OpenRouter OpenAPI spec not found: set {SPEC_ENV} "
            "or place it at ../shared/reference/openrouter-openapi.yaml"
        )
    import yaml

    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return overlay(loaded)  # the saved spec plus the late-2026 changes (spec_2026.py)
