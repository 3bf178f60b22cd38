"""Workspaces: id-or-slug paths, validation, deletion rules, budgets, members."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import error, new_key, new_workspace, ok


def test_fresh_account_has_the_default_workspace(client: httpx.Client) -> None:
    listed = ok(client.get("/workspaces"))
    assert listed["total_count"] == 1
    default = listed["data"][0]
    assert default["slug"] == "default"
    assert ok(client.get(f"/workspaces/{default['id']}"))["data"] == ok(client.get("/workspaces/default"))["data"]


def test_create_get_by_uuid_or_slug_and_patch_slug(client: httpx.Client) -> None:
    created = new_workspace(client, "team-a", description="A team", default_text_model="openai/gpt-5-mini")
    assert created["created_by"].startswith("user_")
    assert created["io_logging_sampling_rate"] == 1 and created["io_logging_api_key_ids"] is None
    assert ok(client.get("/workspaces/team-a"))["data"]["id"] == created["id"]
    renamed = ok(client.patch("/workspaces/team-a", json={"slug": "team-alpha", "name": "Alpha"}))["data"]
    assert renamed["slug"] == "team-alpha" and renamed["updated_at"] is not None
    error(client.get("/workspaces/team-a"), 404)
    assert ok(client.get(f"/workspaces/{created['id']}"))["data"]["slug"] == "team-alpha"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "x"}, '"slug" is required'),
        ({"name": "x", "slug": "Team_A"}, '"slug" must match ^[a-z0-9]+(?:-[a-z0-9]+)*$'),
        ({"name": "x", "slug": "a--b"}, "must match"),
        ({"name": "x", "slug": "s" * 51}, "at most 50 characters"),
        ({"name": "n" * 101, "slug": "ok"}, "at most 100 characters"),
        ({"name": "x", "slug": "ok", "description": "d" * 501}, "at most 500 characters"),
        ({"name": "x", "slug": "ok", "io_logging_sampling_rate": 0}, "must be at least 0.0001"),
        ({"name": "x", "slug": "ok", "io_logging_sampling_rate": 1.5}, "must be at most 1"),
        ({"name": "x", "slug": "ok", "default_provider_sort": "cheapest"}, "price, throughput, latency, exacto"),
        ({"name": "x", "slug": "ok", "default_text_model": "acme/nothing"}, "unknown model"),
        ({"name": "x", "slug": "ok", "default_image_model": "openai/gpt-5"}, "does not produce image output"),
        ({"name": "x", "slug": "default"}, "already exists"),
        ({"name": "x", "slug": "123e4567-e89b-42d3-a456-426614174000"}, "must not look like a UUID"),
        ({"name": "x", "slug": "ok", "include_byok_in_budgets": True}, 'unknown field "include_byok_in_budgets"'),
    ],
)
def test_create_validation(client: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error(client.post("/workspaces", json=body), 400)


def test_include_byok_flag_is_not_patchable_directly(client: httpx.Client) -> None:
    new_workspace(client)
    message = error(client.patch("/workspaces/team-a", json={"include_byok_in_budgets": True}), 400)
    assert "budgets" in message


def test_delete_default_workspace_is_403(client: httpx.Client) -> None:
    error(client.delete("/workspaces/default"), 403)


def test_delete_with_active_keys_is_400_and_cascades_when_clear(client: httpx.Client) -> None:
    workspace = new_workspace(client)
    wid = workspace["id"]
    key, _ = new_key(client, workspace_id=wid)
    guardrail = ok(client.post("/guardrails", json={"name": "g", "workspace_id": wid}), 201)["data"]
    ok(client.put(f"/workspaces/{wid}/budgets/monthly", json={"limit_usd": 50}))
    assert "still has 1 active API key" in error(client.delete(f"/workspaces/{wid}"), 400)
    ok(client.patch(f"/keys/{key['hash']}", json={"disabled": True}))
    assert ok(client.delete("/workspaces/team-a")) == {"deleted": True}
    error(client.get(f"/workspaces/{wid}"), 404)
    error(client.get(f"/guardrails/{guardrail['id']}"), 404)
    error(client.get(f"/keys/{key['hash']}"), 404)
    error(client.get(f"/workspaces/{wid}/budgets"), 404)


def test_paging_limits(client: httpx.Client) -> None:
    for index in range(4):
        new_workspace(client, f"ws-{index}")
    page = ok(client.get("/workspaces", params={"offset": 1, "limit": 2}))
    assert page["total_count"] == 5 and [w["slug"] for w in page["data"]] == ["ws-0", "ws-1"]
    assert len(ok(client.get("/workspaces", params={"limit": 100}))["data"]) == 5
    for bad in (0, 101, "x"):
        assert 'Invalid query parameter "limit"' in error(client.get("/workspaces", params={"limit": bad}), 400)
    assert ok(client.get("/workspaces", params={"offset": 10}))["data"] == []


class TestBudgets:
    def test_upsert_list_get_and_lifetime_interval(self, client: httpx.Client) -> None:
        wid = new_workspace(client)["id"]
        lifetime = ok(client.put(f"/workspaces/{wid}/budgets/lifetime", json={"limit_usd": 1000}))
        assert lifetime["data"]["reset_interval"] is None
        assert lifetime["include_byok_in_budgets"] is False
        monthly = ok(client.put(f"/workspaces/{wid}/budgets/monthly", json={"limit_usd": 300}))["data"]
        again = ok(client.put(f"/workspaces/{wid}/budgets/monthly", json={"limit_usd": 250}))["data"]
        assert again["id"] == monthly["id"] and again["limit_usd"] == 250
        listed = ok(client.get(f"/workspaces/{wid}/budgets"))
        assert {b["reset_interval"] for b in listed["data"]} == {None, "monthly"}
        assert ok(client.get("/workspaces/team-a/budgets/lifetime"))["data"]["limit_usd"] == 1000
        assert "No weekly budget" in error(client.get(f"/workspaces/{wid}/budgets/weekly"), 404)

    @pytest.mark.parametrize(
        ("existing", "interval", "limit"),
        [
            ({"monthly": 100}, "daily", 100),
            ({"monthly": 100}, "weekly", 150),
            ({"daily": 10}, "weekly", 5),
            ({"lifetime": 50}, "monthly", 60),
            ({"lifetime": 500, "daily": 20}, "weekly", 10),
        ],
    )
    def test_strict_ordering(
        self, client: httpx.Client, existing: dict[str, float], interval: str, limit: float
    ) -> None:
        wid = new_workspace(client)["id"]
        for name, value in existing.items():
            ok(client.put(f"/workspaces/{wid}/budgets/{name}", json={"limit_usd": value}))
        message = error(client.put(f"/workspaces/{wid}/budgets/{interval}", json={"limit_usd": limit}), 400)
        assert "strictly decrease from lifetime to monthly to weekly to daily" in message
        error(client.get(f"/workspaces/{wid}/budgets/{interval}"), 404)

    def test_limit_must_be_positive_and_interval_known(self, client: httpx.Client) -> None:
        wid = new_workspace(client)["id"]
        assert "greater than 0" in error(client.put(f"/workspaces/{wid}/budgets/daily", json={"limit_usd": 0}), 400)
        assert '"limit_usd" is required' in error(client.put(f"/workspaces/{wid}/budgets/daily", json={}), 400)
        assert "interval must be one of" in error(
            client.put(f"/workspaces/{wid}/budgets/yearly", json={"limit_usd": 1}), 400
        )

    def test_include_byok_flag_is_workspace_wide_and_sticky(self, client: httpx.Client) -> None:
        wid = new_workspace(client)["id"]
        ok(client.put(f"/workspaces/{wid}/budgets/monthly", json={"limit_usd": 100, "include_byok_in_budgets": True}))
        daily = ok(client.put(f"/workspaces/{wid}/budgets/daily", json={"limit_usd": 5}))
        assert daily["include_byok_in_budgets"] is True  # omitted: unchanged
        assert ok(client.get(f"/workspaces/{wid}"))["data"]["include_byok_in_budgets"] is True
        assert ok(client.get(f"/workspaces/{wid}/budgets"))["include_byok_in_budgets"] is True

    def test_delete_is_idempotent(self, client: httpx.Client) -> None:
        wid = new_workspace(client)["id"]
        ok(client.put(f"/workspaces/{wid}/budgets/weekly", json={"limit_usd": 30}))
        assert ok(client.delete(f"/workspaces/{wid}/budgets/weekly")) == {"deleted": True}
        assert ok(client.delete(f"/workspaces/{wid}/budgets/weekly")) == {"deleted": True}
        assert ok(client.get(f"/workspaces/{wid}/budgets"))["data"] == []


class TestMembers:
    def test_default_workspace_lists_every_org_member(self, client: httpx.Client) -> None:
        org = ok(client.get("/organization/members"))["data"]
        members = ok(client.get("/workspaces/default/members"))
        assert members["total_count"] == len(org) >= 3
        assert {m["user_id"] for m in members["data"]} == {m["id"] for m in org}
        roles = {m["user_id"]: m["role"] for m in members["data"]}
        assert all(roles[m["id"]] == ("admin" if m["role"] == "org:admin" else "member") for m in org)
        assert "default workspace" in error(
            client.post("/workspaces/default/members/add", json={"user_ids": [org[0]["id"]]}), 400
        )

    def test_add_and_remove(self, client: httpx.Client) -> None:
        org = ok(client.get("/organization/members"))["data"]
        new_workspace(client)
        initial = ok(client.get("/workspaces/team-a/members"))["data"]
        assert [m["user_id"] for m in initial] == [org[0]["id"]]  # the creator
        added = ok(client.post("/workspaces/team-a/members/add", json={"user_ids": [org[2]["id"], org[0]["id"]]}))
        assert added["added_count"] == 1 and added["data"][0]["user_id"] == org[2]["id"]
        assert added["data"][0]["role"] == "member"
        assert "Not members" in error(client.post("/workspaces/team-a/members/add", json={"user_ids": ["user_x"]}), 400)
        too_many = {"user_ids": [f"user_{i}" for i in range(101)]}
        assert "at most 100 items" in error(client.post("/workspaces/team-a/members/add", json=too_many), 400)
        removed = ok(client.post("/workspaces/team-a/members/remove", json={"user_ids": [org[2]["id"]]}))
        assert removed == {"removed_count": 1}

    def test_member_with_active_key_cannot_be_removed(self, client: httpx.Client) -> None:
        org = ok(client.get("/organization/members"))["data"]
        wid = new_workspace(client)["id"]
        ok(client.post(f"/workspaces/{wid}/members/add", json={"user_ids": [org[3]["id"]]}))
        new_key(client, workspace_id=wid, creator_user_id=org[3]["id"])
        message = error(client.post(f"/workspaces/{wid}/members/remove", json={"user_ids": [org[3]["id"]]}), 400)
        assert "active API keys" in message
