"""Thread safety of the in-process transport (orctl reads concurrently from threads)."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from openrouter_iac.emulator import IN_PROCESS_BASE_URL, Emulator
from openrouter_iac.emulator.runner import ServeError, ServeOptions, serve


def test_many_threads_share_one_transport() -> None:
    emulator = Emulator()
    transport = emulator.transport()
    headers = {"Authorization": f"Bearer {emulator.management_key}"}

    def work(worker: int) -> list[int]:
        statuses = []
        with httpx.Client(transport=transport, base_url=IN_PROCESS_BASE_URL, headers=headers) as client:
            for index in range(25):
                statuses.append(client.post("/keys", json={"name": f"t{worker}-{index}"}).status_code)
                statuses.append(client.get("/keys", params={"include_disabled": "true"}).status_code)
                statuses.append(client.get("/workspaces").status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = [s for statuses in pool.map(work, range(10)) for s in statuses]
    assert set(results) == {200, 201}
    assert len(emulator.state.keys) == 250
    assert emulator.stats.snapshot()["requests"] == 750
    assert emulator.revision == 250


def test_racing_creates_of_one_slug_yield_exactly_one_workspace() -> None:
    emulator = Emulator()
    barrier = threading.Barrier(12)

    def create(_: int) -> int:
        barrier.wait()
        status, _payload = emulator.call("POST", "/workspaces", {"name": "Race", "slug": "race"})
        return status

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(create, range(12)))
    assert statuses == [201] + [400] * 11
    assert sum(w["slug"] == "race" for w in emulator.state.workspaces.values()) == 1


def test_serve_warns_for_an_explicit_non_loopback_host_and_refuses_an_implicit_one(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="non-loopback"):
        serve(ServeOptions(host="0.0.0.0", host_explicit=False, state=None), out=io.StringIO(), err=io.StringIO())
    out, err, stop = io.StringIO(), io.StringIO(), threading.Event()
    options = ServeOptions(host="0.0.0.0", host_explicit=True, state=tmp_path / "s.json", autosave_interval_s=0.05)
    thread = threading.Thread(target=serve, args=(options,), kwargs={"out": out, "err": err, "stop": stop})
    thread.start()
    deadline = time.monotonic() + 60  # only a hang takes that long; a busy machine may take seconds
    while "listening on" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(timeout=60)
    assert not thread.is_alive() and "listening on" in out.getvalue(), err.getvalue()
    assert "warning: the emulator will listen on 0.0.0.0" in err.getvalue()
    assert "management key: sk-or-mgmt-" in out.getvalue()
    assert (tmp_path / "s.json").exists()
