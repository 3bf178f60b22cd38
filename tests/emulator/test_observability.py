"""Observability destinations: per-type config, masking, partial config merge, limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_support import error, new_key, ok

LANGFUSE = {"secretKey": "sk-lf-0123456789abcdefAbCd", "publicKey": "pk-lf-0123456789abcdefEfGh"}


def create(client: httpx.Client, **body: Any) -> dict[str, Any]:
    payload = {"type": "langfuse", "name": "lf", "config": dict(LANGFUSE), **body}
    return ok(client.post("/observability/destinations", json=payload), 201)["data"]  # type: ignore[no-any-return]


def test_create_masks_secrets_and_fills_defaults(client: httpx.Client) -> None:
    created = create(client)
    assert created["config"] == {
        "baseUrl": "https://us.cloud.langfuse.com",
        "secretKey": "sk-l...AbCd",
        "publicKey": "pk-l...EfGh",
    }
    assert created["enabled"] is True and created["privacy_mode"] is False and created["sampling_rate"] == 1
    assert created["api_key_hashes"] is None and created["filter_rules"] is None
    listed = client.get("/observability/destinations")
    assert LANGFUSE["secretKey"] not in listed.text and listed.json()["total_count"] == 1


def test_patch_merges_config_and_ignores_echoed_masked_values(client: httpx.Client, emulator: Any) -> None:
    created = create(client)
    path = f"/observability/destinations/{created['id']}"
    echoed = dict(created["config"])
    echoed["baseUrl"] = "https://cloud.langfuse.com"
    patched = ok(client.patch(path, json={"config": echoed, "name": "renamed"}))["data"]
    assert patched["config"]["baseUrl"] == "https://cloud.langfuse.com" and patched["name"] == "renamed"
    stored = emulator.state.destinations[created["id"]]["config"]
    assert stored["secretKey"] == LANGFUSE["secretKey"]  # the masked echo did not overwrite it
    rotated = ok(client.patch(path, json={"config": {"secretKey": "sk-lf-new-secret-value-9876"}}))["data"]
    assert rotated["config"]["secretKey"] == "sk-l...9876"
    assert emulator.state.destinations[created["id"]]["config"]["publicKey"] == LANGFUSE["publicKey"]


def test_config_is_validated_per_type(client: httpx.Client) -> None:
    bad = client.post(
        "/observability/destinations", json={"type": "langfuse", "name": "x", "config": {"secretKey": "s"}}
    )
    assert '"publicKey" is required' in error(bad, 400)
    webhook = {"type": "webhook", "name": "w", "config": {"url": "https://example.com/hook", "method": "GET"}}
    assert "must be one of: POST, PUT" in error(client.post("/observability/destinations", json=webhook), 400)
    sentry = {"type": "sentry", "name": "s", "config": {"otlpEndpoint": "https://o.example", "dsn": "nope"}}
    assert "Sentry DSN" in error(client.post("/observability/destinations", json=sentry), 400)
    extra = {"type": "posthog", "name": "p", "config": {"apiKey": "phc_1234567890abcdef", "colour": "red"}}
    assert 'unknown field "colour"' in error(client.post("/observability/destinations", json=extra), 400)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"type": "kafka", "name": "k", "config": {}}, '"type" must be one of'),
        ({"type": "langfuse", "config": LANGFUSE}, '"name" is required'),
        ({"type": "langfuse", "name": "x", "config": LANGFUSE, "sampling_rate": 2}, "at most 1"),
        ({"type": "langfuse", "name": "x", "config": LANGFUSE, "api_key_hashes": []}, "at least 1 item"),
        ({"type": "langfuse", "name": "x", "config": LANGFUSE, "api_key_hashes": ["b" * 64]}, "no live API key"),
    ],
)
def test_create_validation(client: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error(client.post("/observability/destinations", json=body), 400)


def test_at_most_five_of_one_type_per_workspace(client: httpx.Client) -> None:
    for index in range(5):
        create(client, name=f"lf-{index}")
    body = {"type": "langfuse", "name": "sixth", "config": LANGFUSE}
    assert "at most 5 langfuse destinations" in error(client.post("/observability/destinations", json=body), 400)
    create(client, type="posthog", name="other type", config={"apiKey": "phc_1234567890abcdef"})


def test_filter_rules_and_key_hashes(client: httpx.Client) -> None:
    key, _ = new_key(client)
    rules = {"groups": [{"rules": [{"field": "model", "operator": "equals", "value": "openai/gpt-5"},
                                   {"field": "user_id", "operator": "exists"}]}]}  # fmt: skip
    created = create(client, filter_rules=rules, api_key_hashes=[key["hash"]])
    assert created["filter_rules"] == {
        "enabled": True,
        "groups": [
            {
                "logic": "and",
                "rules": [
                    {"field": "model", "operator": "equals", "value": "openai/gpt-5"},
                    {"field": "user_id", "operator": "exists"},
                ],
            }
        ],
    }
    missing_value = {"groups": [{"rules": [{"field": "model", "operator": "contains"}]}]}
    body = {"type": "langfuse", "name": "x", "config": LANGFUSE, "filter_rules": missing_value}
    assert "value must be a string or number" in error(client.post("/observability/destinations", json=body), 400)


def test_immutables_and_delete(client: httpx.Client) -> None:
    created = create(client)
    path = f"/observability/destinations/{created['id']}"
    assert "cannot be changed" in error(client.patch(path, json={"type": "webhook"}), 400)
    assert ok(client.delete(path)) == {"deleted": True}
    error(client.get(path), 404)
