"""BYOK provider credentials: write-only key, live key hashes, immutables, sort order."""

from __future__ import annotations

import httpx
import pytest
from emulator_support import error, new_key, new_workspace, ok

PROVIDER_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz123456"


def test_create_masks_the_key_and_never_returns_it(client: httpx.Client) -> None:
    created = ok(client.post("/byok", json={"provider": "openai", "key": PROVIDER_KEY, "name": "prod"}), 201)["data"]
    assert created["label"] == "sk-...3456"
    assert created["sort_order"] == 0 and created["disabled"] is False and created["is_fallback"] is False
    assert created["allowed_models"] is None and created["allowed_api_key_hashes"] is None
    for response in (client.get(f"/byok/{created['id']}"), client.get("/byok")):
        assert PROVIDER_KEY not in response.text and "key_sha256" not in response.text
    second = ok(client.post("/byok", json={"provider": "openai", "key": "another-long-provider-key"}), 201)["data"]
    assert second["sort_order"] == 1


def test_allowed_api_key_hashes_must_be_live_keys(client: httpx.Client) -> None:
    key, _ = new_key(client)
    body = {"provider": "anthropic", "key": PROVIDER_KEY}
    assert "at least 1 item(s)" in error(client.post("/byok", json={**body, "allowed_api_key_hashes": []}), 400)
    message = error(client.post("/byok", json={**body, "allowed_api_key_hashes": ["a" * 64]}), 400)
    assert "no live API key has hash" in message
    assert "must match" in error(client.post("/byok", json={**body, "allowed_api_key_hashes": ["XYZ"]}), 400)
    created = ok(client.post("/byok", json={**body, "allowed_api_key_hashes": [key["hash"]]}), 201)["data"]
    assert created["allowed_api_key_hashes"] == [key["hash"]]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"key": PROVIDER_KEY}, '"provider" is required'),
        ({"provider": "openai"}, '"key" is required'),
        ({"provider": "not-a-provider", "key": PROVIDER_KEY}, '"provider" must be one of'),
        ({"provider": "openai", "key": ""}, "at least 1 character"),
        ({"provider": "openai", "key": PROVIDER_KEY, "name": "n" * 256}, "at most 255"),
        ({"provider": "openai", "key": PROVIDER_KEY, "allowed_models": ["nope/nope"]}, "unknown model slug"),
        ({"provider": "openai", "key": PROVIDER_KEY, "allowed_user_ids": ["user_ghost"]}, "not members"),
    ],
)
def test_create_validation(client: httpx.Client, body: dict[str, object], fragment: str) -> None:
    assert fragment in error(client.post("/byok", json=body), 400)


def test_patch_rotates_key_and_refuses_immutables(client: httpx.Client) -> None:
    created = ok(client.post("/byok", json={"provider": "openai", "key": PROVIDER_KEY}), 201)["data"]
    path = f"/byok/{created['id']}"
    rotated = ok(client.patch(path, json={"key": "sk-new-0000000000000000009999", "name": None, "disabled": True}))[
        "data"
    ]
    assert rotated["label"] == "sk-...9999" and rotated["disabled"] is True and rotated["name"] is None
    for field in ("provider", "workspace_id"):
        assert "cannot be changed after creation" in error(client.patch(path, json={field: "x"}), 400)
    assert ok(client.delete(path)) == {"deleted": True}
    error(client.get(path), 404)


def test_list_filters_by_workspace_and_provider(client: httpx.Client) -> None:
    wid = new_workspace(client)["id"]
    ok(client.post("/byok", json={"provider": "openai", "key": PROVIDER_KEY}), 201)
    ok(client.post("/byok", json={"provider": "anthropic", "key": PROVIDER_KEY}), 201)
    ok(client.post("/byok", json={"provider": "openai", "key": PROVIDER_KEY, "workspace_id": wid}), 201)
    assert ok(client.get("/byok"))["total_count"] == 2
    assert ok(client.get("/byok", params={"provider": "anthropic"}))["total_count"] == 1
    assert ok(client.get("/byok", params={"workspace_id": wid}))["total_count"] == 1
    error(client.get("/byok", params={"provider": "acme"}), 400)
