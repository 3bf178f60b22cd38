"""Fixtures of the contract tests: a client inside a vcrpy cassette (replayed with the network
blocked, or recorded by record.py), and the OpenAPI spec for the request-conformance test."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import vcr
from contract_support import (
    RECORDING_INFO,
    REPO_ROOT,
    Contract,
    Mode,
    current_mode,
    request_scrubber,
    response_scrubber,
)

from openrouter_iac.client import OpenRouterClient

SPEC_ENV = "ORCTL_OPENAPI_SPEC"
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def mode() -> Mode:
    try:
        return current_mode()
    except FileNotFoundError:
        pytest.fail(f"cassettes/{RECORDING_INFO} is missing: record the cassettes with python tests/contract/record.py")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection or resolve a name fails the test (replay must not need it)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access during a replayed contract test: {args[1:] or kwargs}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def contract(request: pytest.FixtureRequest, mode: Mode) -> Iterator[Contract]:
    """A client whose every exchange is replayed from (or recorded to) ``cassettes/<test>.yaml``."""
    cassette_path = mode.cassettes / f"{request.node.name}.yaml"
    if not mode.recording:
        request.getfixturevalue("no_network")
        if not cassette_path.exists():
            pytest.fail(f"no cassette {cassette_path.name}: record it with python tests/contract/record.py")
    recorder = vcr.VCR(
        record_mode="all" if mode.recording else "none",
        match_on=MATCH_ON,
        before_record_request=request_scrubber(mode.base_url, mode.key),
        before_record_response=response_scrubber(mode.key),
        decode_compressed_response=True,
    )
    with recorder.use_cassette(str(cassette_path)) as cassette:
        contract = Contract(OpenRouterClient(mode.base_url, mode.key, sleep=mode.sleep), mode)
        try:
            yield contract
        finally:
            problems = contract.close()
    call = getattr(request.node, "report_call", None)
    if not mode.recording and call is not None and call.passed:
        assert not problems, problems
        # Every recorded exchange was asked for again: the client still makes the same requests.
        assert cassette.all_played, f"{cassette_path.name}: recorded requests were not made; re-record"


# -- the OpenAPI spec ----------------------------------------------------------------------------


def spec_path() -> Path:
    return Path(os.environ.get(SPEC_ENV) or REPO_ROOT.parent / "shared" / "reference" / "openrouter-openapi.yaml")


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    """The official OpenRouter OpenAPI document, loaded once per session (or the test is skipped)."""
    path = spec_path()
    if not path.is_file():
        pytest.skip(f"OpenRouter OpenAPI spec not found at {path}: set {SPEC_ENV} to check requests against it")
    import yaml

    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with suppress(KeyError):
        assert loaded["openapi"].startswith("3.1"), f"expected an OpenAPI 3.1 document, got {loaded['openapi']}"
    return _overlay_2026(loaded)


def _overlay_2026(spec: dict[str, Any]) -> dict[str, Any]:
    """The saved spec plus the late-2026 changes (tests/emulator/spec_2026.py, one copy for both suites)."""
    import importlib.util

    location = REPO_ROOT / "tests" / "emulator" / "spec_2026.py"
    module_spec = importlib.util.spec_from_file_location("orctl_spec_2026", location)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    overlaid: dict[str, Any] = module.overlay(spec)
    return overlaid
