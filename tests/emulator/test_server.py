"""The loopback HTTP server: real sockets, concurrency, dropped responses, the serve command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from emulator_support import REPO_ROOT, error, ok

from openrouter_iac.emulator import Emulator, FaultConfig, NonLoopbackError, ServerHandle, start_server


@pytest.fixture
def served() -> Iterator[ServerHandle]:
    with start_server(Emulator(), "127.0.0.1", 0) as handle:
        yield handle


def test_urls_and_basic_round_trip(served: ServerHandle) -> None:
    assert served.base_url == f"http://127.0.0.1:{served.port}/api/v1"
    assert served.admin_url.endswith("/_emulator")
    headers = {"Authorization": f"Bearer {served.emulator.management_key}"}
    with httpx.Client(base_url=served.base_url, headers=headers) as client:
        created = ok(client.post("/keys", json={"name": "over-http"}), 201)
        assert created["key"].startswith("sk-or-v1-")
        response = client.get("/keys")
        assert response.headers["content-type"] == "application/json"
        assert [k["name"] for k in ok(response)["data"]] == ["over-http"]
        error(client.get("/keys", headers={"Authorization": ""}), 401)
    assert httpx.get(served.root_url + "/elsewhere").status_code == 404


def test_concurrent_clients_see_a_consistent_account(served: ServerHandle) -> None:
    headers = {"Authorization": f"Bearer {served.emulator.management_key}"}

    def work(worker: int) -> int:
        with httpx.Client(base_url=served.base_url, headers=headers) as client:
            for index in range(15):
                assert client.post("/keys", json={"name": f"w{worker}-{index}"}).status_code == 201
                assert client.get("/keys").status_code == 200
        return worker

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    status, payload = served.emulator.call("GET", "/keys", query="offset=100")
    assert status == 200 and len(payload["data"]) == 20
    assert len(served.emulator.state.keys) == 120
    assert served.emulator.stats.snapshot()["internal_errors"] == 0


def test_dropped_response_closes_the_connection_after_commit() -> None:
    emulator = Emulator(faults=FaultConfig.single(operation="POST /workspaces", drop_nth=(1,)))
    with start_server(emulator) as handle:
        headers = {"Authorization": f"Bearer {emulator.management_key}"}
        with httpx.Client(base_url=handle.base_url, headers=headers) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                client.post("/workspaces", json={"name": "Lost", "slug": "lost"})
            assert ok(client.get("/workspaces/lost"))["data"]["name"] == "Lost"


def test_refuses_non_loopback_unless_allowed() -> None:
    with pytest.raises(NonLoopbackError):
        start_server(Emulator(), "0.0.0.0", 0)


def _spawn(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "openrouter_iac.emulator", "--print-json", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise AssertionError(f"emulator did not start: {process.stderr.read() if process.stderr else ''}")
    return process, json.loads(line)


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_serve_subprocess_prints_json_and_persists_across_restarts(tmp_path: Path) -> None:
    state = tmp_path / "state" / "server.json"
    started = time.monotonic()
    process, info = _spawn("--state", str(state), cwd=tmp_path)
    try:
        assert set(info) >= {"base_url", "management_key", "admin_url"}
        headers = {"Authorization": f"Bearer {info['management_key']}"}
        ok(httpx.get(info["base_url"] + "/workspaces", headers=headers))
        assert time.monotonic() - started < 15  # a second or two; the margin is for a busy machine
        created = ok(httpx.post(info["base_url"] + "/keys", json={"name": "survivor"}, headers=headers), 201)
    finally:
        _stop(process)
    assert process.stdout is not None and process.stderr is not None
    printed = process.stdout.read() + process.stderr.read()
    assert created["key"] not in printed and "survivor" not in printed  # no request logging at all
    saved = json.loads(state.read_text())
    assert [k["name"] for k in saved["keys"].values()] == ["survivor"]
    assert created["key"] not in state.read_text()
    process, info2 = _spawn("--state", str(state), cwd=tmp_path)
    try:
        assert info2["management_key"] == info["management_key"]
        listed = ok(httpx.get(info2["base_url"] + "/keys", headers=headers))
        assert [k["name"] for k in listed["data"]] == ["survivor"]
    finally:
        _stop(process)


def test_serve_subprocess_with_seed_and_faults(tmp_path: Path) -> None:
    seed = REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"
    process, info = _spawn(
        "--ephemeral", "--seed", str(seed), "--fault-operation", "GET /workspaces", "--throttle-rate", "1",
        "--read-only-key", cwd=tmp_path,
    )  # fmt: skip
    try:
        read_only = {"Authorization": f"Bearer {info['read_only_management_key']}"}
        assert info["read_only_management_key"] != info["management_key"]
        ok(httpx.get(info["base_url"] + "/guardrails", headers=read_only))
        error(httpx.post(info["base_url"] + "/keys", json={"name": "x"}, headers=read_only), 403)
        headers = {"Authorization": f"Bearer {info['management_key']}"}
        assert httpx.get(info["base_url"] + "/workspaces", headers=headers).status_code == 429
        guardrails = ok(httpx.get(info["base_url"] + "/guardrails", headers=headers))
        assert guardrails["total_count"] >= 3
        stats = ok(httpx.get(info["admin_url"] + "/stats", headers=headers))
        assert stats["faults"]["throttled"] == 1
    finally:
        _stop(process)
    assert not (tmp_path / ".orctl").exists()  # --ephemeral saved nothing


def test_serve_refuses_bad_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"format": "something"}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_iac.emulator", "--state", str(state)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        timeout=30,
    )
    assert result.returncode == 1
    assert "not an orctl emulator state file" in result.stderr and "--fresh" in result.stderr


def test_a_seeded_server_is_built_before_its_faults_apply() -> None:
    # The seed is written through the API; faults meant for orctl's traffic must not refuse it,
    # and --id-seed must hold for a seeded account as for an empty one.
    from openrouter_iac.emulator.faults import FaultRule
    from openrouter_iac.emulator.runner import ServeOptions, build_emulator

    seed = REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"
    faults = FaultConfig(rules=(FaultRule(throttle_rate=1.0, error_rate=1.0),))
    ids = []
    for _ in range(2):
        emulator = build_emulator(ServeOptions(state=None, seed=seed, faults=faults, id_seed=7))
        with emulator.locked() as state:
            ids.append(sorted(state.workspaces))
        status, _payload = emulator.call("GET", "/workspaces", None)
        assert status == 429  # the faults hold from the first request on
    assert ids[0] == ids[1]
