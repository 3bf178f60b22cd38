"""Paging through `orctl plan` against the emulator on loopback: lists without a total are read
with their pages in flight together, and a ``total_count`` that disagrees with the pages (even an
absurd one from a hostile server) is a warning with a bounded number of calls, never a failure.

``tamper`` rewrites the emulator's real answers on their way back to orctl."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

import httpx
from plan_cli_support import AGENCY, Api, assert_failed_cleanly, orctl


def is_list(request: httpx.Request, path: str) -> bool:
    return request.method == "GET" and request.url.path == "/api/v1" + path


def json_response(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


class Calls:
    """Counts the GETs of each list path orctl made (rewrites run on reader threads)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.offsets: dict[str, list[int]] = {}
        self.lock = threading.Lock()

    def record(self, request: httpx.Request) -> None:
        path = request.url.path.removeprefix("/api/v1")
        with self.lock:
            self.counts[path] += 1
            self.offsets.setdefault(path, []).append(int(request.url.params.get("offset", 0)))


def test_a_total_count_above_the_items_is_a_warning_and_the_plan_goes_on(api: Api, tamper: Any) -> None:
    def skipped(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/workspaces"):
            body = json.loads(response.content)
            body["total_count"] += 1  # one more exists than the pages hold
            return json_response(200, body)
        return None

    tamper(skipped)
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert result.exit_code == 0, result.output
    assert (
        "Warning: workspaces: the API reported total_count 2 but its pages listed 1 items; orctl used the 1 listed"
        in result.stdout
    )


def test_a_later_page_that_skips_items_is_a_warning(api: Api, tamper: Any) -> None:
    for n in range(101):  # two pages of guardrails in the default workspace
        api.call("POST", "/guardrails", {"name": f"guardrail-{n}"})

    def shifted(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/guardrails") and request.url.params.get("offset") == "100":
            body = json.loads(response.content)
            body["data"] = []  # the last item moved out of reach between the two pages
            return json_response(200, body)
        return None

    tamper(shifted)
    result = orctl("plan", "-c", AGENCY, "--output", "json", env=api.env())
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert any(
        w.startswith("guardrails of workspace 'default': the API reported total_count 101 but its pages listed 100")
        for w in warnings
    ), warnings


def test_an_absurd_total_count_is_not_fanned_out(api: Api, tamper: Any) -> None:
    """A hostile server's total of 10^9 costs a few calls past the real end, in well under seconds."""
    for n in range(250):
        api.call("POST", "/guardrails", {"name": f"guardrail-{n}"})
    calls = Calls()

    def absurd(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/guardrails"):
            calls.record(request)
            body = json.loads(response.content)
            body["total_count"] = 10**9
            return json_response(200, body)
        return None

    tamper(absurd)
    started = time.monotonic()
    result = orctl("plan", "-c", AGENCY, "--parallelism", "4", env=api.env())
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "the API reported total_count 1000000000 but its pages listed 250 items" in result.stdout
    # The default workspace's 3 pages plus at most parallelism - 1 past its end (the agency
    # example's workspaces do not exist yet, so only the default one is listed).
    assert 3 <= calls.counts["/guardrails"] <= 3 + 3, calls.offsets
    assert elapsed < 10


def test_pages_that_never_end_stop_with_one_clear_error(api: Api, tamper: Any) -> None:
    """Full pages forever (and an absurd total): a bounded number of calls, then one error line."""
    calls = Calls()

    def endless(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/guardrails"):
            calls.record(request)
            offset = int(request.url.params.get("offset", 0))
            page = [{"id": f"g-{offset + n}", "name": f"g-{offset + n}"} for n in range(100)]
            return json_response(200, {"data": page, "total_count": 10**9})
        return None

    tamper(endless)
    started = time.monotonic()
    result = orctl("plan", "-c", AGENCY, env=api.env())
    assert_failed_cleanly(
        result, "guardrails of workspace 'default'", "more than 100000 items; paging does not end", secret=api.key
    )
    assert calls.counts["/guardrails"] <= 1001 + 10
    assert time.monotonic() - started < 30


def test_keys_without_a_total_are_read_in_parallel_windows(api: Api, tamper: Any) -> None:
    """/keys reports no total: its pages are asked for ahead of the last full page, a few past the end."""
    workspace = api.call("POST", "/workspaces", {"name": "Busy", "slug": "busy"})["data"]["id"]
    for n in range(1050):  # 10 full pages and a short one
        api.call("POST", "/keys", {"name": f"key-{n}", "workspace_id": workspace})
    calls = Calls()

    def watch(request: httpx.Request, response: httpx.Response) -> httpx.Response | None:
        if is_list(request, "/keys") and request.url.params.get("workspace_id") == workspace:
            calls.record(request)
        return None

    tamper(watch)
    result = orctl("plan", "-c", AGENCY, "--output", "json", env=api.env())
    assert result.exit_code == 0, result.output
    offsets = sorted(calls.offsets["/keys"])
    assert offsets[:11] == list(range(0, 1100, 100))  # every page, each once
    assert len(offsets) == len(set(offsets)) and len(offsets) <= 11 + 9  # at most window - 1 past the end
    unmanaged = {u["address"]: u["reason"] for u in json.loads(result.stdout)["unmanaged"]}
    assert "(1050 keys," in unmanaged["workspace:busy"]
