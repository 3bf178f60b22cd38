"""Targeted checks: real emulator responses validated against the spec's response schemas.

Cheaper and more pointed than the schemathesis run: every main operation is called on a
populated account (so single-resource GETs return 200, not 404) and its body is validated,
formats included (uuid, date-time), with the spec's own schema for that status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from emulator_support import REPO_ROOT, ok

from openrouter_iac.emulator import IN_PROCESS_BASE_URL, Emulator, FaultConfig, emulator_from_seed, load_seed_file
from openrouter_iac.emulator.routes.observability import TYPES

jsonschema_rs = pytest.importorskip("jsonschema_rs")

Check = Callable[[str, str, httpx.Response], None]

OBSERVABILITY_CONFIGS: dict[str, dict[str, Any]] = {
    "arize": {"apiKey": "ak-0123456789abcdef", "spaceKey": "sk-0123456789abcdef", "modelId": "m"},
    "braintrust": {"apiKey": "bt-0123456789abcdef", "projectId": "p"},
    "clickhouse": {"host": "ch.example", "database": "db", "username": "u", "password": "pw-0123456789abcd"},
    "datadog": {"apiKey": "dd-0123456789abcdef", "mlApp": "app"},
    "grafana": {"apiKey": "gf-0123456789abcdef", "instanceId": "1"},
    "langfuse": {"secretKey": "sk-lf-0123456789abcdef", "publicKey": "pk-lf-0123456789abcdef"},
    "langsmith": {"apiKey": "ls-0123456789abcdef"},
    "newrelic": {"licenseKey": "nr-0123456789abcdef", "region": "eu"},
    "opik": {"apiKey": "op-0123456789abcdef", "workspace": "w", "projectName": "p"},
    "otel-collector": {"endpoint": "https://otel.example/v1/traces", "headers": {"x-api-key": "k-0123456789abcdef"}},
    "posthog": {"apiKey": "phc_0123456789abcdef"},
    "ramp": {"apiKey": "rp-0123456789abcdef"},
    "s3": {"bucketName": "b", "accessKeyId": "AKIA0123456789ABCD", "secretAccessKey": "s3-0123456789abcdef"},
    "sentry": {
        "otlpEndpoint": "https://o0.ingest.sentry.io/api/1/otlp",
        "dsn": "https://abc@o0.ingest.sentry.io/12345",
    },
    "snowflake": {"account": "acme-xy12345", "token": "sf-0123456789abcdef"},
    "weave": {"apiKey": "wv-0123456789abcdef", "entity": "e", "project": "p"},
    "webhook": {"url": "https://hooks.example/or", "method": "PUT"},
}


@pytest.fixture(scope="module")
def check(openapi_spec: dict[str, Any]) -> Check:
    components = openapi_spec["components"]
    cache: dict[tuple[str, str, int], Any] = {}

    def validate(method: str, path: str, response: httpx.Response) -> None:
        key = (method, path, response.status_code)
        if key not in cache:
            operation = openapi_spec["paths"][path][method.lower()]
            declared = operation["responses"].get(str(response.status_code))
            assert declared is not None, f"{method} {path} does not declare status {response.status_code}"
            if "$ref" in declared:
                declared = components["responses"][declared["$ref"].split("/")[-1]]
            schema = declared["content"]["application/json"]["schema"]
            cache[key] = jsonschema_rs.validator_for({**schema, "components": components}, validate_formats=True)
        assert response.headers["content-type"].startswith("application/json")
        errors = [f"{e.instance_path}: {e.message}" for e in cache[key].iter_errors(response.json())]
        assert errors == [], f"{method} {path} {response.status_code}: {errors[:5]}"

    return validate


@pytest.fixture(scope="module")
def messy() -> Iterator[tuple[Emulator, httpx.Client]]:
    emulator = emulator_from_seed(load_seed_file(REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"))
    headers = {"Authorization": f"Bearer {emulator.management_key}"}
    with httpx.Client(transport=emulator.transport(), base_url=IN_PROCESS_BASE_URL, headers=headers) as client:
        yield emulator, client


def test_keys(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    check("GET", "/keys", client.get("/keys", params={"include_disabled": "true"}))
    created = client.post("/keys", json={"name": "shape", "limit": 3, "expires_at": "2031-01-01T00:00:00Z"})
    check("POST", "/keys", created)
    key_hash = created.json()["data"]["hash"]
    check("GET", "/keys/{hash}", client.get(f"/keys/{key_hash}"))
    check("PATCH", "/keys/{hash}", client.patch(f"/keys/{key_hash}", json={"limit_reset": "daily"}))
    check("GET", "/key", client.get("/key"))
    check("GET", "/key", client.get("/key", headers={"Authorization": f"Bearer {created.json()['key']}"}))
    check("DELETE", "/keys/{hash}", client.delete(f"/keys/{key_hash}"))
    check("GET", "/keys/{hash}", client.get(f"/keys/{key_hash}"))  # 404 body


def test_guardrails_and_assignments(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    listed = client.get("/guardrails", params={"limit": 100})
    check("GET", "/guardrails", listed)
    for guardrail in listed.json()["data"]:
        check("GET", "/guardrails/{id}", client.get(f"/guardrails/{guardrail['id']}"))
        check("GET", "/guardrails/{id}/assignments/keys", client.get(f"/guardrails/{guardrail['id']}/assignments/keys"))
        path = f"/guardrails/{guardrail['id']}/assignments/members"
        check("GET", "/guardrails/{id}/assignments/members", client.get(path))
    check("GET", "/guardrails/assignments/keys", client.get("/guardrails/assignments/keys"))
    check("GET", "/guardrails/assignments/members", client.get("/guardrails/assignments/members"))
    body = {
        "name": "shape",
        "content_filters": [{"pattern": "x+", "action": "flag"}],
        "content_filter_builtins": [{"slug": "regex-prompt-injection", "action": "block"}],
        "allowed_models": ["openai/gpt-5"],
    }
    created = client.post("/guardrails", json=body)
    check("POST", "/guardrails", created)
    gid = created.json()["data"]["id"]
    check(
        "PATCH", "/guardrails/{id}", client.patch(f"/guardrails/{gid}", json={"limit_usd": 9, "reset_interval": None})
    )
    key = ok(client.post("/keys", json={"name": "assign-me"}), 201)["data"]
    check(
        "POST",
        "/guardrails/{id}/assignments/keys",
        client.post(f"/guardrails/{gid}/assignments/keys", json={"key_hashes": [key["hash"]]}),
    )
    check(
        "POST",
        "/guardrails/{id}/assignments/keys/remove",
        client.post(f"/guardrails/{gid}/assignments/keys/remove", json={"key_hashes": [key["hash"]]}),
    )
    member = ok(client.get("/organization/members"))["data"][3]["id"]
    check(
        "POST",
        "/guardrails/{id}/assignments/members",
        client.post(f"/guardrails/{gid}/assignments/members", json={"member_user_ids": [member]}),
    )
    check(
        "POST",
        "/guardrails/{id}/assignments/members/remove",
        client.post(f"/guardrails/{gid}/assignments/members/remove", json={"member_user_ids": [member]}),
    )
    check("PATCH", "/guardrails/{id}", client.patch(f"/guardrails/{gid}", json={"limit_usd": 1}))  # 400 body
    check("DELETE", "/guardrails/{id}", client.delete(f"/guardrails/{gid}"))


def test_workspaces_budgets_members(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    listed = client.get("/workspaces")
    check("GET", "/workspaces", listed)
    for workspace in listed.json()["data"]:
        wid = workspace["id"]
        check("GET", "/workspaces/{id}", client.get(f"/workspaces/{wid}"))
        check("GET", "/workspaces/{id}/budgets", client.get(f"/workspaces/{wid}/budgets"))
        check("GET", "/workspaces/{id}/members", client.get(f"/workspaces/{wid}/members"))
    created = client.post("/workspaces", json={"name": "Shape", "slug": "shape", "io_logging_api_key_ids": [1, 2]})
    check("POST", "/workspaces", created)
    check("PATCH", "/workspaces/{id}", client.patch("/workspaces/shape", json={"description": "d"}))
    check(
        "PUT",
        "/workspaces/{id}/budgets/{interval}",
        client.put("/workspaces/shape/budgets/lifetime", json={"limit_usd": 10}),
    )
    check("GET", "/workspaces/{id}/budgets/{interval}", client.get("/workspaces/shape/budgets/lifetime"))
    check("DELETE", "/workspaces/{id}/budgets/{interval}", client.delete("/workspaces/shape/budgets/lifetime"))
    user = ok(client.get("/organization/members"))["data"][4]["id"]
    check(
        "POST", "/workspaces/{id}/members/add", client.post("/workspaces/shape/members/add", json={"user_ids": [user]})
    )
    check(
        "POST",
        "/workspaces/{id}/members/remove",
        client.post("/workspaces/shape/members/remove", json={"user_ids": [user]}),
    )
    check("DELETE", "/workspaces/{id}", client.delete("/workspaces/default"))  # 403 body
    check("DELETE", "/workspaces/{id}", client.delete("/workspaces/shape"))


def test_byok(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    check("GET", "/byok", client.get("/byok"))
    created = client.post(
        "/byok", json={"provider": "azure", "key": '[{"endpoint": "https://x"}]', "allowed_models": ["openai/gpt-5"]}
    )
    check("POST", "/byok", created)
    bid = created.json()["data"]["id"]
    check("GET", "/byok/{id}", client.get(f"/byok/{bid}"))
    check("PATCH", "/byok/{id}", client.patch(f"/byok/{bid}", json={"is_fallback": True}))
    check("DELETE", "/byok/{id}", client.delete(f"/byok/{bid}"))


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_observability_every_type(kind: str, check: Check) -> None:
    emulator = Emulator()
    headers = {"Authorization": f"Bearer {emulator.management_key}"}
    with httpx.Client(transport=emulator.transport(), base_url=IN_PROCESS_BASE_URL, headers=headers) as client:
        created = client.post(
            "/observability/destinations", json={"type": kind, "name": kind, "config": OBSERVABILITY_CONFIGS[kind]}
        )
        check("POST", "/observability/destinations", created)
        did = created.json()["data"]["id"]
        check("GET", "/observability/destinations", client.get("/observability/destinations"))
        check("GET", "/observability/destinations/{id}", client.get(f"/observability/destinations/{did}"))
        patched = client.patch(
            f"/observability/destinations/{did}",
            json={"config": created.json()["data"]["config"], "privacy_mode": True},
        )
        check("PATCH", "/observability/destinations/{id}", patched)
        assert emulator.state.destinations[did]["config"] == {**TYPES[kind].defaults, **OBSERVABILITY_CONFIGS[kind]}
        check("DELETE", "/observability/destinations/{id}", client.delete(f"/observability/destinations/{did}"))


def test_presets(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    check("GET", "/presets", client.get("/presets"))
    check("GET", "/presets/{slug}", client.get("/presets/support-bot"))
    check("GET", "/presets/{slug}/versions", client.get("/presets/support-bot/versions"))
    check("GET", "/presets/{slug}/versions/{version}", client.get("/presets/support-bot/versions/2"))
    chat = {"model": "openai/gpt-5", "messages": [{"role": "user", "content": "x"}]}
    check("POST", "/presets/{slug}/chat/completions", client.post("/presets/shape/chat/completions", json=chat))
    messages = {"model": "anthropic/claude-haiku-4.5", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    check("POST", "/presets/{slug}/messages", client.post("/presets/shape/messages", json=messages))
    check("POST", "/presets/{slug}/responses", client.post("/presets/shape/responses", json={"model": "openai/gpt-5"}))
    check("GET", "/presets/{slug}", client.get("/presets/missing"))  # 404 body
    # [newer] archive and restore, per workspace
    research = next(w for w in client.get("/workspaces").json()["data"] if w["slug"] == "research")
    scoped = {"workspace_id": research["id"]}
    check("GET", "/presets", client.get("/presets", params=scoped))
    check("DELETE", "/presets/{slug}", client.delete("/presets/shape"))
    check("POST", "/presets/{slug}/restore", client.post("/presets/shape/restore"))
    check("POST", "/presets/{slug}/chat/completions", client.post("/presets/shape/chat/completions", json=chat))
    check("DELETE", "/presets/{slug}", client.delete("/presets/missing"))  # 404 body
    check("GET", "/presets", client.get("/presets", params={"workspace_id": "nowhere"}))  # 404 body


def test_read_only_key_answers_are_documented(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    emulator, _ = messy
    headers = {"Authorization": f"Bearer {emulator.issue_management_key(read_only=True)}"}
    with httpx.Client(transport=emulator.transport(), base_url=IN_PROCESS_BASE_URL, headers=headers) as client:
        check("GET", "/keys", client.get("/keys"))
        check("POST", "/keys", client.post("/keys", json={"name": "x"}))  # 403
        check("POST", "/workspaces", client.post("/workspaces", json={"name": "X", "slug": "x"}))  # 403
        check("PATCH", "/organization/settings", client.patch("/organization/settings", json={
            "is_filtered_model_catalog_enabled": True}))  # fmt: skip
        check("DELETE", "/presets/{slug}", client.delete("/presets/support-bot"))  # 403


def test_catalogue_org_and_credits(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    check("GET", "/models", client.get("/models", params={"output_modalities": "all"}))
    check("GET", "/models", client.get("/models", params={"limit": 3}))
    check("GET", "/models", client.get("/models", params={"limit": 0}))  # 400 body
    check("GET", "/providers", client.get("/providers"))
    check("GET", "/organization/members", client.get("/organization/members"))
    check("GET", "/organization/settings", client.get("/organization/settings"))
    body = {"is_filtered_model_catalog_enabled": False}
    check("PATCH", "/organization/settings", client.patch("/organization/settings", json=body))
    check("GET", "/credits", client.get("/credits"))


def test_error_bodies(messy: tuple[Emulator, httpx.Client], check: Check) -> None:
    _, client = messy
    check("GET", "/keys", client.get("/keys", headers={"Authorization": ""}))  # 401
    check("POST", "/keys", client.post("/keys", json={}))  # 400
    inference = ok(client.post("/keys", json={"name": "inference"}), 201)["key"]
    check("POST", "/keys", client.post("/keys", json={"name": "x"}, headers={"Authorization": f"Bearer {inference}"}))
    throttled = Emulator(faults=FaultConfig.single(throttle_rate=1.0))
    with httpx.Client(transport=throttled.transport(), base_url=IN_PROCESS_BASE_URL) as other:
        check("GET", "/keys", other.get("/keys"))  # 429
