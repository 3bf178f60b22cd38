"""Organization members and settings, and credits."""

from __future__ import annotations

import httpx
from emulator_support import error, ok


def test_members_are_fake_users_with_roles(client: httpx.Client) -> None:
    members = ok(client.get("/organization/members"))
    assert members["total_count"] == len(members["data"]) >= 3
    for member in members["data"]:
        assert member["id"].startswith("user_") and "@" in member["email"]
        assert member["role"] in ("org:admin", "org:member")
    assert ok(client.get("/organization/members", params={"limit": 1}))["data"] == members["data"][:1]


def test_settings_round_trip(client: httpx.Client) -> None:
    settings = ok(client.get("/organization/settings"))["data"]
    assert settings["id"].startswith("org_") and settings["is_filtered_model_catalog_enabled"] is False
    updated = ok(client.patch("/organization/settings", json={"is_filtered_model_catalog_enabled": True}))["data"]
    assert updated == {"id": settings["id"], "is_filtered_model_catalog_enabled": True}
    assert '"is_filtered_model_catalog_enabled" is required' in error(
        client.patch("/organization/settings", json={}), 400
    )


def test_credits(client: httpx.Client) -> None:
    assert ok(client.get("/credits")) == {"data": {"total_credits": 100.0, "total_usage": 0.0}}
