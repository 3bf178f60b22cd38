"""Authentication and authorisation as upstream answers them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from emulator_support import FakeClock, error, new_key, ok

from openrouter_iac.emulator import Emulator

MANAGEMENT_ROUTES = [
    ("GET", "/keys"),
    ("POST", "/keys"),
    ("GET", "/guardrails"),
    ("GET", "/guardrails/assignments/keys"),
    ("GET", "/workspaces"),
    ("GET", "/byok"),
    ("GET", "/observability/destinations"),
    ("GET", "/organization/members"),
    ("GET", "/organization/settings"),
    ("GET", "/credits"),
]


@pytest.mark.parametrize(("method", "path"), MANAGEMENT_ROUTES)
def test_missing_header_is_401(anon: httpx.Client, method: str, path: str) -> None:
    assert error(anon.request(method, path, json={}), 401) == "Missing Authentication header"


def test_non_bearer_header_is_401(anon: httpx.Client) -> None:
    assert error(anon.get("/keys", headers={"Authorization": "Basic abc"}), 401) == "Missing Authentication header"


def test_unknown_key_is_401_and_not_echoed(anon: httpx.Client) -> None:
    bogus = "sk-or-v1-" + "ab" * 32
    response = anon.get("/workspaces", headers={"Authorization": f"Bearer {bogus}"})
    error(response, 401)
    assert bogus not in response.text


@pytest.mark.parametrize(("method", "path"), MANAGEMENT_ROUTES)
def test_inference_key_on_management_route_is_403(
    client: httpx.Client, as_key: Callable[[str], httpx.Client], method: str, path: str
) -> None:
    _, secret = new_key(client)
    message = error(as_key(secret).request(method, path, json={"name": "x"}), 403)
    assert message == "Only management keys can perform this operation"


def test_disabled_key_cannot_authenticate(client: httpx.Client, as_key: Callable[[str], httpx.Client]) -> None:
    key, secret = new_key(client)
    ok(as_key(secret).get("/key"))
    ok(client.patch(f"/keys/{key['hash']}", json={"disabled": True}))
    error(as_key(secret).get("/key"), 401)


def test_expired_key_cannot_authenticate(
    client: httpx.Client, as_key: Callable[[str], httpx.Client], clock: FakeClock
) -> None:
    _, secret = new_key(client, expires_at="2026-03-03T00:00:00Z")
    ok(as_key(secret).get("/key"))
    clock.advance(days=2)
    assert error(as_key(secret).get("/key"), 401) == "API key has expired"


def test_public_catalogues_need_no_key(anon: httpx.Client) -> None:
    assert ok(anon.get("/models"))["data"]
    assert ok(anon.get("/providers"))["data"]


def test_management_key_metadata(client: httpx.Client, emulator: Emulator) -> None:
    data = ok(client.get("/key"))["data"]
    assert data["is_management_key"] is True
    assert data["label"].startswith("sk-or-mgmt-") and "..." in data["label"]
    assert emulator.management_key not in client.get("/key").text
    assert data["rate_limit"]["requests"] == -1


def test_unknown_path_and_wrong_method(client: httpx.Client) -> None:
    error(client.get("/nothing-here"), 404)
    response = client.put("/keys", json={})
    error(response, 405)
    assert response.headers["allow"] == "GET, POST"
