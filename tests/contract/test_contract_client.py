"""Contract tests of the client: what orctl sends, and what it expects back, for each call it makes.

Replayed from cassettes recorded against the emulator on loopback (or a real sandbox organisation:
see README.md). Each test reads back what it wrote through the same mapping functions the reader
uses, so a change in the API's shapes shows up here first. Objects carry the run prefix and are
deleted at the end of each test."""

from __future__ import annotations

import re

import pytest
from contract_support import PLACEHOLDER, Contract

from openrouter_iac.client import check_management_key
from openrouter_iac.errors import (
    ApiRequestError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
)
from openrouter_iac.kinds import api_key, guardrail, preset
from openrouter_iac.kinds import workspace as workspace_kind
from openrouter_iac.kinds.base import ReadContext
from openrouter_iac.kinds.guardrail_policy import policy_body as guardrail_body
from openrouter_iac.model.resources import (
    ApiKey,
    Guardrail,
    GuardrailBudget,
    GuardrailPolicy,
    Preset,
    PromptInjection,
    Workspace,
)

HASH = re.compile(r"[0-9a-f]{64}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UNKNOWN_HASH = "0" * 64
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def new_workspace(api: Contract, suffix: str) -> str:
    slug = api.name(suffix)
    spec = Workspace(name=f"{slug} (orctl contract test)", description="Created by orctl's contract tests")
    created = api.client.post("/workspaces", json=workspace_kind.body(spec, slug), resource=f"workspace {slug}")
    data = created["data"]
    assert data["slug"] == slug and UUID.fullmatch(data["id"])
    api.finally_delete(f"/workspaces/{data['id']}")
    return str(data["id"])


def new_key(api: Contract, workspace_id: str, suffix: str, spec: ApiKey | None = None) -> tuple[str, str]:
    """Create a key; returns (hash, secret). The secret is the placeholder in a replayed cassette."""
    name = api.name(suffix)
    body = api_key.create_body(spec or ApiKey(limit=1, limit_reset="monthly"), name, workspace_id)
    created = api.client.post("/keys", json=body, resource=f"key {name}")
    api.finally_delete(f"/keys/{created['data']['hash']}")
    return str(created["data"]["hash"]), str(created["key"])


# -- workspaces ----------------------------------------------------------------------------------


def test_workspaces_list_pages_with_total_count(contract: Contract) -> None:
    created = new_workspace(contract, "paging")
    listed = contract.client.list_all("/workspaces", resource="workspaces", page_size=1)
    assert len(listed) >= 2  # the default workspace and ours, one per page
    assert len({ws["id"] for ws in listed}) == len(listed)
    for ws in listed:
        assert {"id", "slug", "name", "default_guardrail_id"} <= set(ws)  # what the reader needs
    assert created in {ws["id"] for ws in listed}
    first = contract.client.get("/workspaces", params={"offset": 0, "limit": 1}, resource="workspaces")
    assert len(first["data"]) == 1 and first["total_count"] == len(listed)
    mine = next(ws for ws in listed if ws["id"] == created)
    assert workspace_kind.from_api(mine, [], False).name == f"{contract.name('paging')} (orctl contract test)"


def test_workspace_budgets_put_read_delete(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "budgets")
    path = f"/workspaces/{workspace_id}/budgets"
    put = contract.client.put(f"{path}/monthly", json={"limit_usd": 25}, resource="monthly budget")
    assert put["data"]["limit_usd"] == 25 and put["data"]["reset_interval"] == "monthly"
    contract.client.put(f"{path}/weekly", json={"limit_usd": 10}, resource="weekly budget")
    listed = contract.client.get(path, resource="budgets")
    include_byok = bool(listed.get("include_byok_in_budgets"))
    budgets = workspace_kind.from_api({"name": "x"}, listed["data"], include_byok).budgets
    assert (budgets.monthly, budgets.weekly, budgets.daily) == (25, 10, None)
    deleted = contract.client.delete(f"{path}/weekly", resource="weekly budget")
    assert deleted["deleted"] is True
    after = contract.client.get(path, resource="budgets")["data"]
    assert [(b["reset_interval"], b["limit_usd"]) for b in after] == [("monthly", 25)]


# -- keys ----------------------------------------------------------------------------------------


def test_created_key_secret_is_returned_once(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "keys")
    spec = ApiKey(limit=5, limit_reset="weekly", include_byok_in_limit=True)
    key_hash, secret = new_key(contract, workspace_id, "key", spec)
    assert HASH.fullmatch(key_hash)
    assert secret.startswith("sk-or-")
    if not contract.mode.recording:
        assert secret == PLACEHOLDER  # the cassette holds no secret
    read = contract.client.get(f"/keys/{key_hash}", resource="key")
    assert "key" not in read and "key" not in read["data"]  # shown once, at creation only
    assert read["data"]["name"] == contract.name("key") and read["data"]["workspace_id"] == workspace_id
    assert api_key.from_api(read["data"], ReadContext()) == spec


def test_key_patch_disable_and_delete(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "patch")
    key_hash, _ = new_key(contract, workspace_id, "patched")
    desired = ApiKey(limit=3, limit_reset="daily", disabled=True)
    patched = contract.client.patch(f"/keys/{key_hash}", json=api_key.patch_body(desired), resource="key")
    assert api_key.from_api(patched["data"], ReadContext()) == desired
    scoped = {"workspace_id": workspace_id}
    enabled = contract.client.list_all("/keys", params=scoped, resource="keys")
    everything = contract.client.list_all("/keys", params={**scoped, "include_disabled": True}, resource="keys")
    assert key_hash not in {k["hash"] for k in enabled}
    assert key_hash in {k["hash"] for k in everything}
    assert contract.client.delete(f"/keys/{key_hash}", resource="key") == {"deleted": True}
    with pytest.raises(NotFoundError):
        contract.client.get(f"/keys/{key_hash}", resource="key")


def test_keys_list_offset(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "offset")
    hashes = {new_key(contract, workspace_id, f"k{n}")[0] for n in range(3)}
    scoped = {"workspace_id": workspace_id}
    listed = contract.client.list_all("/keys", params=scoped, resource="keys")
    assert {k["hash"] for k in listed} == hashes
    assert {k["name"] for k in listed} == {contract.name(f"k{n}") for n in range(3)}
    # /keys takes `offset` only (fixed pages of 100): it must skip exactly that many.
    rest = contract.client.get("/keys", params={**scoped, "offset": 1}, resource="keys")["data"]
    assert [k["hash"] for k in rest] == [k["hash"] for k in listed[1:]]
    assert contract.client.get("/keys", params={**scoped, "offset": 3}, resource="keys")["data"] == []


# -- guardrails and assignments ------------------------------------------------------------------


def test_guardrail_create_patch_read_back(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "guardrails")
    name = contract.name("cap")
    spec = Guardrail(
        description="contract test",
        budget=GuardrailBudget(limit_usd=50, reset="monthly"),
        allowed_providers=["anthropic", "openai"],
        sensitive_info={"email": "redact"},
        prompt_injection=PromptInjection(action="block", scope="user_only"),
    )
    created = contract.client.post("/guardrails", json=guardrail_body(spec, name, workspace_id), resource="guardrail")
    guardrail_id = created["data"]["id"]
    contract.finally_delete(f"/guardrails/{guardrail_id}")
    assert created["data"]["name"] == name and created["data"]["workspace_id"] == workspace_id
    read = guardrail.from_api(
        contract.client.get(f"/guardrails/{guardrail_id}", resource="guardrail")["data"], ReadContext()
    )
    for field in ("description", "budget", "allowed_providers", "sensitive_info", "prompt_injection"):
        assert getattr(read, field) == getattr(spec, field), field
    changed = spec.model_copy(update={"budget": GuardrailBudget(limit_usd=40, reset="weekly"), "sensitive_info": None})
    contract.client.patch(f"/guardrails/{guardrail_id}", json=guardrail_body(changed, name), resource="guardrail")
    again = guardrail.from_api(
        contract.client.get(f"/guardrails/{guardrail_id}", resource="guardrail")["data"], ReadContext()
    )
    assert again.budget == GuardrailBudget(limit_usd=40, reset="weekly")
    assert again.sensitive_info is None and again.prompt_injection == spec.prompt_injection
    second = contract.client.post(
        "/guardrails", json=guardrail_body(Guardrail(), contract.name("second"), workspace_id), resource="guardrail"
    )
    contract.finally_delete(f"/guardrails/{second['data']['id']}")
    paged = contract.client.list_all("/guardrails", params={"workspace_id": workspace_id}, resource="g", page_size=1)
    named = {g["name"] for g in paged}
    assert {name, contract.name("second")} <= named
    assert len({g["id"] for g in paged}) == len(paged)


def test_key_assignments(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "assign")
    name = contract.name("assigned")
    created = contract.client.post("/guardrails", json=guardrail_body(Guardrail(), name, workspace_id), resource="g")
    guardrail_id = created["data"]["id"]
    contract.finally_delete(f"/guardrails/{guardrail_id}")
    key_hash, _ = new_key(contract, workspace_id, "assigned-key")
    base = f"/guardrails/{guardrail_id}/assignments/keys"
    assigned = contract.client.post(base, json={"key_hashes": [key_hash]}, resource="assign", idempotent=True)
    assert assigned["assigned_count"] == 1
    account = contract.client.list_all("/guardrails/assignments/keys", resource="assignments")
    assert {"key_hash": key_hash, "guardrail_id": guardrail_id} in [
        {"key_hash": a["key_hash"], "guardrail_id": a["guardrail_id"]} for a in account
    ]
    of_guardrail = contract.client.list_all(base, resource="assignments of the guardrail")
    assert [a["key_hash"] for a in of_guardrail] == [key_hash]
    removed = contract.client.post(
        f"{base}/remove", json={"key_hashes": [key_hash]}, resource="unassign", idempotent=True
    )
    assert removed["unassigned_count"] == 1
    assert contract.client.list_all(base, resource="assignments of the guardrail") == []


def test_default_guardrail_is_read_by_id(contract: Contract) -> None:
    """Not configured: 404 by id (the list need not show it); the first PATCH makes it readable by id."""
    workspace_id = new_workspace(contract, "default-guardrail")
    workspace = contract.client.get(f"/workspaces/{workspace_id}", resource="workspace")["data"]
    default_id = workspace["default_guardrail_id"]
    with pytest.raises(NotFoundError):
        contract.client.get(f"/guardrails/{default_id}", resource="default guardrail")
    policy = GuardrailPolicy(allowed_providers=["anthropic"])
    contract.client.patch(f"/guardrails/{default_id}", json=guardrail_body(policy, None), resource="default guardrail")
    read = contract.client.get(f"/guardrails/{default_id}", resource="default guardrail")["data"]
    assert read["id"] == default_id and read["allowed_providers"] == ["anthropic"]


# -- presets -------------------------------------------------------------------------------------


def test_preset_archive_and_restore_name_the_workspace(contract: Contract) -> None:
    """A preset is published with an inference key of its workspace; archive and restore (management
    key) name the workspace; archived it is hidden; restored it keeps its version (no new one)."""
    workspace_id = new_workspace(contract, "presets")
    _, secret = new_key(contract, workspace_id, "publisher")
    slug = contract.name("preset")
    spec = Preset(model="openai/gpt-5-mini", parameters={"temperature": 0.2})
    contract.client_with(secret).post(
        f"/presets/{slug}/chat/completions", json=preset.request_body(spec), resource="preset", idempotent=True
    )
    scope = {"workspace_id": workspace_id}
    read = contract.client.get(f"/presets/{slug}", params=scope, resource="preset")["data"]
    assert read["workspace_id"] == workspace_id and read["designated_version"]["version"] == 1
    assert preset.from_version(read["designated_version"]).content() == spec.content()
    contract.client.delete(f"/presets/{slug}", params=scope, resource="preset")
    with pytest.raises(NotFoundError):
        contract.client.get(f"/presets/{slug}", params=scope, resource="preset")
    assert slug not in {p["slug"] for p in contract.client.list_all("/presets", params=scope, resource="presets")}
    restored = contract.client.post(
        f"/presets/{slug}/restore", json=None, params=scope, resource="preset", idempotent=True
    )["data"]
    assert restored["status"] == "active" and restored["designated_version"]["version"] == 1
    versions = contract.client.list_all(f"/presets/{slug}/versions", params=scope, resource="versions")
    assert [v["version"] for v in versions] == [1]
    contract.client.delete(f"/presets/{slug}", params=scope, resource="preset")  # leave it archived


# -- who is calling, and errors ------------------------------------------------------------------


def test_management_key_identity(contract: Contract) -> None:
    data = check_management_key(contract.client)
    assert data.get("is_management_key") is True or data.get("is_provisioning_key") is True


def test_unknown_key_is_401(contract: Contract) -> None:
    stranger = contract.client_with("sk-or-v1-" + "0" * 64)
    with pytest.raises(AuthenticationError) as err:
        stranger.list_all("/workspaces", resource="workspaces")
    assert err.value.status == 401 and "the management key was rejected" in str(err.value)


def test_inference_key_is_403_not_a_management_key(contract: Contract) -> None:
    workspace_id = new_workspace(contract, "inference")
    _, secret = new_key(contract, workspace_id, "inference")
    inference = contract.client_with(secret)
    with pytest.raises(PermissionDeniedError) as err:
        inference.list_all("/workspaces", resource="workspaces")
    assert err.value.status == 403 and "not a management key" in str(err.value)
    with pytest.raises(PermissionDeniedError):
        check_management_key(inference)


def test_unknown_objects_are_404(contract: Contract) -> None:
    for path in (f"/keys/{UNKNOWN_HASH}", f"/guardrails/{UNKNOWN_ID}", f"/workspaces/{UNKNOWN_ID}"):
        with pytest.raises(NotFoundError) as err:
            contract.client.get(path, resource=path)
        assert err.value.status == 404 and err.value.resource == path
    with pytest.raises(NotFoundError):
        contract.client.patch(f"/guardrails/{UNKNOWN_ID}", json={"description": "x"}, resource="guardrail")


def test_invalid_body_is_400_with_the_api_reason(contract: Contract) -> None:
    body = {"name": contract.name("invalid"), "limit_usd": -5}
    with pytest.raises(ApiRequestError) as err:
        contract.client.post("/guardrails", json=body, resource="guardrail")
    assert err.value.status == 400
    assert "HTTP 400: " in str(err.value)  # the API's own reason is kept
