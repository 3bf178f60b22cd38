"""Suite-wide test settings.

The policy gate of `orctl apply` (refusing configs with `orctl lint` errors) is tested in
tests/policy/. The rest of the suite applies small configs written for what it tests (bare keys,
no budgets), so it turns the gate off the way a user can, with ORCTL_ALLOW_POLICY_VIOLATIONS=1.

Secret hygiene across the whole suite: every key secret a test makes is registered, secrets the
in-process emulator mints (a hook on its key-creation source) and secrets found in sink files
under a test's tmp_path (servers run as subprocesses mint theirs out of reach). After each test
its captured output and the plan, report, log and markdown files it left are searched for every
registered secret; cassettes are searched at the end. A hit fails the session, naming the file,
never the secret.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from openrouter_iac.emulator.env import Env

# Property tests: no deadline and no "too slow" health check anywhere (a busy machine is slow,
# not wrong). Under CI the examples are derandomized (the same ones every run, no example
# database): a CI run must not fail on the luck of a draw; a local run keeps exploring.
settings.register_profile("orctl", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("orctl-ci", parent=settings.get_profile("orctl"), derandomize=True, database=None)
_IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
settings.load_profile("orctl-ci" if _IN_CI else "orctl")

POLICY_TESTS = Path(__file__).resolve().parent / "policy"


# What a developer's shell or a CI machine may set that would point the tests elsewhere: a real
# management key or account, a proxy for the loopback servers, a tiny timeout, tracebacks on.
# Tests that need one set it themselves.
_AMBIENT = (
    "OPENROUTER_BASE_URL",
    "OPENROUTER_MANAGEMENT_KEY",
    "ORCTL_TIMEOUT",
    "ORCTL_DEBUG",
    *(f"{name}_PROXY" for name in ("HTTP", "HTTPS", "ALL", "NO")),
    *(f"{name}_proxy" for name in ("http", "https", "all", "no")),
)


@pytest.fixture(autouse=True, scope="session")
def _no_ambient_settings() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:  # session-wide: session fixtures apply configs too
        for name in _AMBIENT:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(autouse=True)
def _policy_gate(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if POLICY_TESTS in Path(str(request.node.path)).resolve().parents:
        monkeypatch.delenv("ORCTL_ALLOW_POLICY_VIOLATIONS", raising=False)
    else:
        monkeypatch.setenv("ORCTL_ALLOW_POLICY_VIOLATIONS", "1")


_SECRETS: set[str] = set()
_LEAKS: list[str] = []
_KEY = re.compile(r"sk-or-v1-[0-9a-f]{64}")
_OUTPUT_SUFFIXES = {".json", ".md", ".txt", ".log", ".sarif", ".out", ".err", ".bin"}
_SINK_SUFFIXES = {".key", ".env"}
_CASSETTES = Path(__file__).parent / "contract" / "cassettes"
_original = Env.new_inference_secret


def _registering(self: Env) -> str:
    secret = _original(self)
    _SECRETS.add(secret)
    return secret


Env.new_inference_secret = _registering  # type: ignore[method-assign]


def _leaked(text: str) -> bool:
    return any(secret in text for secret in _KEY.findall(text) if secret in _SECRETS)


def _is_sink(path: Path) -> bool:
    return path.suffix in _SINK_SUFFIXES or "secrets" in path.parts or "vault" in path.name


@pytest.fixture(autouse=True)
def _secret_hygiene(request: pytest.FixtureRequest) -> Iterator[None]:
    if "tmp_path" not in request.fixturenames:
        yield
        return
    root: Path = request.getfixturevalue("tmp_path")
    yield
    files = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    for path in files:
        if _is_sink(path):
            _SECRETS.update(_KEY.findall(path.read_text(errors="replace")))
    outputs = [p for p in files if not _is_sink(p) and p.suffix in _OUTPUT_SUFFIXES and "emulator" not in p.name]
    for path in outputs:
        if _leaked(path.read_text(errors="replace")):
            _LEAKS.append(f"{request.node.nodeid}: {path.relative_to(root)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    for name, text in report.sections:
        if _leaked(text):
            _LEAKS.append(f"{item.nodeid}: {name}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _CASSETTES.is_dir():
        for cassette in _CASSETTES.rglob("*"):
            if cassette.is_file() and _leaked(cassette.read_text(errors="replace")):
                _LEAKS.append(f"cassette {cassette.name}")
    if _LEAKS:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["a key secret made by a test appeared outside its sink:", *(f"  {leak}" for leak in _LEAKS)]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def registered_secrets() -> int:
    """How many secrets the suite has registered so far (for the hygiene self-test)."""
    return len(_SECRETS)
