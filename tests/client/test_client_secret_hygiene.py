"""No error may carry the management key, anything key-shaped, or the Authorization header."""

from __future__ import annotations

import re
import traceback

import httpx
import pytest
from client_support import FAKE_KEY, FAKE_PLAIN_KEY, api_error

from openrouter_iac.errors import ApiError

NEW_SECRET = "sk-or-v1-fake-test-only-" + "0" * 40  # e.g. a minted key echoed in a body


def cases(key: str):
    """(name, scripted answers, call) for every failure path; bodies echo secrets on purpose."""
    echo = f"invalid key {key} (Authorization: Bearer {key}) near {NEW_SECRET}"
    post = ("POST", "/keys")
    return [
        ("401", [api_error(401, echo)], ("GET", "/keys")),
        ("403-mgmt", [api_error(403, "Only management keys can perform this operation " + echo)], ("GET", "/keys")),
        ("403", [api_error(403, echo)], ("GET", "/keys")),
        ("404", [api_error(404, echo)], ("DELETE", "/keys/h")),
        ("409", [api_error(409, echo)], post),
        ("400", [api_error(400, echo)], post),
        ("400-text", [httpx.Response(400, text=echo)], ("GET", "/keys")),
        ("429", [api_error(429, echo)] * 2, ("GET", "/keys")),
        ("500", [api_error(500, echo)] * 2, ("GET", "/keys")),
        ("500-create", [api_error(500, echo)], post),
        ("malformed", [httpx.Response(200, text=echo)], ("GET", "/keys")),
        ("malformed-create", [httpx.Response(201, text=echo)], post),
        ("no-data", [httpx.Response(200, json={"key": NEW_SECRET})], ("GET", "/keys")),
        ("redirect", [httpx.Response(302, headers={"location": f"https://x.test/?k={key}"})], ("GET", "/keys")),
        ("connect", [httpx.ConnectError(echo)] * 2, ("GET", "/keys")),
        ("timeout", [httpx.ReadTimeout(echo)] * 2, ("GET", "/keys")),
        ("timeout-create", [httpx.ReadTimeout(echo)], post),
        ("protocol", [httpx.LocalProtocolError(f"Illegal header value b'Bearer {key}'")], ("GET", "/keys")),
        ("dropped", [httpx.RemoteProtocolError(echo)], post),
    ]


def call(client, method, path):
    if method == "GET":
        return client.get(path, resource="API keys")
    if method == "DELETE":
        return client.delete(path, resource="API key")
    return client.post(path, json={"name": "x"}, resource="API key")


@pytest.mark.parametrize("key", [FAKE_KEY, FAKE_PLAIN_KEY], ids=["key-shaped", "plain"])
@pytest.mark.parametrize("case", range(len(cases(FAKE_KEY))), ids=[c[0] for c in cases(FAKE_KEY)])
def test_errors_never_show_secrets(harness, key, case):
    _, steps, (method, path) = cases(key)[case]
    h = harness(*steps, key=key, max_retries=1)
    with pytest.raises(ApiError) as info:
        call(h.client, method, path)
    exc = info.value
    shown = "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc)), exc.hint or ""])
    assert key not in shown
    assert "sk-or-" not in shown.replace("sk-or-(sensitive)", "")
    assert re.search(r"(?i)bearer (?!\(sensitive\))", shown) is None
    assert exc.__cause__ is None
    assert exc.__suppress_context__ or exc.__context__ is None


def test_client_repr_hides_the_key(harness):
    h = harness(key=FAKE_PLAIN_KEY)
    assert FAKE_PLAIN_KEY not in repr(h.client)
    assert FAKE_PLAIN_KEY not in repr(h.client.__dict__.get("_http"))
