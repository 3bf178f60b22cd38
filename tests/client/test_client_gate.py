"""One gate for a run's requests: a cap on what is in flight, and one pause after a 429."""

from __future__ import annotations

import threading

import httpx
from client_support import BASE_URL, FAKE_KEY

from openrouter_iac.client import OpenRouterClient, RequestGate


def client(handler: object, gate: RequestGate) -> OpenRouterClient:
    return OpenRouterClient(BASE_URL, FAKE_KEY, transport=httpx.MockTransport(handler), gate=gate)  # type: ignore[arg-type]


def test_no_more_requests_are_in_flight_than_the_gate_allows() -> None:
    lock, state = threading.Lock(), {"now": 0, "most": 0}
    # Each request waits until three are in flight (four rounds of three): the cap is reached
    # however the threads are scheduled, where a 20 ms sleep relied on them overlapping.
    three = threading.Barrier(3)

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        three.wait(timeout=30)
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
    # The wait after the 429 is an event the test ends, so "the second request came only after
    # the wait" is an order of events, not two clock readings on a machine that may be busy.
    events: list[str] = []
    waiting, over = threading.Event(), threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        events.append(request.url.path.rsplit("/", 1)[-1])
        if request.url.path.endswith("/first") and events.count("first") == 1:
            return httpx.Response(
                429, json={"error": {"code": 429, "message": "slow down"}}, headers={"Retry-After": "0.4"}
            )
        return httpx.Response(200, json={"data": {}})

    def wait_out(seconds: float) -> None:
        assert seconds == 0.4
        waiting.set()
        assert over.wait(timeout=30)
        events.append("waited")

    gate = RequestGate(10)
    first = OpenRouterClient(BASE_URL, FAKE_KEY, transport=httpx.MockTransport(handler), gate=gate, sleep=wait_out)
    second = client(handler, gate)  # e.g. the management and a preset client
    a = threading.Thread(target=first.get, args=("/first",), kwargs={"resource": "a"})
    a.start()
    assert waiting.wait(timeout=30)  # the first thread waits out its 429
    b = threading.Thread(target=second.get, args=("/second",), kwargs={"resource": "b"})
    b.start()  # asked while the first thread waits out the 429
    b.join(timeout=0.2)
    assert b.is_alive() and "second" not in events  # held by the gate
    over.set()
    a.join(timeout=30)
    b.join(timeout=30)
    assert events[0] == "first" and events.index("waited") < events.index("second")
    assert sorted(events) == ["first", "first", "second", "waited"]
    assert gate.pauses == 1


def test_a_client_on_its_own_has_no_cap() -> None:
    assert OpenRouterClient(BASE_URL, FAKE_KEY).gate.max_in_flight is None
