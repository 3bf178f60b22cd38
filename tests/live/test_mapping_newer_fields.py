"""The wire mapping of the API's newer fields: read as the API returns them, and sent only when
set or changed, so a request that does not use them is byte-for-byte the older one."""

from __future__ import annotations

from datetime import UTC, datetime

from openrouter_iac.kinds import api_key, byok_key, observability, workspace
from openrouter_iac.kinds.base import ReadContext
from openrouter_iac.kinds.guardrail_policy import policy_body
from openrouter_iac.model.resources import ByokKey, GuardrailPolicy, ObservabilityDestination, Workspace
from openrouter_iac.model.wire import api_timestamp


def test_unused_newer_fields_are_not_sent() -> None:
    assert "disabled_server_tools" not in workspace.body(Workspace(name="Lab"), "lab")
    body = policy_body(GuardrailPolicy(), "g")
    assert "allowed_data_regions" not in body and "enforce_first_party_harness_models" not in body
    byok = byok_key.body(ByokKey(provider="openai"), "b", None, None)
    assert not {"is_required", "is_byok_only", "declared_zdr", "declared_region"} & byok.keys()
    hook = ObservabilityDestination(type="webhook", config={"url": "https://x.example"})
    assert "regions" not in observability.body(hook, "h", {}, None)


def test_a_replacement_keeps_the_live_values_of_newer_fields() -> None:
    # A replace creates from the live object with the declared fields laid over it.
    hook = ObservabilityDestination(type="webhook", config={"url": "https://x.example"}, regions=["europe"])
    assert observability.body(hook, "h", {}, None, creating=True)["regions"] == ["europe"]
    byok = byok_key.body(ByokKey(provider="azure", declared_zdr=False), "b", None, None, creating=True)
    assert byok["declared_zdr"] is False and "is_required" not in byok


def test_newer_fields_are_sent_when_set_or_changed() -> None:
    body = workspace.body(Workspace(name="Lab"), "lab", changed={"disabled_server_tools"})
    assert body["disabled_server_tools"] is None  # a clear
    policy = GuardrailPolicy(allowed_data_regions=["europe"], enforce_first_party_harness_models=False)
    body = policy_body(policy, None, changed={"enforce_first_party_harness_models"})
    assert body["allowed_data_regions"] == ["europe"] and body["enforce_first_party_harness_models"] is False
    spec = ByokKey(provider="azure", required=True, declared_zdr=None, declared_region="europe")
    byok = byok_key.body(spec, "b", None, None)
    assert byok["is_required"] is True and "declared_zdr" not in byok and "declared_region" not in byok
    byok = byok_key.body(spec, "b", None, None, changed={"declared_zdr", "declared_region"})
    assert byok["declared_zdr"] is None and byok["declared_region"] == "europe"


def test_newer_fields_are_read() -> None:
    key = api_key.from_api(
        {"limit": None, "last_used_at": "2026-11-30T08:00:00.000Z", "external_user": "u-1", "hash": "h1"}, ReadContext()
    )
    assert key.last_used_at == datetime(2026, 11, 30, 8, tzinfo=UTC) and key.external_user == "u-1"
    assert "last_used_at" not in key.model_dump() and "external_user" not in key.model_dump()
    byok = byok_key.from_api(
        {
            "provider": "azure",
            "is_required": True,
            "is_byok_only": False,
            "declared_zdr": True,
            "declared_region": "us",
        },
        ReadContext(),
    )
    assert (byok.required, byok.byok_only, byok.declared_zdr, byok.declared_region) == (True, False, True, "us")
    hook = observability.from_api({"type": "webhook", "config": {}, "regions": ["eu", "us"]}, ReadContext())
    assert hook.regions == ["europe", "us"]
    lab = workspace.from_api({"name": "Lab", "disabled_server_tools": ["openrouter:bash"]}, [], False)
    assert lab.disabled_server_tools == ["openrouter:bash"]


def test_expires_at_always_has_seconds() -> None:
    assert api_timestamp(datetime(2027, 6, 30, tzinfo=UTC)) == "2027-06-30T00:00:00Z"
    assert api_timestamp(datetime(2027, 6, 30, 1, 2, 3, 400000, tzinfo=UTC)) == "2027-06-30T01:02:03.400000Z"


def test_plain_fields_follow_their_wire_and_traits() -> None:
    key = api_key.from_api(
        {
            "hash": "h1",
            "limit": 5,
            "disabled": True,
            "expires_at": "2030-01-01T00:00:00Z",
            "last_used_at": "2026-01-01T00:00:00Z",
        },
        ReadContext(),
    )
    created = api_key.create_body(key, "bot", "ws-1")
    assert created == {
        "name": "bot",
        "limit": 5,
        "limit_reset": None,
        "include_byok_in_limit": False,
        "expires_at": "2030-01-01T00:00:00Z",  # immutable: on create only
        "workspace_id": "ws-1",
    }  # `disabled` is update-only; `last_used_at` is only read
    assert api_key.patch_body(key) == {
        "limit": 5,
        "limit_reset": None,
        "include_byok_in_limit": False,
        "disabled": True,
    }
    byok = byok_key.body(ByokKey(provider="openai", fallback=True), "b", None, None, creating=True)
    assert byok["provider"] == "openai" and byok["is_fallback"] is True
    assert "provider" not in byok_key.body(ByokKey(provider="openai"), "b", None, None)
