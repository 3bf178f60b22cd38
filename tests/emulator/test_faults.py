"""Fault injection through the in-process transport: deterministic, targetable, counted."""

from __future__ import annotations

import httpx
import pytest
from emulator_support import error, ok

from openrouter_iac.emulator import IN_PROCESS_BASE_URL, Emulator, FaultConfig, FaultConfigError, FaultRule
from openrouter_iac.emulator.faults import FaultInjector


def make(faults: FaultConfig, **kwargs: object) -> tuple[Emulator, httpx.Client]:
    emulator = Emulator(faults=faults, **kwargs)  # type: ignore[arg-type]
    client = httpx.Client(
        transport=emulator.transport(),
        base_url=IN_PROCESS_BASE_URL,
        headers={"Authorization": f"Bearer {emulator.management_key}"},
    )
    return emulator, client


def test_second_post_keys_commits_then_loses_its_response() -> None:
    emulator, client = make(FaultConfig.single(operation="POST /keys", drop_nth=(2,)))
    ok(client.post("/keys", json={"name": "one"}), 201)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/keys", json={"name": "two"})
    ok(client.post("/keys", json={"name": "three"}), 201)
    # The lost write was committed: a naive retry would have made a duplicate.
    assert sorted(k["name"] for k in ok(client.get("/keys"))["data"]) == ["one", "three", "two"]
    stats = emulator.stats.snapshot()
    assert stats["faults"]["dropped"] == 1 and stats["write_operations"]["POST /keys"] == 3


def test_drop_next_counts_only_matching_writes() -> None:
    _, client = make(FaultConfig.single(methods={"PATCH"}, path_prefix="/keys", drop_next=1))
    created = ok(client.post("/keys", json={"name": "k"}), 201)["data"]
    ok(client.get("/keys"))  # reads never drop
    with pytest.raises(httpx.RemoteProtocolError):
        client.patch(f"/keys/{created['hash']}", json={"name": "renamed"})
    assert ok(client.get(f"/keys/{created['hash']}"))["data"]["name"] == "renamed"
    ok(client.patch(f"/keys/{created['hash']}", json={"name": "again"}))


def test_throttle_answers_429_with_retry_after_and_commits_nothing() -> None:
    emulator, client = make(FaultConfig.single(operation="POST /workspaces", throttle_rate=1.0, retry_after_s=7))
    response = client.post("/workspaces", json={"name": "x", "slug": "x"})
    assert error(response, 429) == "Rate limit exceeded"
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"]["metadata"]["error_type"] == "rate_limit_exceeded"
    assert ok(client.get("/workspaces"))["total_count"] == 1
    assert emulator.stats.snapshot()["faults"]["throttled"] == 1


def test_server_errors_are_seeded_and_reproducible() -> None:
    def run() -> list[int]:
        _, client = make(FaultConfig.single(error_rate=0.5, seed=42))
        return [client.get("/workspaces").status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert set(first) - {200} <= {500, 502, 503}
    assert 5 < first.count(200) < 35


def test_503_carries_retry_after() -> None:
    _, client = make(FaultConfig.single(error_rate=1.0, error_statuses=(503,), retry_after_s=3))
    response = client.get("/workspaces")
    assert error(response, 503) == "Service Unavailable" and response.headers["retry-after"] == "3"


def test_latency_is_slept_outside_the_lock() -> None:
    slept: list[float] = []
    _, client = make(FaultConfig.single(latency_ms=250, path_prefix="/guardrails"), sleep=slept.append)
    ok(client.get("/workspaces"))
    ok(client.get("/guardrails"))
    assert slept == [0.25]


def test_rps_limit_token_bucket() -> None:
    now = [100.0]
    injector = FaultInjector(FaultConfig(rps_limit=2, burst=2), monotonic=lambda: now[0], wall=lambda: 1000.0)
    verdicts = [injector.before("GET", "/keys", "GET /keys").response for _ in range(3)]
    assert [v is None for v in verdicts] == [True, True, False]
    limited = verdicts[2]
    assert limited is not None and limited.status == 429
    assert limited.headers["retry-after"] == "1" and limited.headers["x-ratelimit-limit"] == "2"
    now[0] += 0.5  # one token back at 2 rps
    assert injector.before("GET", "/keys", "GET /keys").response is None
    assert injector.before("GET", "/keys", "GET /keys").response is not None


def test_configuration_round_trips_and_rejects_nonsense() -> None:
    config = FaultConfig(
        rules=(FaultRule(methods=frozenset({"POST"}), path_prefix="/keys", drop_nth=(2, 5), latency_ms=10),),
        rps_limit=50,
        seed=3,
    )
    assert FaultConfig.from_json(config.to_json()) == config
    for bad in (
        {"rules": [{"error_rate": 2}]},
        {"rules": [{"error_statuses": [404]}]},
        {"rules": [{"drop_nth": [0]}]},
        {"rules": [{"path_prefix": "keys"}]},
        {"rules": [{"unknown": 1}]},
        {"rps_limit": 0},
        {"nonsense": True},
    ):
        with pytest.raises(FaultConfigError):
            FaultConfig.from_json(bad)


def test_admin_endpoints_change_faults_at_run_time() -> None:
    emulator, client = make(FaultConfig())
    admin = httpx.Client(transport=emulator.transport(), base_url="http://emulator.invalid/_emulator")
    headers = {"Authorization": f"Bearer {emulator.management_key}"}
    assert error(admin.get("/faults"), 401)
    rule = {"operation": "GET /workspaces", "throttle_rate": 1.0}
    configured = ok(admin.put("/faults", json={"rules": [rule], "seed": 1}, headers=headers))
    assert configured["rules"][0]["throttle_rate"] == 1.0 and configured["counters"] == [
        {"writes_seen": 0, "drop_next_left": 0, "writes_started": 0, "stalled": 0}
    ]
    error(client.get("/workspaces"), 429)
    ok(client.get("/keys"))
    stats = ok(admin.get("/stats", headers=headers))
    assert stats["operations"] == {"GET /keys": 1, "GET /workspaces": 1}
    assert stats["statuses"] == {"200": 1, "429": 1} and stats["faults"]["throttled"] == 1
    assert ok(admin.post("/stats/reset", headers=headers)) == {"reset": True}
    assert ok(admin.get("/stats", headers=headers))["requests"] == 0
    assert "Invalid fault configuration" in error(
        admin.put("/faults", json={"rules": [{"error_rate": 9}]}, headers=headers), 400
    )
    ok(admin.put("/faults", json={}, headers=headers))
    ok(client.get("/workspaces"))
    assert ok(admin.get("/health"))["ok"] is True


def test_stats_name_operations_by_template_and_count_writes(client: httpx.Client, emulator: Emulator) -> None:
    created = ok(client.post("/guardrails", json={"name": "g"}), 201)["data"]
    ok(client.patch(f"/guardrails/{created['id']}", json={"name": "h"}))
    ok(client.get(f"/guardrails/{created['id']}"))
    client.get("/no/such/thing")
    stats = emulator.stats.snapshot()
    assert stats["operations"] == {
        "GET (unmatched)": 1,
        "GET /guardrails/{id}": 1,
        "PATCH /guardrails/{id}": 1,
        "POST /guardrails": 1,
    }
    assert stats["writes"] == 2 and stats["write_operations"] == {"PATCH /guardrails/{id}": 1, "POST /guardrails": 1}


def _in_thread(call: object) -> tuple[object, list[httpx.Response]]:
    import threading

    answers: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answers.append(call()))  # type: ignore[operator]
    thread.start()
    return thread, answers


def _wait_stalled(emulator: Emulator) -> None:
    import time

    deadline = time.monotonic() + 60  # only a bug waits that long; a busy machine may take seconds
    while time.monotonic() < deadline:
        if emulator.faults.counters()[0]["stalled"]:
            return
        time.sleep(0.01)
    raise AssertionError("the stall never held a request")


def test_stall_nth_holds_the_write_before_it_runs_and_release_answers_503_unrun() -> None:
    emulator, client = make(FaultConfig.single(methods={"POST", "PATCH"}, stall_nth=(2,)))
    ok(client.post("/keys", json={"name": "one"}), 201)
    thread, answers = _in_thread(lambda: client.post("/keys", json={"name": "two"}))
    _wait_stalled(emulator)
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["one"]  # reads go on meanwhile
    emulator.faults.configure(FaultConfig())  # releases it
    thread.join(60)  # type: ignore[attr-defined]
    assert answers[0].status_code == 503
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["one"]
    assert emulator.stats.snapshot()["faults"]["stalled"] == 1


def test_stall_committed_nth_runs_the_write_then_holds_its_answer() -> None:
    emulator, client = make(FaultConfig.single(operation="POST /keys", stall_committed_nth=(1,), stall_s=30))
    thread, answers = _in_thread(lambda: client.post("/keys", json={"name": "one"}))
    _wait_stalled(emulator)
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["one"]  # committed, answer held
    emulator.faults.configure(FaultConfig())
    thread.join(60)  # type: ignore[attr-defined]
    assert answers[0].status_code == 201


def test_per_request_draws_do_not_depend_on_the_order_requests_arrive_in() -> None:
    paths = [f"/keys?offset={n}" for n in range(30)]

    def statuses(order: list[str]) -> dict[str, int]:
        _, client = make(FaultConfig.single(error_rate=0.5, seed=9, per_request=True))
        return {path: client.get(path).status_code for path in order}

    forward, backward = statuses(paths), statuses(paths[::-1])
    assert forward == backward and {500, 502, 503} & set(forward.values()) and 200 in forward.values()
