"""One gate for a run's requests: a cap on what is in flight, and one pause after a 429."""

from __future__ import annotations

import threading
import time

import httpx
from client_support import BASE_URL, FAKE_KEY

from openrouter_iac.client import OpenRouterClient, RequestGate


def client(handler: object, gate: RequestGate) -> OpenRouterClient:
    return OpenRouterClient(BASE_URL, FAKE_KEY, transport=httpx.MockTransport(handler), gate=gate)  # type: ignore[arg-type]


def test_no_more_requests_are_in_flight_than_the_gate_allows() -> None:
    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        return httpx.Response(200, json={"data": {}})

    api = client(handler, RequestGate(3))
    threads = [threading.Thread(target=api.get, args=("/keys",), kwargs={"resource": "keys"}) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["most"] == 3


def test_a_429_holds_every_thread_for_its_retry_after() -> None:
    arrivals: list[tuple[str, float]] = []
    refused = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append((request.url.path, time.monotonic()))
        if request.url.path.endswith("/first") and not refused.is_set():
            refused.set()
            return httpx.Response(
                429, json={"error": {"code": 429, "message": "slow down"}}, headers={"Retry-After": "0.4"}
            )
        return httpx.Response(200, json={"data": {}})

    gate = RequestGate(10)
    first, second = client(handler, gate), client(handler, gate)  # e.g. the management and a preset client
    a = threading.Thread(target=first.get, args=("/first",), kwargs={"resource": "a"})
    a.start()
    refused.wait(5)
    time.sleep(0.05)
    second.get("/second", resource="b")  # asked while the first thread waits out the 429
    a.join()
    refused_at = arrivals[0][1]
    second_at = next(at for path, at in arrivals if path.endswith("/second"))
    assert second_at - refused_at >= 0.35
    assert gate.pauses == 1


def test_a_client_on_its_own_has_no_cap() -> None:
    assert OpenRouterClient(BASE_URL, FAKE_KEY).gate.max_in_flight is None
