"""`orctl apply` with independent changes at once (the default --parallelism 10) and one by one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from apply_harness import Harness

from openrouter_iac.cli import apply_cmd
from openrouter_iac.cli.session import ApiOptions, ApiSession
from openrouter_iac.client import OpenRouterClient, RequestGate
from openrouter_iac.emulator.app import IN_PROCESS_BASE_URL
from openrouter_iac.emulator.faults import FaultConfig
from openrouter_iac.secrets import dotenv


def write_config(cwd: Path, keys: int) -> Path:
    lines = [
        "version: 1",
        "secret_sinks:",
        "  ci: {type: env-file, path: 'secrets/ci.env'}",
        "workspaces:",
        "  team:",
        "    name: Team",
        "    guardrails:",
        "      capped: {budget: {limit_usd: 5, reset: monthly}}",
        "    keys:",
    ]
    lines += [f"      key-{i:02d}: {{limit: 1, secret_sink: ci, guardrail: capped}}" for i in range(keys)]
    path = cwd / "orctl.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_keys_created_at_once_all_reach_one_env_file_and_the_log_keeps_plan_order(harness: Harness) -> None:
    config = write_config(harness.cwd, 30)
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Converged" in result.stdout
    values = dotenv.parse((harness.cwd / "secrets" / "ci.env").read_text())
    assert len(values) == 60  # a secret and a hash line per key: none lost to a concurrent rewrite
    started = [line.split(" ...")[0] for line in result.stderr.splitlines() if " ... " in line]
    keys = [line for line in started if line.startswith("+ api_key:")]
    assert keys == [f"+ api_key:team/key-{i:02d}" for i in range(30)]
    assert started.index("+ guardrail:team/capped") < started.index("+ api_key:team/key-00")
    assert all(k["name"].startswith("key-") for k in harness.live_keys())


def test_parallelism_one_applies_the_same_plan_one_change_after_another(harness: Harness) -> None:
    config = write_config(harness.cwd, 5)
    result = harness.orctl("apply", "-c", str(config), "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 0, result.output
    assert len(dotenv.parse((harness.cwd / "secrets" / "ci.env").read_text())) == 10


def test_429s_under_parallel_creates_are_waited_out_and_converge(harness: Harness) -> None:
    config = write_config(harness.cwd, 20)
    harness.emulator.faults.configure(FaultConfig.single(throttle_rate=0.1, retry_after_s=0, seed=11))
    result = harness.orctl("apply", "-c", str(config), "--auto-approve")
    harness.emulator.faults.configure(FaultConfig())
    assert result.exit_code == 0, result.output
    names = sorted(k["name"] for k in harness.live_keys())
    assert names == [f"key-{i:02d}" for i in range(20)]


class CountingTransport(httpx.BaseTransport):
    """Counts the requests in flight through it. Key creates wait until ``full`` requests are in
    flight at once (then none waits), so the cap is reached however a loaded machine schedules
    the threads (a 10 ms sleep left the overlap to chance)."""

    def __init__(self, inner: httpx.BaseTransport, full: int) -> None:
        self.inner = inner
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.full = full
        self.filled = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self.full:
                self.filled.set()
        try:
            if request.method == "POST" and request.url.path.endswith("/keys"):
                self.filled.wait(timeout=30)
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.now -= 1


def test_no_more_requests_are_in_flight_than_the_parallelism(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = CountingTransport(harness.emulator.transport(), full=6)

    @contextmanager
    def session(options: ApiOptions) -> Iterator[ApiSession]:
        gate = RequestGate(options.parallelism)
        client = OpenRouterClient(
            IN_PROCESS_BASE_URL, harness.emulator.management_key, transport=counting, sleep=lambda _: None, gate=gate
        )
        with client:
            yield ApiSession(client, IN_PROCESS_BASE_URL, options.parallelism, counting, gate=gate)

    monkeypatch.setattr(apply_cmd, "api_session", session)
    config = write_config(harness.cwd, 40)
    result = harness.orctl("apply", "-c", str(config), "--auto-approve", "--parallelism", "6")
    assert result.exit_code == 0, result.output
    assert counting.most == 6  # twice as many changes run at once; the gate holds the requests to 6
