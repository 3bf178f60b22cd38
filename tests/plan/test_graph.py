"""The dependency graph of a plan's changes: one test per rule, plus the planner's order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openrouter_iac.model.config import Config
from openrouter_iac.model.resources import AccountState
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.plan.builder import build_plan
from openrouter_iac.plan.graph import RULES, dependency_graph, order_changes
from openrouter_iac.plan.model import Change


def change(action: str, kind: str, workspace: str | None, name: str | None, **extra: Any) -> Change:
    address = (
        kind if workspace is None else f"{kind}:{workspace}" + (f"/{name}" if name and kind != "workspace" else "")
    )
    if kind == "workspace_members":
        address = f"{kind}:{workspace}"
    return Change.model_validate(
        {"action": action, "kind": kind, "address": address, "workspace": workspace, "name": name, **extra}
    )


def key(name: str, action: str = "create", ws: str = "ws", guardrail: str | None = None, **extra: Any) -> Change:
    if action == "delete":
        return change(action, "api_key", ws, name, **extra)
    return change(action, "api_key", ws, name, desired={"secret_sink": "s", "guardrail": guardrail}, **extra)


def edges(changes: list[Change]) -> set[tuple[int, int, str]]:
    return {(e.before, e.after, e.rule) for e in dependency_graph(changes).edges}


def test_a_workspace_comes_before_what_it_contains_and_other_workspaces_are_independent() -> None:
    changes = [
        change("create", "workspace", "a", "a", desired={"name": "A"}),
        change("create", "workspace", "b", "b", desired={"name": "B"}),
        key("k", ws="a"),
        key("k", ws="b"),
        change("update", "workspace_members", "a", "a", desired={"members": ["u1"]}),
    ]
    found = edges(changes)
    assert found == {(0, 2, "workspace"), (1, 3, "workspace"), (0, 4, "workspace")}
    graph = dependency_graph(changes)
    assert graph.longest_chain() == 2  # the workspace, then its keys all at once


def test_independent_keys_have_no_edges() -> None:
    assert edges([key(f"k{i}") for i in range(50)]) == set()


def test_budget_writes_keep_the_planned_order_within_a_workspace() -> None:
    changes = [
        change("update", "workspace_budget", "ws", "lifetime", desired={"limit_usd": 100}),
        change("update", "workspace_budget", "other", "daily", desired={"limit_usd": 1}),
        change("create", "workspace_budget", "ws", "monthly", desired={"limit_usd": 50}),
        change("create", "workspace_budget", "ws", "daily", desired={"limit_usd": 5}),
    ]
    assert edges(changes) == {(0, 2, "budget_order"), (2, 3, "budget_order")}


def test_a_key_comes_before_everything_that_names_it() -> None:
    changes = [
        change("create", "guardrail", "ws", "g", desired={}),
        key("pub", guardrail="g"),
        key("other"),
        change("create", "guardrail_assignment", "ws", "pub", desired={"guardrail": "g"}, details={"from": None}),
        change(
            "create",
            "byok_key",
            "ws",
            "openai",
            desired={"provider": "openai", "key": "env:X", "allowed_keys": ["pub"]},
        ),
        change(
            "create",
            "observability_destination",
            "ws",
            "traces",
            desired={"type": "webhook", "config": {"url": "https://x.example"}, "api_keys": ["other"]},
        ),
        change("create", "preset", "ws", "p", desired={"model": "openai/gpt-4o", "publish_with": "pub"}),
    ]
    found = edges(changes)
    assert (0, 1, "names_guardrail") in found  # a key is assigned to its guardrail when it is made
    assert (1, 3, "names_key") in found and (0, 3, "names_guardrail") in found
    assert (1, 4, "names_key") in found
    assert (2, 5, "names_key") in found
    assert (1, 6, "names_key") in found
    assert not any(after == 2 for _, after, _ in found)  # the other key waits for nothing
    # guardrail, key, the credential naming it, the preset whose call the credential routes
    assert dependency_graph(changes).longest_chain() == 4


def test_a_rename_that_frees_a_name_goes_before_the_create_that_takes_it() -> None:
    taker = change("create", "guardrail", "ws", "old", desired={})
    renamer = change("update", "guardrail", "ws", "new", desired={}, details={"renamed_from": "old"})
    ordered = order_changes([taker, renamer])
    assert ordered == [renamer, taker]
    assert edges(ordered) == {(0, 1, "frees_name")}


def test_a_workspace_rename_frees_its_slug_for_a_new_workspace() -> None:
    taker = change("create", "workspace", "team", "team", desired={"name": "T"})
    renamer = change(
        "update", "workspace", "team-old", "team-old", desired={"name": "T"}, details={"renamed_from": "team"}
    )
    assert order_changes([taker, renamer]) == [renamer, taker]


def test_two_objects_swapping_names_keep_the_plan_order() -> None:
    a = key("b", action="update", details={"renamed_from": "a"})
    b = key("a", action="update", details={"renamed_from": "b"})
    assert order_changes([a, b]) == [a, b]


def test_deletes_of_dependents_come_before_the_delete_of_what_they_depend_on() -> None:
    changes = [
        change(
            "update",
            "byok_key",
            "ws",
            "openai",
            desired={"provider": "openai", "key": "env:X"},
            fields=[{"field": "allowed_keys", "before": ["gone"], "after": None}],
        ),
        change("delete", "guardrail_assignment", "ws", "gone", details={"from": "g"}),
        change("delete", "api_key", "ws", "gone", live_id="h1"),
        change("delete", "guardrail", "ws", "g", live_id="g1"),
        change("delete", "api_key", "ws", "unrelated", live_id="h2"),
        change("delete", "workspace", "ws", "ws", live_id="w1"),
    ]
    found = edges(changes)
    assert (0, 2, "dependents_first") in found  # the credential stops naming the key first
    assert (1, 2, "dependents_first") in found  # the assignment goes before the key
    assert (1, 3, "dependents_first") in found  # ... and before its guardrail
    assert {(i, 5, "dependents_first") for i in range(5)} <= found  # the workspace goes last
    assert not any(after == 4 for _, after, _ in found)  # an unrelated key's delete waits for nothing


def test_two_changes_of_one_address_keep_their_order() -> None:
    changes = [key("k", action="delete", live_id="h1"), key("k", action="delete", live_id="h2")]
    assert edges(changes) == {(0, 1, "same_object")}


def test_organization_settings_come_first() -> None:
    changes = [
        change("update", "organization_settings", None, None, desired={"filtered_model_catalog": True}),
        key("a"),
        key("b"),
    ]
    assert edges(changes) == {(0, 1, "organization"), (0, 2, "organization")}


def test_every_rule_is_tested() -> None:
    source = Path(__file__).read_text()
    assert all(f'"{rule}"' in source for rule in RULES)


def test_the_planner_orders_changes_so_every_edge_points_forward() -> None:
    config = Config.model_validate(
        {
            "version": 1,
            "secret_sinks": {"files": {"type": "file", "path": "secrets/{workspace}/{key}.key"}},
            "workspaces": {
                "ws": {
                    "name": "WS",
                    "budgets": {"monthly": 50, "daily": 5},
                    "guardrails": {"g": {"budget": {"limit_usd": 5, "reset": "monthly"}}},
                    "keys": {f"k{i}": {"secret_sink": "files", "guardrail": "g"} for i in range(5)},
                }
            },
        }
    )
    live = LiveSnapshot(state=AccountState(), ids={}, catalogue=Catalogue({}, frozenset()), default_workspace=None)
    plan = build_plan(config, live, base_dir=Path("."))
    graph = dependency_graph(plan.changes)
    assert graph.is_forward()
    # workspace -> guardrail -> key -> its assignment; the budgets are a chain of their own
    assert graph.longest_chain() == 4
    assert sum(1 for c in plan.changes if c.kind == "api_key") == 5


def test_members_are_removed_after_the_keys_of_their_workspace_are_deleted() -> None:
    changes = [
        change("delete", "api_key", "ws", "held", live_id="h1"),
        change("delete", "api_key", "other", "k", live_id="h2"),
        change("delete", "workspace_members", "ws", "ws", details={"add": [], "remove": ["u1"]}),
    ]
    assert edges(changes) == {(0, 2, "members_after_keys")}


def test_a_preset_is_published_after_the_policy_its_call_passes_through() -> None:
    changes = [
        change("update", "default_guardrail", "ws", "default", desired={}),
        change("update", "guardrail", "ws", "g", desired={}),
        key("pub", guardrail="g"),
        key("unrelated"),
        change("create", "guardrail_assignment", "ws", "pub", desired={"guardrail": "g"}, details={"from": None}),
        change("create", "guardrail_assignment", "ws", "unrelated", desired={"guardrail": "g"}, details={"from": None}),
        change("create", "preset", "ws", "p", desired={"model": "openai/gpt-4o", "publish_with": "pub"}),
    ]
    waits = {before for before, after, rule in edges(changes) if after == 6 and rule == "publish_after_policy"}
    assert waits == {0, 1, 2, 4}


def test_a_key_moved_out_of_a_workspace_leaves_before_that_workspace_is_deleted() -> None:
    moved = change(
        "replace",
        "api_key",
        "new",
        "k",
        live_id="h1",
        desired={"secret_sink": "s"},
        fields=[{"field": "workspace", "before": "old", "after": "new"}],
    )
    changes = [moved, change("delete", "workspace", "old", "old", live_id="w1")]
    assert edges(changes) == {(0, 1, "dependents_first")}
