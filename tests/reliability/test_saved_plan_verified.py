"""A saved plan is an approval: `apply PLANFILE` runs a fresh plan only if it is the saved one.

Each tampering from the reliability audit is refused, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import Server, orctl, serve, write_config


@pytest.fixture
def account(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    config = write_config(tmp_path / "orctl.yaml", {"tp": ["c", "d"]})
    config.write_text(config.read_text().replace("c: {limit: 5,", 'c: {limit: 5, expires_at: "2031-01-01T00:00:00Z",'))
    with serve(tmp_path) as server:
        assert orctl(server, tmp_path, "apply", "-c", str(config), "--auto-approve").returncode == 0
        with server.http() as http:  # an unmanaged workspace with a key of its own
            other = http.post("workspaces", json={"name": "Other", "slug": "other"}).json()["data"]["id"]
            http.post("keys", json={"name": "theirs", "workspace_id": other})
        # The next plan rotates c (a new expiry) and changes d's limit.
        text = config.read_text().replace("2031-01-01", "2032-01-01").replace("d: {limit: 5", "d: {limit: 6")
        config.write_text(text)
        yield server, config


def _saved_plan(server: Server, config: Path) -> dict[str, Any]:
    planned = orctl(server, config.parent, "plan", "-c", str(config), "--out", "plan.json")
    assert planned.returncode in (0, 2), planned.stderr
    data: dict[str, Any] = json.loads((config.parent / "plan.json").read_text())
    return data


def _writes(server: Server) -> int:
    with server.http() as http:
        stats = http.get(server.admin_url.rstrip("/") + "/stats").json()
    return int(stats["writes"])


def _drop_rotation(plan: dict[str, Any], server: Server) -> None:
    plan["safety"]["rotations"] = []
    plan["safety"]["protected_hits"] = []
    for change in plan["changes"]:
        change["rotation"] = False


def _add_delete(plan: dict[str, Any], server: Server) -> None:
    theirs = next(k for k in _all_keys(server) if k["name"] == "theirs")
    plan["changes"].append(
        {"action": "delete", "kind": "api_key", "address": "api_key:tp/x", "live_id": theirs["hash"]}
    )


def _move_sink(plan: dict[str, Any], server: Server) -> None:
    plan["config"]["secret_sinks"]["files"]["path"] = "EXFIL/{workspace}/{key}.key"


def _all_keys(server: Server) -> list[dict[str, Any]]:
    from reliability_support import live_keys

    return live_keys(server)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_drop_rotation, "safety.rotations differs"),
        (_add_delete, "change delete api_key:tp/x is in the plan file but not in a fresh plan"),
        (_move_sink, "config.secret_sinks.files.path differs"),
    ],
    ids=["edited-safety", "added-change", "changed-sink-path"],
)
def test_a_tampered_plan_is_refused_and_nothing_is_written(
    account: tuple[Server, Path], tamper: Callable[[dict[str, Any], Server], None], expected: str
) -> None:
    server, config = account
    plan = _saved_plan(server, config)
    tamper(plan, server)
    (config.parent / "plan.json").write_text(json.dumps(plan))
    before = _writes(server)
    result = orctl(server, config.parent, "apply", "plan.json", "-c", str(config), "--allow-rotate")
    assert result.returncode == 1
    assert "does not match a fresh plan of the config and the account" in result.stderr
    assert expected in result.stderr, result.stderr
    assert _writes(server) == before
    assert not (config.parent / "EXFIL").exists()
    assert "theirs" in {k["name"] for k in _all_keys(server)}


def test_an_untouched_plan_is_applied_with_the_flags_it_needs(account: tuple[Server, Path]) -> None:
    server, config = account
    _saved_plan(server, config)
    refused = orctl(server, config.parent, "apply", "plan.json", "-c", str(config))
    assert refused.returncode == 1 and "--allow-rotate" in refused.stderr
    applied = orctl(server, config.parent, "apply", "plan.json", "-c", str(config), "--allow-rotate")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Converged" in applied.stdout
