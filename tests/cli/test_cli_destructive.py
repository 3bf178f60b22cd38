"""Every destructive path that exists today, through the CLI against the emulator: deleting each
kind (prune), unassigning a key from its guardrail, removing a workspace member, pruning a
workspace, and the --allow-destroy guards (delete fraction, protect) for each kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import apply, live, plan, write_config

# `method` is written out: the API fills in its default (POST) and the client compares it (a known gap).
WEBHOOK = {"type": "webhook", "config": {"url": "https://hooks.example.com/traces", "method": "POST"}}
OTEL = {"type": "otel-collector", "config": {"endpoint": "https://otel.example.com/v1"}}


def lab() -> dict[str, Any]:
    """One workspace with two objects of every kind that can be deleted today (deleting the last one
    of a kind is guarded on its own: test_emptying_a_kind_needs_allow_destroy)."""
    return {
        "name": "Lab",
        "guardrails": {"lab-cap": {"budget": {"limit_usd": 5, "reset": "monthly"}}, "spare-cap": {}},
        "keys": {
            "bot": {"limit": 1, "secret_sink": "local", "guardrail": "lab-cap"},
            "batch": {"limit": 2, "secret_sink": "local"},
        },
        "byok": {
            "openai-main": {"provider": "openai", "key": "env:OPENAI_KEY"},
            "anthropic-main": {"provider": "anthropic", "key": "env:OPENAI_KEY"},
        },
        "observability": {"hooks": WEBHOOK, "traces": OTEL},
    }


# kind -> (collection, name, list route): dropping the name from the config deletes the object.
KINDS: dict[str, tuple[str, str, str]] = {
    "guardrail": ("guardrails", "lab-cap", "/guardrails"),
    "api_key": ("keys", "batch", "/keys"),
    "byok_key": ("byok", "openai-main", "/byok"),
    "observability_destination": ("observability", "hooks", "/observability/destinations"),
}


WHAT = {
    "guardrail": "guardrails",
    "api_key": "API keys",
    "byok_key": "BYOK credentials",
    "observability_destination": "observability destinations",
}


def without(kind: str) -> dict[str, Any]:
    workspace = lab()
    collection, name, _ = KINDS[kind]
    del workspace[collection][name]
    if kind == "guardrail":
        del workspace["keys"]["bot"]["guardrail"]  # a key may not name a guardrail that is gone
    return workspace


def workspace_id(slug: str = "lab") -> str:
    status, body = live("GET", "/workspaces")
    assert status == 200
    return next(w["id"] for w in body["data"] if w["slug"] == slug)


def live_names(route: str, slug: str = "lab") -> list[str]:
    status, body = live("GET", route, query=f"workspace_id={workspace_id(slug)}")
    assert status == 200, body
    return sorted(item["name"] for item in body["data"])


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`orctl.yaml` in a fresh directory, already applied: the account holds `lab()`."""
    monkeypatch.chdir(tmp_path)
    path = write_config(tmp_path / "orctl.yaml", {"lab": lab()})
    first = apply(path)
    assert first.exit_code == 0, first.output
    return path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_prune_deletes_each_kind(config: Path, kind: str) -> None:
    _, name, route = KINDS[kind]
    assert name in live_names(route)
    write_config(config, {"lab": without(kind)}, ownership={"prune": True})
    shown = plan(config, "--detailed-exitcode")
    assert shown.exit_code == 2, shown.output
    assert f"- {kind}:lab/{name}" in shown.stdout
    assert "not declared (pruning is on)" in shown.stdout
    done = apply(config)
    assert done.exit_code == 0, done.output
    assert "Converged: the account matches the config." in done.stdout
    assert name not in live_names(route)
    assert plan(config, "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_without_prune_an_undeclared_object_is_reported_and_kept(config: Path, kind: str) -> None:
    _, name, route = KINDS[kind]
    write_config(config, {"lab": without(kind)})
    shown = plan(config)
    assert shown.exit_code == 0, shown.output
    assert f"- {kind}:lab/{name}" not in shown.stdout
    assert f"{kind}:lab/{name}  (not declared in the config)" in shown.stdout
    assert apply(config).exit_code == 0
    assert name in live_names(route)


def test_unassigning_a_key_from_its_guardrail(config: Path) -> None:
    workspace = lab()
    workspace["keys"]["bot"]["guardrail"] = None  # explicit: leaving it out means "not managed"
    write_config(config, {"lab": workspace})
    shown = plan(config)
    assert "guardrail_assignment:lab/bot" in shown.stdout
    done = apply(config)
    assert done.exit_code == 0, done.output
    status, body = live("GET", "/guardrails/assignments/keys")
    assert status == 200 and body["data"] == []
    assert "lab-cap" in live_names("/guardrails")  # the guardrail itself stays
    assert plan(config, "--detailed-exitcode").exit_code == 0


def test_removing_a_workspace_member(config: Path) -> None:
    _, body = live("GET", "/organization/members")
    users = [m["id"] for m in body["data"]]
    workspace = lab()
    workspace["members"] = users[:2]
    write_config(config, {"lab": workspace})
    assert apply(config).exit_code == 0
    workspace["members"] = users[:1]
    write_config(config, {"lab": workspace})
    shown = plan(config)
    assert "workspace_members:lab" in shown.stdout
    done = apply(config)
    assert done.exit_code == 0, done.output
    _, body = live("GET", f"/workspaces/{workspace_id()}/members")
    assert {m["user_id"] for m in body["data"]} == {users[0]}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_delete_fraction_guard_counts_each_kind(config: Path, kind: str) -> None:
    _, name, route = KINDS[kind]
    safety = {"max_delete_fraction": 0.1, "min_objects_for_fraction": 1}
    write_config(config, {"lab": without(kind)}, ownership={"prune": True}, safety=safety)
    refused = apply(config)
    assert refused.exit_code == 1
    assert "Error: the plan was refused:\n  - the plan deletes 1 of 9 managed objects, " in refused.stderr
    assert "more than safety.max_delete_fraction (10%); pass --allow-destroy if that is intended" in refused.stderr
    assert name in live_names(route)
    done = apply(config, "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert name not in live_names(route)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_protecting_a_workspace_guards_deleting_each_kind_in_it(config: Path, kind: str) -> None:
    _, name, route = KINDS[kind]
    write_config(config, {"lab": without(kind)}, ownership={"prune": True}, safety={"protect": ["workspace:lab"]})
    refused = apply(config)
    assert refused.exit_code == 1
    hits = f"{kind}:lab/{name}"
    assert refused.stderr == (
        "Error: the plan was refused:\n"
        f"  - the plan deletes or replaces protected objects ({hits}); pass --allow-destroy if that is intended\n"
    )
    assert name in live_names(route)
    done = apply(config, "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert name not in live_names(route)


def _replaced(kind: str) -> dict[str, Any]:
    """`lab()` with one immutable field of ``kind`` changed, so the object is replaced."""
    workspace = lab()
    if kind == "api_key":
        workspace["keys"]["batch"]["expires_at"] = "2030-01-01T00:00:00Z"
    elif kind == "byok_key":
        workspace["byok"]["openai-main"]["provider"] = "anthropic"
    else:
        workspace["observability"]["hooks"] = {
            "type": "otel-collector",
            "config": {"endpoint": "https://otel.example.com/v1"},
        }
    return workspace


@pytest.mark.parametrize("kind", ["api_key", "byok_key", "observability_destination"])
def test_protecting_an_object_guards_replacing_it(config: Path, kind: str) -> None:
    _, name, route = KINDS[kind]
    address = f"{kind}:lab/{name}"
    write_config(config, {"lab": _replaced(kind)}, safety={"protect": [address]})
    shown = plan(config)
    assert f"-/+ {address}" in shown.stdout, shown.output
    refused = apply(config, "--allow-rotate")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: the plan was refused:\n"
        f"  - the plan deletes or replaces protected objects ({address}); pass --allow-destroy if that is intended\n"
    )
    done = apply(config, "--allow-rotate", "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert "Converged: the account matches the config." in done.stdout
    assert live_names(route).count(name) == 1  # the new one; the old one is gone


def test_pruning_a_workspace_deletes_its_keys_first(config: Path) -> None:
    write_config(config, {"lab": lab(), "old": {"name": "Old", "keys": {"legacy": {"secret_sink": "local"}}}})
    assert apply(config).exit_code == 0
    write_config(config, {"lab": lab()}, ownership={"prune_workspaces": True})
    shown = plan(config)
    assert "- api_key:old/legacy" in shown.stdout and "- workspace:old" in shown.stdout
    refused = apply(config)
    assert refused.exit_code == 1
    assert "the plan empties workspace 'old' with the 2 object(s) in it; pass --allow-destroy" in refused.stderr
    done = apply(config, "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert done.stderr.index("- api_key:old/legacy ... deleted") < done.stderr.index("- workspace:old ... deleted")
    _, body = live("GET", "/workspaces")
    assert sorted(w["slug"] for w in body["data"]) == ["default", "lab"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_emptying_a_kind_needs_allow_destroy(config: Path, kind: str) -> None:
    collection, _, route = KINDS[kind]
    workspace = lab()
    workspace[collection] = {}
    if kind == "guardrail":
        workspace["keys"]["bot"]["guardrail"] = None
    write_config(config, {"lab": workspace}, ownership={"prune": True})
    refused = apply(config)
    assert refused.exit_code == 1
    assert f"the plan empties every one of the 2 {WHAT[kind]} of workspace 'lab'; pass --allow-destroy" in (
        refused.stderr
    )
    assert len(live_names(route)) == 2
    done = apply(config, "--allow-destroy")
    assert done.exit_code == 0, done.output
    assert live_names(route) == []


def test_an_empty_workspace_config_never_prunes_a_populated_one(config: Path) -> None:
    write_config(config, {"lab": {"name": "Lab"}}, ownership={"prune": True})
    for flags in ((), ("--allow-destroy",)):
        refused = apply(config, *flags)
        assert refused.exit_code == 1
        assert refused.stderr.startswith(
            "Error: the plan was refused:\n"
            "  - the config declares nothing while the account holds managed objects; orctl never applies an "
            "empty config against a populated scope (delete the objects explicitly instead)\n"
        )
    assert live_names("/keys") == ["batch", "bot"]


def test_emptying_a_kind_of_its_only_object_says_so_in_the_singular(config: Path) -> None:
    workspace = lab()
    del workspace["byok"]["anthropic-main"]
    write_config(config, {"lab": workspace}, ownership={"prune": True})
    assert apply(config, "--allow-destroy").exit_code == 0
    assert live_names("/byok") == ["openai-main"]
    workspace["byok"] = {}
    write_config(config, {"lab": workspace}, ownership={"prune": True})
    refused = apply(config)
    assert refused.exit_code == 1
    assert "the plan empties the only BYOK credential of workspace 'lab'; pass --allow-destroy" in refused.stderr
    assert "1 BYOK credentials" not in refused.stderr
