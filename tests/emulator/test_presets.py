"""Presets: create-from-request endpoints, versions, key scoping."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from emulator_support import error, new_key, new_workspace, ok

CHAT = {
    "model": "anthropic/claude-sonnet-4.6",
    "temperature": 0.2,
    "max_tokens": 800,
    "provider": {"order": ["anthropic"]},
    "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "ignored"},
    ],
    "stream": True,
    "user": "someone",
}


def test_chat_creates_preset_with_config_and_system_prompt(client: httpx.Client) -> None:
    data = ok(client.post("/presets/support-bot/chat/completions", json=CHAT))["data"]
    assert data["slug"] == "support-bot" and data["status"] == "active"
    version = data["designated_version"]
    assert version["version"] == 1 and data["designated_version_id"] == version["id"]
    assert version["system_prompt"] == "You are terse."
    assert version["config"] == {
        "model": "anthropic/claude-sonnet-4.6",
        "temperature": 0.2,
        "max_tokens": 800,
        "provider": {"order": ["anthropic"]},
    }


def test_every_write_appends_and_designates_a_version(client: httpx.Client) -> None:
    ok(client.post("/presets/bot/chat/completions", json=CHAT))
    ok(client.post("/presets/bot/chat/completions", json=CHAT))  # identical: still a new version
    third = ok(client.post("/presets/bot/chat/completions", json={**CHAT, "temperature": 0.9}))["data"]
    assert third["designated_version"]["version"] == 3
    versions = ok(client.get("/presets/bot/versions"))
    assert versions["total_count"] == 3 and [v["version"] for v in versions["data"]] == [1, 2, 3]
    assert ok(client.get("/presets/bot/versions/2"))["data"]["config"]["temperature"] == 0.2
    assert ok(client.get("/presets/bot"))["data"]["designated_version"]["config"]["temperature"] == 0.9
    error(client.get("/presets/bot/versions/9"), 404)
    error(client.get("/presets/bot/versions/two"), 400)


def test_messages_and_responses_shapes(client: httpx.Client) -> None:
    messages = {
        "model": "anthropic/claude-haiku-4.5",
        "max_tokens": 300,
        "system": [{"type": "text", "text": "Be brief."}],
        "messages": [{"role": "user", "content": "hi"}],
        "stop_sequences": ["END"],
    }
    version = ok(client.post("/presets/anth/messages", json=messages))["data"]["designated_version"]
    assert version["system_prompt"] == "Be brief."
    assert version["config"] == {"model": "anthropic/claude-haiku-4.5", "max_tokens": 300, "stop_sequences": ["END"]}
    responses = {
        "model": "openai/gpt-5",
        "instructions": "Cite sources.",
        "input": "dropped",
        "reasoning": {"effort": "low"},
    }
    version = ok(client.post("/presets/resp/responses", json=responses))["data"]["designated_version"]
    assert version["system_prompt"] == "Cite sources."
    assert version["config"] == {"model": "openai/gpt-5", "reasoning": {"effort": "low"}}


@pytest.mark.parametrize(
    ("path", "body", "fragment"),
    [
        ("/presets/Bad_Slug/chat/completions", CHAT, "Invalid preset slug"),
        ("/presets/ok/chat/completions", {"model": "openai/gpt-5"}, '"messages" is required'),
        ("/presets/ok/chat/completions", {**CHAT, "model": "nope/nope"}, "unknown model"),
        ("/presets/ok/chat/completions", {**CHAT, "temperature": 3}, "at most 2"),
        ("/presets/ok/messages", {"messages": []}, '"model" is required'),
    ],
)
def test_create_validation(client: httpx.Client, path: str, body: dict[str, object], fragment: str) -> None:
    assert fragment in error(client.post(path, json=body), 400)
    error(client.get("/presets/ok"), 404)


def default_workspace_id(client: httpx.Client) -> str:
    return str(next(w["id"] for w in ok(client.get("/workspaces"))["data"] if w["slug"] == "default"))


def test_inference_key_acts_in_its_own_workspace_and_management_key_where_told(
    client: httpx.Client, as_key: Callable[[str], httpx.Client]
) -> None:
    workspace = new_workspace(client)
    _, team_secret = new_key(client, workspace_id=workspace["id"])
    _, default_secret = new_key(client, name="default-ws-key")
    team, default = as_key(team_secret), as_key(default_secret)
    created = ok(team.post("/presets/team-bot/chat/completions", json=CHAT))["data"]
    assert created["workspace_id"] == workspace["id"]
    ok(default.post("/presets/default-bot/chat/completions", json=CHAT))
    assert [p["slug"] for p in ok(team.get("/presets"))["data"]] == ["team-bot"]
    error(default.get("/presets/team-bot"), 404)
    # An inference key cannot reach into another workspace.
    error(team.get("/presets", params={"workspace_id": default_workspace_id(client)}), 403)
    # [newer] Without workspace_id a management key acts in the default workspace only.
    assert [p["slug"] for p in ok(client.get("/presets"))["data"]] == ["default-bot"]
    error(client.get("/presets/team-bot"), 404)
    scoped = {"workspace_id": workspace["id"]}
    listed = ok(client.get("/presets", params=scoped))
    assert listed["total_count"] == 1 and listed["data"][0]["workspace_id"] == workspace["id"]
    assert ok(client.get("/presets/team-bot", params=scoped))["data"]["designated_version"]["version"] == 1
    assert ok(client.get("/presets", params={"workspace_id": workspace["slug"]}))["total_count"] == 1
    error(client.get("/presets", params={"workspace_id": "no-such-workspace"}), 404)
    # A management key writes into the default workspace, or the one given.
    assert ok(client.post("/presets/mgmt-bot/chat/completions", json=CHAT))["data"]["workspace_id"] != workspace["id"]
    there = ok(client.post("/presets/mgmt-bot/chat/completions", params=scoped, json=CHAT))["data"]
    assert there["workspace_id"] == workspace["id"]


def test_list_is_most_recently_updated_first(client: httpx.Client, clock: object) -> None:
    ok(client.post("/presets/a/chat/completions", json=CHAT))
    clock.advance(minutes=1)  # type: ignore[attr-defined]
    ok(client.post("/presets/b/chat/completions", json=CHAT))
    clock.advance(minutes=1)  # type: ignore[attr-defined]
    ok(client.post("/presets/a/chat/completions", json=CHAT))
    assert [p["slug"] for p in ok(client.get("/presets"))["data"]] == ["a", "b"]
