"""Each failure maps to one error class with a one-line cause naming the resource, and a hint."""

from __future__ import annotations

import socket

import httpx
import pytest
from client_support import FAKE_KEY, api_error, json_response

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.errors import (
    ApiRequestError,
    ApiUnreachableError,
    AuthenticationError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)

RESOURCE = "guardrail 'team-a'"


def test_401_names_the_key_and_how_to_check_it(harness):
    h = harness(api_error(401, "Missing Authentication header"))
    with pytest.raises(AuthenticationError) as info:
        h.client.get("/guardrails/1", resource=RESOURCE)
    assert str(info.value) == (
        "guardrail 'team-a': the management key was rejected (HTTP 401: Missing Authentication header)\n"
        "  hint: check the management key (--management-key-file, OPENROUTER_MANAGEMENT_KEY or the keyring) "
        "/ `orctl auth status`"
    )
    assert info.value.status == 401
    assert info.value.resource == RESOURCE
    assert len(h.script.requests) == 1  # never retried


def test_403_from_an_ordinary_key_says_it_is_not_a_management_key(harness):
    h = harness(api_error(403, "Only management keys can perform this operation"))
    with pytest.raises(PermissionDeniedError) as info:
        h.client.get("/keys", resource="API keys")
    assert str(info.value) == (
        "API keys: the key in use is not a management key "
        "(HTTP 403: Only management keys can perform this operation)\n"
        "  hint: this is not a management key: create one at https://openrouter.ai/settings/management-keys "
        "and provide it via OPENROUTER_MANAGEMENT_KEY or `orctl auth login`"
    )


def test_other_403_is_permission_denied(harness):
    h = harness(api_error(403, "Deleting the default workspace is not allowed"))
    with pytest.raises(PermissionDeniedError) as info:
        h.client.delete("/workspaces/default", resource="workspace 'default'")
    assert info.value.message == (
        "workspace 'default': permission denied (HTTP 403: Deleting the default workspace is not allowed)"
    )
    assert len(h.script.requests) == 1


def test_404_names_the_resource(harness):
    h = harness(api_error(404, "Guardrail not found"))
    with pytest.raises(NotFoundError) as info:
        h.client.get("/guardrails/abc", resource=RESOURCE)
    assert str(info.value) == (
        "guardrail 'team-a' was not found (HTTP 404: Guardrail not found)\n"
        "  hint: it may have been deleted outside orctl; run `orctl plan` again: it re-reads the account "
        "and matches objects by name"
    )


def test_409_is_a_conflict(harness):
    h = harness(api_error(409, "A destination of this type already exists"))
    with pytest.raises(ConflictError) as info:
        h.client.post("/observability/destinations", json={}, resource="destination 'x'")
    assert (
        info.value.message
        == "destination 'x': the API reported a conflict (HTTP 409: A destination of this type already exists)"
    )


@pytest.mark.parametrize(
    ("status", "hint_start"),
    [(400, "the API refused the request as sent"), (422, "the API refused"), (402, "the account is out of credits")],
)
def test_other_4xx_keep_the_api_reason(harness, status, hint_start):
    h = harness(api_error(status, "limit_usd and reset_interval must be sent together"))
    with pytest.raises(ApiRequestError) as info:
        h.client.patch("/guardrails/1", json={"limit_usd": 5}, resource=RESOURCE)
    assert info.value.message == (
        f"guardrail 'team-a': the API refused the request (HTTP {status}: "
        "limit_usd and reset_interval must be sent together)"
    )
    assert info.value.hint is not None and info.value.hint.startswith(hint_start)
    assert len(h.script.requests) == 1


def test_429_after_every_retry_suggests_waiting_or_less_parallelism(harness):
    h = harness(*[api_error(429, "Rate limit exceeded") for _ in range(3)], max_retries=2)
    with pytest.raises(RateLimitedError) as info:
        h.client.get("/keys", resource="API keys")
    assert str(info.value) == (
        "API keys: rate limited by OpenRouter (HTTP 429: Rate limit exceeded, 3 attempts)\n"
        "  hint: wait a minute and try again, or lower --parallelism"
    )


def test_5xx_after_every_retry_is_a_server_error(harness):
    html = httpx.Response(502, text="<html>Bad gateway</html>", headers={"content-type": "text/html"})
    h = harness(api_error(500, "Internal Server Error"), html, max_retries=1)
    with pytest.raises(ServerError) as info:
        h.client.get("/workspaces", resource="workspaces")
    assert str(info.value) == (
        "workspaces: OpenRouter failed to answer (HTTP 502, 2 attempts)\n"
        "  hint: this is usually temporary: try again in a few minutes (https://status.openrouter.ai)"
    )
    assert info.value.status == 502


def test_plain_text_error_bodies_are_kept_on_one_line(harness):
    h = harness(httpx.Response(400, text="bad\n  request\n"))
    with pytest.raises(ApiRequestError) as info:
        h.client.get("/workspaces", resource="workspaces")
    assert info.value.message == "workspaces: the API refused the request (HTTP 400: bad request)"


def test_long_api_reasons_are_cut(harness):
    h = harness(api_error(400, "x" * 1000))
    with pytest.raises(ApiRequestError) as info:
        h.client.get("/workspaces", resource="workspaces")
    assert len(info.value.message) < 400
    assert info.value.message.endswith("…)")


def test_body_that_is_not_json_is_malformed(harness):
    h = harness(httpx.Response(200, text="<html>a login page</html>"))
    with pytest.raises(MalformedResponseError) as info:
        h.client.get("/workspaces", resource="workspaces")
    assert str(info.value) == (
        "workspaces: the API answered HTTP 200 with a body that is not JSON\n"
        "  hint: check that --base-url points at the OpenRouter API (…/api/v1); "
        "if it does, the API has changed: please report it"
    )


def test_envelope_without_data_is_malformed(harness):
    h = harness(json_response(200, {"items": []}))
    with pytest.raises(MalformedResponseError, match=r"workspaces: .* without the `data` field"):
        h.client.get("/workspaces", resource="workspaces")


@pytest.mark.parametrize(
    "body",
    [b'{"data": [', b'{"data": []} trailing', b"\xff\xfe{}", b'{"data": [1,]}', b"\x00"],
    ids=["truncated", "trailing text", "not utf-8", "trailing comma", "nul"],
)
def test_every_unparsable_body_is_one_malformed_error(harness, body: bytes) -> None:
    # The parser is orjson (client/http.py): whatever it refuses must read like json's refusal.
    h = harness(httpx.Response(200, content=body))
    with pytest.raises(MalformedResponseError, match="with a body that is not JSON"):
        h.client.get("/workspaces", resource="workspaces")


def test_answers_parse_as_json_does() -> None:
    import json

    import orjson

    body = '{"data": [{"id": "k1", "limit": 1.5, "n": 12345678901234567890, "name": "é\\u00e9", "x": null}]}'
    assert orjson.loads(body.encode()) == json.loads(body)


def test_unreadable_create_response_says_it_probably_happened(harness):
    h = harness(httpx.Response(201, text="{not json"))
    with pytest.raises(MalformedResponseError) as info:
        h.client.post("/keys", json={"name": "ci"}, resource="API key 'ci'")
    assert "the request itself succeeded, so it has probably taken effect" in info.value.message


def test_redirect_is_reported_not_followed(harness):
    h = harness(httpx.Response(301, headers={"location": "https://openrouter.ai/"}))
    with pytest.raises(MalformedResponseError, match=r"a redirect to https://openrouter\.ai/"):
        h.client.get("/keys", resource="API keys")
    assert len(h.script.requests) == 1


def test_connection_refused_on_a_closed_loopback_port():
    with socket.socket() as sock:  # bind, learn the port, close: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    base_url = f"http://127.0.0.1:{port}/api/v1"
    client = OpenRouterClient(base_url, FAKE_KEY, sleep=sleeps.append, max_retries=2)
    with client, pytest.raises(ApiUnreachableError) as info:
        client.get("/keys", resource="API keys")
    message = str(info.value)
    assert message.startswith(f"cannot reach {base_url} (API keys): the connection failed (")
    assert message.endswith("after 3 attempts\n  hint: check --base-url / OPENROUTER_BASE_URL and the network")
    assert len(sleeps) == 2


def test_dns_failure_is_unreachable(harness):
    h = harness(httpx.ConnectError("[Errno -2] Name or service not known"), max_retries=0)
    with pytest.raises(ApiUnreachableError) as info:
        h.client.get("/keys", resource="API keys")
    assert info.value.message == (
        "cannot reach https://api.test/api/v1 (API keys): the connection failed ([Errno -2] Name or service not known)"
    )


def test_read_timeout_is_unreachable_after_one_retry(harness):
    # A server that accepts and stays silent fails the run in two timeouts, not max_retries of them.
    h = harness(*[httpx.ReadTimeout("timed out") for _ in range(3)], max_retries=4)
    with pytest.raises(ApiUnreachableError) as info:
        h.client.get("/keys", resource="API keys")
    assert info.value.message == (
        "cannot reach https://api.test/api/v1 (API keys): no answer before the read timeout after 2 attempts"
    )


def test_unsupported_protocol_is_not_retried(harness):
    h = harness(httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'."))
    with pytest.raises(ApiUnreachableError):
        h.client.get("/keys", resource="API keys")
    assert h.sleeps == []
