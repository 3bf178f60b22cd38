"""Which calls are retried, how often, and how long the client waits in between."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from client_support import FAKE_KEY, api_error, json_response

from openrouter_iac.client import RetryPolicy, parse_retry_after
from openrouter_iac.errors import AmbiguousWriteError, ApiUnreachableError, RateLimitedError, ServerError

OK = {"data": {"id": "1"}}


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_get_is_retried_on_transient_statuses(harness, status):
    h = harness(api_error(status, "try again"), json_response(200, OK))
    assert h.client.get("/guardrails/1", resource="guardrail") == OK
    assert len(h.script.requests) == 2
    assert h.sleeps == [0.5]


def test_backoff_doubles_up_to_the_cap_and_gives_up_after_max_retries(harness):
    h = harness(*[api_error(503, "down") for _ in range(6)], max_retries=5, backoff_base=1.0, backoff_max=5.0)
    with pytest.raises(ServerError):
        h.client.get("/workspaces", resource="workspaces")
    assert len(h.script.requests) == 6
    assert h.sleeps == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_full_jitter_scales_the_delay_by_a_random_fraction(harness):
    h = harness(api_error(500, "x"), api_error(500, "x"), json_response(200, OK), rand=lambda: 0.25)
    h.client.get("/workspaces", resource="workspaces")
    assert h.sleeps == [0.125, 0.25]


def test_retry_after_seconds_is_honoured(harness):
    h = harness(api_error(429, "slow down", {"Retry-After": "7"}), json_response(200, OK))
    h.client.get("/keys", resource="API keys")
    assert h.sleeps == [7.0]


def test_retry_after_is_capped_at_backoff_max(harness):
    h = harness(api_error(503, "maintenance", {"Retry-After": "3600"}), json_response(200, OK), backoff_max=30.0)
    h.client.get("/keys", resource="API keys")
    assert h.sleeps == [30.0]


def test_retry_after_http_date_is_honoured(harness):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    h = harness(api_error(429, "slow down", {"Retry-After": when}), json_response(200, OK))
    h.client.get("/keys", resource="API keys")
    assert 17.0 <= h.sleeps[0] <= 20.0


def test_parse_retry_after_forms():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(None) is None
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None


def test_unparseable_retry_after_falls_back_to_backoff():
    policy = RetryPolicy(backoff_base=0.5, rand=lambda: 1.0)
    assert policy.delay(3, "soon") == 2.0


@pytest.mark.parametrize("method", ["put", "patch"])
def test_writes_with_a_full_value_are_retried(harness, method):
    h = harness(httpx.ReadTimeout("timed out"), api_error(502, "bad gateway"), json_response(200, OK))
    call = getattr(h.client, method)
    assert call("/workspaces/w/budgets/daily", json={"limit_usd": 5}, resource="budget") == OK
    assert [r.method for r in h.script.requests] == [method.upper()] * 3


def test_idempotent_post_is_retried(harness):
    h = harness(api_error(500, "oops"), json_response(200, {"assigned_count": 1}))
    body = h.client.post("/guardrails/g/assignments/keys", json={"key_hashes": ["h"]}, resource="x", idempotent=True)
    assert body == {"assigned_count": 1}


def test_patch_can_opt_out_of_retries(harness):
    h = harness(api_error(500, "oops"))
    with pytest.raises(AmbiguousWriteError):
        h.client.patch("/keys/h", json={"disabled": True}, resource="key", idempotent=False)


@pytest.mark.parametrize(
    ("failure", "what"),
    [
        (api_error(500, "Internal Server Error"), "the API answered HTTP 500"),
        (api_error(502, "Bad gateway"), "the API answered HTTP 502"),
        (api_error(408, "Request timeout"), "the API answered HTTP 408"),
        (httpx.ReadTimeout("timed out"), "no answer before the read timeout"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "the connection was dropped"),
        (httpx.WriteError("broken pipe"), "the connection was dropped"),
    ],
)
def test_create_is_never_retried_when_it_may_have_happened(harness, failure, what):
    h = harness(failure)
    with pytest.raises(AmbiguousWriteError) as info:
        h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'")
    assert len(h.script.requests) == 1
    assert h.sleeps == []
    assert str(info.value) == (
        f"API key 'ci': outcome unknown: {what} after the request was sent, so it may or may not have been "
        "applied (not retried, to avoid a duplicate)\n"
        "  hint: run `orctl plan` again: it re-reads the account and matches objects by name "
        "before anything is created again"
    )


def test_create_is_retried_after_429_because_nothing_was_done(harness):
    created = {"data": {"hash": "h"}, "key": "new-secret"}
    h = harness(api_error(429, "slow down", {"Retry-After": "2"}), json_response(201, created))
    assert h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'") == created
    assert h.sleeps == [2.0]


def test_create_gives_up_after_429s_with_a_rate_limit_error(harness):
    h = harness(*[api_error(429, "slow down") for _ in range(3)], max_retries=2)
    with pytest.raises(RateLimitedError):
        h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'")


def test_create_is_retried_when_the_connection_was_never_made(harness):
    h = harness(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), json_response(201, OK))
    assert h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'") == OK
    assert len(h.script.requests) == 3


def test_create_unreachable_after_retries_is_not_ambiguous(harness):
    h = harness(*[httpx.ConnectError("refused") for _ in range(2)], max_retries=1)
    with pytest.raises(ApiUnreachableError):
        h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'")


def test_delete_that_finds_nothing_on_retry_counts_as_done(harness):
    h = harness(httpx.ReadTimeout("timed out"), api_error(404, "Not found"))
    assert h.client.delete("/keys/h", resource="API key 'ci'") == {"deleted": True}


def test_delete_404_after_a_5xx_counts_as_done(harness):
    h = harness(api_error(502, "bad gateway"), api_error(404, "Not found"))
    assert h.client.delete("/guardrails/g", resource="guardrail") == {"deleted": True}


def test_delete_404_on_first_attempt_is_not_found(harness):
    from openrouter_iac.errors import NotFoundError

    h = harness(api_error(404, "Not found"))
    with pytest.raises(NotFoundError):
        h.client.delete("/keys/h", resource="API key 'ci'")


def test_delete_404_after_a_429_is_not_found(harness):
    # The 429 was refused before anything happened, so the 404 is real news.
    from openrouter_iac.errors import NotFoundError

    h = harness(api_error(429, "slow down"), api_error(404, "Not found"))
    with pytest.raises(NotFoundError):
        h.client.delete("/keys/h", resource="API key 'ci'")


def test_4xx_are_not_retried(harness):
    h = harness(api_error(400, "bad"))
    from openrouter_iac.errors import ApiRequestError

    with pytest.raises(ApiRequestError, match="bad") as caught:
        h.client.get("/keys", resource="API keys")
    assert caught.value.status == 400
    assert len(h.script.requests) == 1


def test_requests_carry_auth_and_json_headers(harness):
    h = harness(json_response(200, OK))
    h.client.get("/workspaces/w", params={"include_disabled": True, "skip": None}, resource="workspace")
    request = h.script.requests[0]
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("orctl/")
    assert str(request.url) == "https://api.test/api/v1/workspaces/w?include_disabled=true"


def test_timeouts_are_set():
    from openrouter_iac.client import OpenRouterClient

    with OpenRouterClient("https://api.test/api/v1", FAKE_KEY) as client:
        timeout = client._http.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (10.0, 10.0, 10.0, 10.0)


def test_stats_count_every_attempt_by_route(harness):
    h = harness(api_error(503, "x"), json_response(200, OK), json_response(200, {"deleted": True}))
    h.client.get("/workspaces/w", params={"a": 1}, resource="workspace")
    h.client.delete("/keys/h", resource="key")
    assert h.client.stats.total == 3
    assert h.client.stats.retries == 1
    assert h.client.stats.by_route == {"GET /workspaces/w": 2, "DELETE /keys/h": 1}
    h.client.stats.reset()
    assert h.client.stats.total == 0


def test_client_is_safe_to_share_between_threads(harness):
    from concurrent.futures import ThreadPoolExecutor

    h = harness(*[lambda request: json_response(200, {"data": request.url.path}) for _ in range(64)])
    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(lambda i: h.client.get(f"/guardrails/{i}", resource="g")["data"], range(64)))
    assert paths == [f"/api/v1/guardrails/{i}" for i in range(64)]
    assert h.client.stats.total == 64


def test_paths_must_be_api_paths(harness):
    h = harness()
    with pytest.raises(ValueError, match="API path"):
        h.client.get("https://evil.test/keys", resource="x")
    with pytest.raises(ValueError, match="API path"):
        h.client.get("/keys?offset=1", resource="x")
