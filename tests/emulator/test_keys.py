"""API keys: creation, the one-time secret, listing traps, immutability, GET /key."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import httpx
import pytest
from emulator_support import error, new_key, new_workspace, ok

from openrouter_iac.emulator import Emulator

USAGE_FIELDS = (
    "usage",
    "usage_daily",
    "usage_weekly",
    "usage_monthly",
    "byok_usage",
    "byok_usage_daily",
    "byok_usage_weekly",
    "byok_usage_monthly",
)


def test_create_returns_the_secret_once_with_hash_and_label(client: httpx.Client) -> None:
    payload = ok(client.post("/keys", json={"name": "ci", "limit": 25, "limit_reset": "monthly"}), 201)
    secret = payload["key"]
    data = payload["data"]
    assert re.fullmatch(r"sk-or-v1-[0-9a-f]{64}", secret)
    assert data["hash"] == hashlib.sha256(secret.encode()).hexdigest()
    body = secret.removeprefix("sk-or-v1-")
    assert data["label"] == f"sk-or-v1-{body[:3]}...{body[-4:]}"
    assert data["limit"] == 25 and data["limit_remaining"] == 25 and data["limit_reset"] == "monthly"
    assert all(data[name] == 0 for name in USAGE_FIELDS)
    assert data["disabled"] is False and data["updated_at"] is None
    # Never again: not in GET, list or anywhere.
    assert secret not in client.get(f"/keys/{data['hash']}").text
    assert secret not in client.get("/keys").text


def test_secret_is_not_stored_in_state(client: httpx.Client, emulator: Emulator) -> None:
    _, secret = new_key(client)
    assert secret not in str(emulator.snapshot())


def test_secret_works_as_bearer_for_get_key(client: httpx.Client, as_key: Callable[[str], httpx.Client]) -> None:
    key, secret = new_key(client, name="svc", limit=10)
    data = ok(as_key(secret).get("/key"))["data"]
    assert data["label"] == key["label"]
    assert data["limit"] == 10 and data["limit_remaining"] == 10
    assert data["is_management_key"] is False and data["is_free_tier"] is False
    assert data["creator_user_id"] == key["creator_user_id"]


def test_list_defaults_to_default_workspace(client: httpx.Client) -> None:
    workspace = new_workspace(client)
    new_key(client, name="in-default")
    new_key(client, name="in-team", workspace_id=workspace["id"])
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["in-default"]
    listed = ok(client.get("/keys", params={"workspace_id": workspace["id"]}))["data"]
    assert [k["name"] for k in listed] == ["in-team"]
    assert "total_count" not in ok(client.get("/keys"))


def test_list_hides_disabled_keys_unless_asked(client: httpx.Client) -> None:
    key, _ = new_key(client, name="old")
    new_key(client, name="new")
    ok(client.patch(f"/keys/{key['hash']}", json={"disabled": True}))
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["new"]
    assert len(ok(client.get("/keys", params={"include_disabled": "false"}))["data"]) == 1
    everything = ok(client.get("/keys", params={"include_disabled": "true"}))["data"]
    assert {k["name"] for k in everything} == {"old", "new"}
    error(client.get("/keys", params={"include_disabled": "yes"}), 400)


def test_list_pages_by_exactly_100_and_ignores_limit(client: httpx.Client, emulator: Emulator) -> None:
    for index in range(250):
        status, _ = emulator.call("POST", "/keys", {"name": f"k{index:03d}"})
        assert status == 201
    pages = [ok(client.get("/keys", params={"offset": offset, "limit": 5}))["data"] for offset in (0, 100, 200, 300)]
    assert [len(p) for p in pages] == [100, 100, 50, 0]
    names = [k["name"] for page in pages for k in page]
    assert len(set(names)) == 250
    assert names[0] == "k249"  # newest first
    error(client.get("/keys", params={"offset": -1}), 400)
    error(client.get("/keys", params={"offset": "ten"}), 400)
    error(client.get("/keys", params={"offset": ""}), 400)
    assert len(ok(client.get("/keys", params={"offset": "null"}))["data"]) == 100


def test_duplicate_names_are_accepted(client: httpx.Client) -> None:
    first, _ = new_key(client, name="same")
    second, _ = new_key(client, name="same")
    assert first["hash"] != second["hash"]
    assert [k["name"] for k in ok(client.get("/keys"))["data"]] == ["same", "same"]


def test_create_in_unknown_workspace_is_400(client: httpx.Client) -> None:
    message = error(
        client.post("/keys", json={"name": "x", "workspace_id": "7f1c9b2e-0000-4000-8000-000000000000"}), 400
    )
    assert "does not exist" in message


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, '"name" is required'),
        ({"name": ""}, '"name" must be at least 1 character long'),
        ({"name": 5}, '"name" must be a string'),
        ({"name": "x", "limit": "10"}, '"limit" must be a number or null'),
        ({"name": "x", "limit": -1}, '"limit" must be at least 0'),
        ({"name": "x", "limit_reset": "yearly"}, '"limit_reset" must be one of: daily, weekly, monthly, null'),
        ({"name": "x", "expires_at": "2030-01-01T00:00:00+02:00"}, "must be in UTC"),
        ({"name": "x", "expires_at": "2030-01-01"}, "must be a full date-time in UTC"),
        ({"name": "x", "expires_at": "2020-01-01T00:00:00Z"}, "expires_at must be in the future"),
        ({"name": "x", "expires_at": "0017-01-26T00:00:00Z"}, "expires_at must be in the future"),
        ({"name": "x", "workspace_id": "default"}, '"workspace_id" must be a UUID'),
        ({"name": "x", "creator_user_id": "user_nobody"}, "is not a member of this organization"),
        ({"name": "x", "color": "red"}, 'unknown field "color"'),
    ],
)
def test_create_validation(client: httpx.Client, body: dict[str, object], fragment: str) -> None:
    assert fragment in error(client.post("/keys", json=body), 400)


def test_create_rejects_non_json_and_non_object_bodies(client: httpx.Client) -> None:
    assert "not valid JSON" in error(
        client.post("/keys", content=b"{name", headers={"content-type": "application/json"}), 400
    )
    assert "must be a JSON object" in error(client.post("/keys", json=["name"]), 400)
    assert "empty body" in error(client.post("/keys"), 400)


def test_expires_at_is_normalised_to_utc_z(client: httpx.Client) -> None:
    key, _ = new_key(client, expires_at="2027-12-31T23:59:59+00:00")
    assert key["expires_at"] == "2027-12-31T23:59:59.000Z"


def test_patch_updates_mutable_fields(client: httpx.Client) -> None:
    key, _ = new_key(client, limit=5)
    updated = ok(
        client.patch(f"/keys/{key['hash']}", json={"name": "renamed", "limit": 9, "include_byok_in_limit": True})
    )
    data = updated["data"]
    assert (data["name"], data["limit"], data["limit_remaining"], data["include_byok_in_limit"]) == (
        "renamed",
        9,
        9,
        True,
    )
    assert data["updated_at"] is not None
    cleared = ok(client.patch(f"/keys/{key['hash']}", json={"limit": None}))["data"]
    assert cleared["limit"] is None and cleared["limit_remaining"] is None


@pytest.mark.parametrize("field", ["workspace_id", "expires_at", "creator_user_id"])
def test_immutable_fields_are_rejected_on_patch(client: httpx.Client, field: str) -> None:
    key, _ = new_key(client)
    message = error(client.patch(f"/keys/{key['hash']}", json={field: None}), 400)
    assert message == f'Invalid request body: "{field}" cannot be changed after creation; create a new key instead'
    assert ok(client.get(f"/keys/{key['hash']}"))["data"]["workspace_id"] == key["workspace_id"]


def test_get_patch_delete_unknown_hash_is_404(client: httpx.Client) -> None:
    missing = "0" * 64
    error(client.get(f"/keys/{missing}"), 404)
    error(client.patch(f"/keys/{missing}", json={"name": "x"}), 404)
    error(client.delete(f"/keys/{missing}"), 404)


def test_delete_removes_key_and_its_guardrail_assignment(client: httpx.Client) -> None:
    key, _ = new_key(client)
    guardrail = ok(client.post("/guardrails", json={"name": "g"}), 201)["data"]
    ok(client.post(f"/guardrails/{guardrail['id']}/assignments/keys", json={"key_hashes": [key["hash"]]}))
    assert ok(client.delete(f"/keys/{key['hash']}")) == {"deleted": True}
    error(client.get(f"/keys/{key['hash']}"), 404)
    assert ok(client.get("/guardrails/assignments/keys"))["total_count"] == 0
