"""Guardrails: validation, replace semantics, canonical slugs, assignments, default guardrail."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import error, new_key, new_workspace, ok


def create(client: httpx.Client, **body: Any) -> dict[str, Any]:
    return ok(client.post("/guardrails", json={"name": "policy", **body}), 201)["data"]  # type: ignore[no-any-return]


def test_create_fills_every_field_and_lands_in_default_workspace(client: httpx.Client) -> None:
    default_ws = ok(client.get("/workspaces/default"))["data"]
    guardrail = create(client, description="d", limit_usd=20, reset_interval="weekly")
    assert guardrail["workspace_id"] == default_ws["id"]
    assert guardrail["limit_usd"] == 20 and guardrail["reset_interval"] == "weekly"
    assert guardrail["include_byok_in_budgets"] is False
    for name in ("allowed_models", "ignored_models", "allowed_providers", "content_filters", "enforce_zdr_openai"):
        assert guardrail[name] is None
    assert ok(client.get(f"/guardrails/{guardrail['id']}"))["data"] == guardrail
    listed = ok(client.get("/guardrails"))
    assert listed["total_count"] == 1 and listed["data"][0]["id"] == guardrail["id"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"limit_usd": 5}, "limit_usd and reset_interval must be sent together; got limit_usd without reset_interval"),
        ({"reset_interval": "daily"}, "got reset_interval without limit_usd"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"description": "d" * 1001}, "at most 1000 characters"),
        ({"allowed_models": []}, "at least 1 item(s) (send null to clear it)"),
        ({"allowed_models": ["openai/gpt-9"]}, "allowed_models: unknown model slug(s): openai/gpt-9"),
        ({"ignored_providers": ["openai", "not-a-provider"]}, "unknown provider slug(s): not-a-provider"),
        ({"content_filter_builtins": [{"slug": "email", "action": "nuke"}]}, "must be one of: redact, block, flag"),
        ({"content_filter_builtins": [{"slug": "email", "action": "block", "scan_scope": "user_only"}]}, "scan_scope"),
        ({"allowed_data_regions": ["mars"]}, "must be one of: global, europe, us"),
        ({"allowed_data_regions": []}, "at least 1 item(s)"),
        ({"workspace_id": "not-a-uuid"}, "must be a UUID"),
    ],
)
def test_create_validation(client: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error(client.post("/guardrails", json={"name": "policy", **body}), 400)


@pytest.mark.parametrize(
    "pattern",
    [r"(?=secret)\w+", r"(?<!x)y", r"(a)\1", r"(?<n>a)\k<n>", r"(a+)+", r"(\w+\s?)*$", r"(unclosed", r"*start"],
)
def test_refused_regex_patterns(client: httpx.Client, pattern: str) -> None:
    response = client.post(
        "/guardrails", json={"name": "f", "content_filters": [{"pattern": pattern, "action": "block"}]}
    )
    error(response, 400)
    assert response.json()["error"]["metadata"]["error_type"] == "invalid_regex_pattern"


@pytest.mark.parametrize(
    "pattern", [r"\b(sk-[a-zA-Z0-9]{48})\b", r"\d{3}-\d{2}-\d{4}", r"(?:foo|bar)+baz", r"[^]\p{L}+"]
)
def test_accepted_regex_patterns(client: httpx.Client, pattern: str) -> None:
    guardrail = create(client, content_filters=[{"pattern": pattern, "action": "redact", "label": "L"}])
    assert guardrail["content_filters"] == [{"pattern": pattern, "action": "redact", "label": "L"}]


def test_models_are_stored_and_returned_as_canonical_slugs(client: httpx.Client) -> None:
    guardrail = create(
        client,
        allowed_models=["anthropic/claude-sonnet-4.6", "openai/gpt-5-2025-08-07", "deepseek/deepseek-r1-0528:free"],
        ignored_models=["meta-llama/llama-3.3-70b-instruct:nitro"],
    )
    assert guardrail["allowed_models"] == [
        "anthropic/claude-4.6-sonnet-20260217",
        "openai/gpt-5-2025-08-07",
        "deepseek/deepseek-r1-0528-20250528",
    ]
    assert guardrail["ignored_models"] == ["meta-llama/llama-3.3-70b-instruct-20241206"]


def test_builtins_get_server_labels_and_default_scan_scope(client: httpx.Client) -> None:
    guardrail = create(
        client,
        content_filter_builtins=[
            {"slug": "email", "action": "redact", "label": "ignored"},
            {"slug": "regex-prompt-injection", "action": "block"},
        ],
    )
    assert guardrail["content_filter_builtins"] == [
        {"slug": "email", "action": "redact", "label": "[EMAIL]"},
        {
            "slug": "regex-prompt-injection",
            "action": "block",
            "label": "[PROMPT_INJECTION]",
            "scan_scope": "all_messages",
        },
    ]


def test_deprecated_enforce_zdr_fills_unsent_provider_fields(client: httpx.Client) -> None:
    guardrail = create(client, enforce_zdr=True, enforce_zdr_openai=False)
    assert guardrail["enforce_zdr_openai"] is False
    assert guardrail["enforce_zdr_anthropic"] is True and guardrail["enforce_zdr_other"] is True
    assert "enforce_zdr" not in guardrail


def test_patch_replaces_arrays_and_null_clears(client: httpx.Client) -> None:
    guardrail = create(client, allowed_providers=["openai", "anthropic"], allowed_models=["openai/gpt-5"])
    patched = ok(client.patch(f"/guardrails/{guardrail['id']}", json={"allowed_providers": ["groq"]}))["data"]
    assert patched["allowed_providers"] == ["groq"]
    assert patched["allowed_models"] == ["openai/gpt-5-2025-08-07"]  # untouched
    cleared = ok(client.patch(f"/guardrails/{guardrail['id']}", json={"allowed_models": None}))["data"]
    assert cleared["allowed_models"] is None and cleared["updated_at"] is not None
    assert "cannot be changed after creation" in error(
        client.patch(f"/guardrails/{guardrail['id']}", json={"workspace_id": guardrail["workspace_id"]}), 400
    )


def test_unknown_or_malformed_guardrail_id_is_404(client: httpx.Client) -> None:
    error(client.get("/guardrails/00000000-0000-4000-8000-000000000000"), 404)
    error(client.get("/guardrails/not-a-uuid"), 404)
    error(client.delete("/guardrails/00000000-0000-4000-8000-000000000000"), 404)


def test_key_holds_one_guardrail_and_assigning_moves_it(client: httpx.Client) -> None:
    key, _ = new_key(client, name="svc")
    first, second = create(client, name="first"), create(client, name="second")
    assert ok(client.post(f"/guardrails/{first['id']}/assignments/keys", json={"key_hashes": [key["hash"]]})) == {
        "assigned_count": 1
    }
    # Assigning the same key again to the same guardrail changes nothing.
    again = ok(client.post(f"/guardrails/{first['id']}/assignments/keys", json={"key_hashes": [key["hash"]]}))
    assert again == {"assigned_count": 0}
    ok(client.post(f"/guardrails/{second['id']}/assignments/keys", json={"key_hashes": [key["hash"]]}))
    assert ok(client.get(f"/guardrails/{first['id']}/assignments/keys"))["total_count"] == 0
    listed = ok(client.get(f"/guardrails/{second['id']}/assignments/keys"))
    assignment = listed["data"][0]
    assert listed["total_count"] == 1
    assert (assignment["key_hash"], assignment["key_name"], assignment["key_label"]) == (
        key["hash"],
        "svc",
        key["label"],
    )
    everything = ok(client.get("/guardrails/assignments/keys"))
    assert [a["guardrail_id"] for a in everything["data"]] == [second["id"]]
    removed = ok(client.post(f"/guardrails/{second['id']}/assignments/keys/remove", json={"key_hashes": [key["hash"]]}))
    assert removed == {"unassigned_count": 1}


def test_assignment_validation(client: httpx.Client) -> None:
    guardrail = create(client)
    path = f"/guardrails/{guardrail['id']}/assignments/keys"
    assert '"key_hashes" must have at least 1 item(s)' in error(client.post(path, json={"key_hashes": []}), 400)
    assert "Unknown API key hash(es)" in error(client.post(path, json={"key_hashes": ["f" * 64]}), 400)
    error(
        client.post("/guardrails/00000000-0000-4000-8000-000000000000/assignments/keys", json={"key_hashes": ["a"]}),
        404,
    )


def test_workspace_scoped_guardrail_only_takes_keys_of_its_workspace(client: httpx.Client) -> None:
    workspace = new_workspace(client)
    guardrail = create(client, workspace_id=workspace["id"])
    foreign, _ = new_key(client, name="default-ws")
    local, _ = new_key(client, name="team", workspace_id=workspace["id"])
    path = f"/guardrails/{guardrail['id']}/assignments/keys"
    assert "in another workspace" in error(client.post(path, json={"key_hashes": [foreign["hash"]]}), 400)
    ok(client.post(path, json={"key_hashes": [local["hash"]]}))
    # Listing by workspace shows it; the default workspace list does not.
    assert ok(client.get("/guardrails"))["total_count"] == 0
    assert ok(client.get("/guardrails", params={"workspace_id": workspace["id"]}))["total_count"] == 1


def test_member_assignments(client: httpx.Client) -> None:
    members = ok(client.get("/organization/members"))["data"]
    guardrail = create(client)
    path = f"/guardrails/{guardrail['id']}/assignments/members"
    assert ok(client.post(path, json={"member_user_ids": [members[2]["id"]]})) == {"assigned_count": 1}
    listed = ok(client.get(path))["data"]
    org_id = ok(client.get("/organization/settings"))["data"]["id"]
    assert listed[0]["user_id"] == members[2]["id"] and listed[0]["organization_id"] == org_id
    assert ok(client.get("/guardrails/assignments/members"))["total_count"] == 1
    assert "Not members" in error(client.post(path, json={"member_user_ids": ["user_ghost"]}), 400)
    assert ok(client.post(path + "/remove", json={"member_user_ids": [members[2]["id"], "user_ghost"]})) == {
        "unassigned_count": 1
    }


def test_delete_guardrail_drops_its_assignments(client: httpx.Client) -> None:
    key, _ = new_key(client)
    guardrail = create(client)
    ok(client.post(f"/guardrails/{guardrail['id']}/assignments/keys", json={"key_hashes": [key["hash"]]}))
    assert ok(client.delete(f"/guardrails/{guardrail['id']}")) == {"deleted": True}
    error(client.get(f"/guardrails/{guardrail['id']}"), 404)
    assert ok(client.get("/guardrails/assignments/keys"))["total_count"] == 0


class TestWorkspaceDefaultGuardrail:
    def test_is_404_and_unlisted_until_first_patch(self, client: httpx.Client) -> None:
        workspace = new_workspace(client)
        default_id = workspace["default_guardrail_id"]
        error(client.get(f"/guardrails/{default_id}"), 404)
        assert ok(client.get("/guardrails", params={"workspace_id": workspace["id"]}))["total_count"] == 0
        patched = ok(client.patch(f"/guardrails/{default_id}", json={"allowed_providers": ["anthropic"]}))["data"]
        assert patched["id"] == default_id
        assert patched["name"] == f"Workspace {workspace['id']} Default"
        assert patched["workspace_id"] == workspace["id"]
        assert ok(client.get(f"/guardrails/{default_id}"))["data"]["allowed_providers"] == ["anthropic"]
        assert ok(client.get("/guardrails", params={"workspace_id": workspace["id"]}))["total_count"] == 1

    def test_id_is_deterministic_per_workspace(self, client: httpx.Client) -> None:
        workspace = new_workspace(client)
        assert (
            ok(client.get(f"/workspaces/{workspace['id']}"))["data"]["default_guardrail_id"]
            == workspace["default_guardrail_id"]
        )
        other = new_workspace(client, slug="team-b")
        assert other["default_guardrail_id"] != workspace["default_guardrail_id"]

    def test_cannot_be_renamed_deleted_or_assigned(self, client: httpx.Client) -> None:
        workspace = new_workspace(client)
        default_id = workspace["default_guardrail_id"]
        assert "cannot be renamed" in error(client.patch(f"/guardrails/{default_id}", json={"name": "mine"}), 400)
        error(client.get(f"/guardrails/{default_id}"), 404)  # the refused PATCH materialised nothing
        ok(client.patch(f"/guardrails/{default_id}", json={"enforce_zdr_other": True}))
        assert "cannot be deleted" in error(client.delete(f"/guardrails/{default_id}"), 400)
        key, _ = new_key(client, workspace_id=workspace["id"])
        message = error(
            client.post(f"/guardrails/{default_id}/assignments/keys", json={"key_hashes": [key["hash"]]}), 400
        )
        assert "cannot be assigned" in message

    def test_sending_its_platform_name_is_accepted(self, client: httpx.Client) -> None:
        workspace = new_workspace(client)
        name = f"Workspace {workspace['id']} Default"
        assert (
            ok(client.patch(f"/guardrails/{workspace['default_guardrail_id']}", json={"name": name}))["data"]["name"]
            == name
        )
