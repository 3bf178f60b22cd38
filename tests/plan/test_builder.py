"""The diff, on hand-made live snapshots (pure: no emulator, no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openrouter_iac.errors import AmbiguityError, PlanError, ServerRuleError
from openrouter_iac.model.config import Config
from openrouter_iac.model.resources import AccountState, ApiKey, Guardrail
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot, OrphanKey
from openrouter_iac.plan.budgets import budget_steps
from openrouter_iac.plan.builder import build_plan

CATALOGUE = Catalogue(
    {
        "anthropic/claude-sonnet-4.6": "anthropic/claude-4.6-sonnet-20260217",
        "anthropic/claude-4.6-sonnet-20260217": "anthropic/claude-4.6-sonnet-20260217",
        "openai/gpt-5-mini": "openai/gpt-5-mini-2026",
    },
    frozenset({"anthropic", "openai", "amazon-bedrock"}),
)


def config(**workspace: Any) -> Config:
    return Config.model_validate({"version": 1, "workspaces": {"acme": {"name": "Acme", **workspace}}})


def snapshot(state: AccountState, **extra: Any) -> LiveSnapshot:
    ids = {f"workspace:{slug}": f"ws-{slug}" for slug in state.workspaces}
    for slug, ws in state.workspaces.items():
        ids[f"default_guardrail:{slug}"] = f"dg-{slug}"
        ids.update({f"api_key:{slug}/{name}": f"hash-{name}" for name in ws.keys})
        ids.update({f"guardrail:{slug}/{name}": f"g-{name}" for name in ws.guardrails})
    return LiveSnapshot(
        state=state, ids=ids | extra.pop("ids", {}), catalogue=CATALOGUE, default_workspace=None, **extra
    )


def plan_of(desired: Config, live: LiveSnapshot) -> list[tuple[str, str]]:
    plan = build_plan(desired, live, base_dir=Path("."))
    return [(c.action, c.address) for c in plan.changes]


def test_everything_is_created_in_dependency_order() -> None:
    desired = config(
        budgets={"monthly": 100, "daily": 10},
        guardrails={"cap": {"budget": {"limit_usd": 50, "reset": "monthly"}}},
        keys={"bot": {"limit": 5, "guardrail": "cap"}},
    )
    assert plan_of(desired, snapshot(AccountState())) == [
        ("create", "workspace:acme"),
        ("create", "workspace_budget:acme/daily"),
        ("create", "workspace_budget:acme/monthly"),
        ("create", "guardrail:acme/cap"),
        ("create", "api_key:acme/bot"),
        ("create", "guardrail_assignment:acme/bot"),
    ]


def test_live_equal_to_desired_plans_nothing_even_with_model_slug_aliases() -> None:
    desired = config(
        guardrails={"cap": {"allowed_models": ["anthropic/claude-sonnet-4.6"]}}, keys={"bot": {"limit": 5}}
    )
    live_state = config(
        guardrails={"cap": {"allowed_models": ["anthropic/claude-4.6-sonnet-20260217"]}}, keys={"bot": {"limit": 5.0}}
    ).account()
    assert plan_of(desired, snapshot(live_state)) == []


def test_changing_expires_at_is_a_rotation() -> None:
    desired = config(keys={"bot": {"expires_at": "2027-01-01T00:00:00Z"}})
    live = snapshot(config(keys={"bot": {"expires_at": "2026-12-01T00:00:00Z"}}).account())
    # A fixed clock: on the real one the new expiry passes on 2027-01-01 and the key is not made.
    plan = build_plan(desired, live, base_dir=Path("."), now=datetime(2026, 11, 15, tzinfo=UTC))
    (change,) = plan.changes
    assert (change.action, change.rotation, change.live_id) == ("replace", True, "hash-bot")
    assert "secret rotation" in (change.reason or "")
    assert plan.safety.rotations == ["api_key:acme/bot"]


def test_orphan_of_interrupted_apply_is_replaced() -> None:
    desired = config(keys={"bot": {}})
    live = snapshot(config().account(), orphans=[OrphanKey("acme", "bot", "hash-orphan")])
    plan = build_plan(desired, live, base_dir=Path("."))
    assert [(c.action, c.address, c.live_id) for c in plan.changes] == [("replace", "api_key:acme/bot", "hash-orphan")]
    assert "orphan" in (plan.changes[0].reason or "")


def test_undeclared_objects_are_unmanaged_unless_pruning() -> None:
    live = snapshot(config(keys={"bot": {}, "stray": {}}).account())
    plan = build_plan(config(keys={"bot": {}}), live, base_dir=Path("."))
    assert plan.changes == []
    assert [u.address for u in plan.unmanaged] == ["api_key:acme/stray"]
    pruned = build_plan(config(keys={"bot": {}}, prune=True), live, base_dir=Path("."))
    assert [(c.action, c.address) for c in pruned.changes] == [("delete", "api_key:acme/stray")]


def test_previous_names_turn_a_rename_into_an_update() -> None:
    live = snapshot(config(keys={"old-bot": {"limit": 1}}).account())
    plan = build_plan(config(keys={"bot": {"limit": 1, "previous_names": ["old-bot"]}}), live, base_dir=Path("."))
    (change,) = plan.changes
    assert (change.action, change.address, change.live_id) == ("update", "api_key:acme/bot", "hash-old-bot")
    assert change.fields[0].model_dump() == {"field": "name", "before": "old-bot", "after": "bot", "sensitive": False}


def _two_bots(**keys: Any) -> LiveSnapshot:
    """Two live keys both named `bot` (hash-1 first, hash-2 shadowed), and a guardrail pair alike."""
    live = config(keys={"bot": {"limit": 1}}, guardrails={"cap": {}}).account()
    return snapshot(
        live,
        ids={"api_key:acme/bot": "hash-1", "guardrail:acme/cap": "g-1"},
        duplicates={"api_key:acme/bot": ["hash-1", "hash-2"], "guardrail:acme/cap": ["g-1", "g-2"]},
        shadowed={
            "api_key:acme/bot": {"hash-2": ApiKey(limit=2, guardrail="id:g-2")},
            "guardrail:acme/cap": {"g-2": Guardrail(description="second")},
        },
    )


def test_two_live_objects_with_a_managed_name_fail_the_plan() -> None:
    with pytest.raises(AmbiguityError, match=r"api_key:acme/bot: 2 live objects have this name \(ids hash-1, hash-2\)"):
        build_plan(
            config(keys={"bot": {"limit": 1}}, guardrails={"cap": {"id": "g-1"}}), _two_bots(), base_dir=Path(".")
        )


def test_ids_pin_duplicated_names_and_the_plan_is_only_renames() -> None:
    desired = config(
        guardrails={"cap": {"id": "g-1"}, "cap (2)": {"id": "g-2", "description": "second"}},
        keys={"bot": {"id": "hash-1", "limit": 1}, "bot (2)": {"id": "hash-2", "limit": 2, "guardrail": "cap (2)"}},
    )
    plan = build_plan(desired, _two_bots(), base_dir=Path("."))
    assert [(c.action, c.address, c.live_id, [f.field for f in c.fields]) for c in plan.changes] == [
        ("update", "guardrail:acme/cap (2)", "g-2", ["name"]),
        ("update", "api_key:acme/bot (2)", "hash-2", ["name"]),
    ]
    assert plan.bindings["api_key:acme/bot (2)"] == "hash-2" and plan.bindings["guardrail:acme/cap"] == "g-1"
    assert plan.unmanaged == []


def test_an_id_is_matched_before_the_name() -> None:
    # `bot` is pinned to the second live key: the first one, also named `bot`, is unmanaged.
    desired = config(keys={"bot": {"id": "hash-2", "limit": 2, "guardrail": "cap"}}, guardrails={"cap": {"id": "g-2"}})
    plan = build_plan(desired, _two_bots(), base_dir=Path("."))
    assert plan.changes == []  # what the config leaves out (the description) is not managed
    assert [u.address for u in plan.unmanaged] == ["api_key:acme/bot", "guardrail:acme/cap"]


def test_an_unpinned_name_matches_the_one_live_object_no_pin_took() -> None:
    desired = config(keys={"bot": {"limit": 1}, "bot (2)": {"id": "hash-2", "limit": 2}}, guardrails={"cap": {}})
    with pytest.raises(AmbiguityError, match="guardrail:acme/cap: 2 live objects"):
        build_plan(desired, _two_bots(), base_dir=Path("."))
    desired = config(
        keys={"bot": {"limit": 1}, "bot (2)": {"id": "hash-2", "limit": 2, "guardrail": "cap"}},
        guardrails={"cap": {"id": "g-2", "description": "second"}, "first": {"previous_names": ["cap"]}},
    )
    plan = build_plan(desired, _two_bots(), base_dir=Path("."))
    assert [(c.address, c.live_id) for c in plan.changes] == [
        ("guardrail:acme/first", "g-1"),
        ("api_key:acme/bot (2)", "hash-2"),
    ]


def test_a_pin_to_a_vanished_object_is_a_create_that_apply_refuses() -> None:
    desired = config(keys={"bot": {"id": "hash-gone", "limit": 1}})
    live = snapshot(config(keys={}).account())
    plan = build_plan(desired, live, base_dir=Path("."))
    (change,) = plan.changes
    assert (change.action, change.reason) == (
        "create",
        "pinned to live id hash-gone, which no longer exists (deleted outside orctl?)",
    )
    assert plan.safety.lost_pins == ["api_key:acme/bot"]


def test_a_workspace_pinned_by_id_follows_a_slug_changed_in_the_dashboard() -> None:
    live = snapshot(Config.model_validate({"version": 1, "workspaces": {"old": {"name": "Acme"}}}).account())
    desired = Config.model_validate({"version": 1, "workspaces": {"acme": {"name": "Acme", "id": "ws-old"}}})
    (change,) = build_plan(desired, live, base_dir=Path(".")).changes
    assert (change.action, change.address, change.live_id) == ("update", "workspace:acme", "ws-old")
    assert change.fields[0].model_dump() == {"field": "slug", "before": "old", "after": "acme", "sensitive": False}


def test_unknown_model_slug_is_caught_before_any_write() -> None:
    desired = config(guardrails={"cap": {"allowed_models": ["anthropic/claude-sonet-4.6"]}})
    with pytest.raises(ServerRuleError, match=r"unknown model 'anthropic/claude-sonet-4\.6'.*did you mean"):
        build_plan(desired, snapshot(AccountState()), base_dir=Path("."))


def test_guardrail_change_lists_fields_before_and_after() -> None:
    live = snapshot(config(guardrails={"cap": {"allowed_providers": ["anthropic"]}}).account())
    plan = build_plan(
        config(guardrails={"cap": {"allowed_providers": ["anthropic", "openai"]}}), live, base_dir=Path(".")
    )
    (change,) = plan.changes
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("allowed_providers", ["anthropic"], ["anthropic", "openai"])
    ]


@pytest.mark.parametrize(
    ("live", "desired", "expected"),
    [
        ({"monthly": 100, "daily": 60}, {"monthly": 50, "daily": 20}, [("daily", 20), ("monthly", 50)]),
        ({"monthly": 50, "daily": 20}, {"monthly": 100, "daily": 60}, [("monthly", 100), ("daily", 60)]),
        ({"monthly": 100, "daily": 10}, {"monthly": 50, "daily": 20}, [("monthly", 50), ("daily", 20)]),
        ({"weekly": 30}, {"monthly": 100}, [("weekly", None), ("monthly", 100)]),
    ],
)
def test_budget_writes_keep_the_order_valid_at_every_step(
    live: dict[str, float], desired: dict[str, float], expected: list[tuple[str, float | None]]
) -> None:
    assert budget_steps(live, desired, "acme") == expected


def test_budget_steps_refuse_an_impossible_sequence() -> None:
    with pytest.raises(PlanError, match="no order of budget writes"):
        budget_steps({"monthly": 100, "daily": 90}, {"monthly": 10, "daily": 95}, "acme")


def test_changed_byok_rotation_marker_resends_the_credential() -> None:
    byok = {"provider": "openai", "key": "env:OPENAI_KEY"}
    live = snapshot(config(byok={"shared": byok}).account(), rotation_markers={"byok_key:acme/shared": "2026-10"})
    plan = build_plan(config(byok={"shared": {**byok, "rotation": "2026-11"}}), live, base_dir=Path("."))
    (change,) = plan.changes
    assert (change.action, change.address) == ("update", "byok_key:acme/shared")
    assert [(f.field, f.sensitive) for f in change.fields] == [("key", True)]
    assert change.reason == "rotation marker changed: the write-only secret is sent again"
    same = build_plan(config(byok={"shared": {**byok, "rotation": "2026-10"}}), live, base_dir=Path("."))
    assert same.changes == []


def test_moving_a_key_to_another_workspace_is_a_rotation() -> None:
    live = snapshot(
        Config.model_validate(
            {
                "version": 1,
                "workspaces": {"acme": {"name": "Acme", "keys": {"bot": {"limit": 1}}}, "beta": {"name": "B"}},
            }
        ).account()
    )
    desired = Config.model_validate(
        {
            "version": 1,
            "workspaces": {
                "acme": {"name": "Acme"},
                "beta": {"name": "B", "keys": {"bot": {"limit": 1, "previous_names": ["acme/bot"]}}},
            },
        }
    )
    plan = build_plan(desired, live, base_dir=Path("."))
    (change,) = plan.changes
    assert (change.action, change.address, change.live_id, change.rotation) == (
        "replace",
        "api_key:beta/bot",
        "hash-bot",
        True,
    )
    assert change.fields[0].model_dump() == {
        "field": "workspace",
        "before": "acme",
        "after": "beta",
        "sensitive": False,
    }
    assert "moved from workspace 'acme'" in (change.reason or "")
    assert plan.unmanaged == []  # the old key is the one being replaced, not an unmanaged leftover
