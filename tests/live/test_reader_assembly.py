"""The reader's assembly: each kind's listed items become its collection (from the table), with the
special cases of the lists that hold more than one workspace's objects (keys, guardrails, BYOK)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from openrouter_iac.kinds import api_key, observability
from openrouter_iac.kinds.base import ReadContext
from openrouter_iac.live import reader
from openrouter_iac.live.reader import _Assembler, _WorkspaceData
from openrouter_iac.model.resources import ApiKey, Guardrail, ObservabilityDestination
from openrouter_iac.model.snapshot import KeyActivities

WS = {"id": "ws-1", "slug": "lab", "name": "Lab", "default_guardrail_id": "g-default", "updated_at": "t0"}


def _key(key_hash: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"hash": key_hash, "name": name, "limit": 5, "usage": 1.5, "limit_remaining": 3.5, **extra}


def _read() -> tuple[_Assembler, Any]:
    assembler = _Assembler(
        key_assignments=[
            {"key_hash": "h-bot", "guardrail_id": "g-cap"},
            {"key_hash": "h-two", "guardrail_id": "g-twin-1"},
        ],
        member_assignments=[
            {"guardrail_id": "g-cap", "user_id": "u-2"},
            {"guardrail_id": "g-cap", "user_id": "u-1"},
        ],
    )
    lists: dict[str, Any] = {
        "guardrail": [
            {"id": "g-default", "name": "Default", "allowed_providers": ["openai"]},
            {"id": "g-cap", "name": "cap", "limit_usd": 10, "reset_interval": "monthly", "updated_at": "t1"},
            {"id": "g-twin-1", "name": "twin"},
            {"id": "g-twin-2", "name": "twin"},
            {"id": "g-lease", "name": "orctl-lease 1700000000 0123abcd"},
        ],
        "api_key": [
            _key("h-bot", "bot", updated_at="t2"),
            _key("h-two", "two"),
            _key("h-dup-1", "dup"),
            _key("h-dup-2", "dup"),
            _key("h-orphan", "new [orctl-pending 0123abcd]"),
            _key("h-old", "bot [orctl-retiring until 2026-12-02T10:00:00Z]", disabled=False),
        ],
        "byok_key": [
            {"id": "b-1", "name": "openai #r2", "provider": "openai", "workspace_id": "ws-1",
             "allowed_api_key_hashes": ["h-bot", "h-dup-1", "h-gone"]},
            {"id": "b-global", "name": "shared", "provider": "anthropic", "workspace_id": None},
            {"id": "b-other", "name": "theirs", "provider": "openai", "workspace_id": "ws-2"},
            {"id": "b-unnamed", "name": "", "provider": "mistral", "workspace_id": "ws-1"},
        ],
        "observability_destination": [
            {"id": "d-1", "name": "hook #m1", "type": "webhook", "config": {"url": "https://x.example"},
             "api_key_hashes": ["h-two"]},
            {"id": "d-2", "name": None, "type": "webhook", "config": {"url": "https://y.example"}},
        ],
        "workspace_budget": {"data": [{"limit_usd": 40, "reset_interval": "monthly"}]},
        "workspace_members": [{"user_id": "u-9"}, {"user_id": "u-3"}],
    }  # fmt: skip
    return assembler, assembler.workspace(_WorkspaceData(WS, lists))


def test_each_named_kind_lands_in_its_collection_with_references_by_name() -> None:
    _, ws = _read()
    assert set(ws.guardrails) == {"cap", "twin"}  # the default is a setting; the lease is never managed
    assert ws.guardrails["cap"] == Guardrail.model_validate(
        {"budget": {"limit_usd": 10, "reset": "monthly"}, "members": ["u-1", "u-2"]}
    )
    assert ws.default_guardrail is not None and ws.default_guardrail.allowed_providers == ["openai"]
    assert ws.keys["bot"] == ApiKey(limit=5, guardrail="cap")
    assert ws.keys["two"].guardrail == "id:g-twin-1"  # a shared name is referred to by id
    assert set(ws.keys) == {"bot", "two", "dup"}
    assert ws.byok["openai"].allowed_keys == ["bot", "hash:h-dup-1", "hash:h-gone"]
    assert set(ws.byok) == {"openai"}
    assert ws.observability["hook"] == ObservabilityDestination.model_validate(
        {"type": "webhook", "config": {"url": "https://x.example"}, "api_keys": ["two"]}
    )
    assert "(unnamed d-2)" in ws.observability
    assert ws.budgets.monthly == 40 and ws.members == ["u-3", "u-9"]


def test_the_index_the_markers_and_what_is_set_aside() -> None:
    assembler, _ = _read()
    ids = assembler.ids
    assert ids["workspace:lab"] == "ws-1" and ids["default_guardrail:lab"] == "g-default"
    assert ids["guardrail:lab/cap"] == "g-cap" and ids["api_key:lab/bot"] == "h-bot"
    assert ids["byok_key:lab/openai"] == "b-1" and ids["observability_destination:lab/hook"] == "d-1"
    assert assembler.duplicates == {
        "guardrail:lab/twin": ["g-twin-1", "g-twin-2"],
        "api_key:lab/dup": ["h-dup-1", "h-dup-2"],
    }
    assert set(assembler.shadowed["api_key:lab/dup"]) == {"h-dup-2"}
    assert assembler.markers == {"byok_key:lab/openai": "r2", "observability_destination:lab/hook": "m1"}
    assert [(o.name, o.key_hash) for o in assembler.orphans] == [("new", "h-orphan")]
    assert [(r.name, r.key_hash) for r in assembler.retiring] == [("bot", "h-old")]
    assert set(assembler.global_byok) == {"b-global"}
    assert assembler.unnamed == ["byok_key:lab/(unnamed mistral b-unnamed)"]
    assert assembler.updated_at == {"ws-1": "t0", "g-cap": "t1", "h-bot": "t2"}
    activities = KeyActivities(assembler.listed_keys)
    activity = activities["h-bot"]
    assert (activity.usage, activity.limit_remaining, activity.lifetime_usage) == (1.5, 3.5, 1.5)
    assert set(activities) == {"h-bot", "h-two", "h-dup-1", "h-dup-2"}
    assert activities.get("h-orphan") is None


def test_a_plain_named_kind_is_read_with_no_code_of_its_own_in_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    # A new kind declared with `reads` and `from_api` (here one reading into the `observability`
    # collection, standing in for a new Workspace field): its items are indexed, stamped, named
    # and set aside as duplicates by the generic path alone.
    def from_api(raw: dict[str, Any], ctx: ReadContext) -> ObservabilityDestination:
        return ObservabilityDestination(type="webhook", config={"n": raw["n"]}, api_keys=[ctx.ref(api_key.KIND, "h-1")])

    rule = dataclasses.replace(
        observability.KIND,
        name="routing_rule",
        secret_field=None,
        from_api=from_api,
    )
    monkeypatch.setattr(reader, "READ_NAMED", (api_key.KIND, rule))
    assembler = _Assembler([], [])
    lists = {
        "api_key": [_key("h-1", "bot")],
        "routing_rule": [
            {"id": "r-1", "name": "eu-first", "n": 1, "updated_at": "t1"},
            {"id": "r-2", "name": "eu-first", "n": 2},
            {"id": "r-3", "n": 3},
        ],
    }
    ws = assembler.workspace(_WorkspaceData(WS, lists))
    assert ws.observability["eu-first"].config == {"n": 1} and ws.observability["eu-first"].api_keys == ["bot"]
    assert "(unnamed r-3)" in ws.observability
    assert assembler.ids["routing_rule:lab/eu-first"] == "r-1"
    assert assembler.duplicates == {"routing_rule:lab/eu-first": ["r-1", "r-2"]}
    assert assembler.updated_at["r-1"] == "t1"
