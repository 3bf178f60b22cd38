"""Safety refusals, pre-flight checks and the executor's stop-at-first-failure report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apply_support import FakeKeys, RecordingSink

from openrouter_iac.apply import check_preflight, check_safety, execute, preflight, render_report, safety_problems
from openrouter_iac.errors import ApplyError, SafetyError
from openrouter_iac.live.writer import ApplyContext, Writer
from openrouter_iac.model.config import Config
from openrouter_iac.plan.model import Change, Plan, SafetyFacts

WS_ID = "11111111-1111-1111-1111-111111111111"


def plan(changes: list[Change], **facts: Any) -> Plan:
    safety = SafetyFacts(managed_objects=facts.pop("managed", 1), deletes=facts.pop("deletes", 0), **facts)
    return Plan(
        fingerprint="sha256:x", changes=changes, safety=safety, config_digest="d", config={}, config_base_dir="/"
    )


def key_change(name: str, action: str = "create", sink: str | None = "mem", live_id: str | None = None) -> Change:
    return Change(
        action=action,  # type: ignore[arg-type]
        kind="api_key",
        address=f"api_key:ws/{name}",
        workspace="ws",
        name=name,
        live_id=live_id,
        desired={"limit": 1, "secret_sink": sink},
    )


def test_rotation_needs_allow_rotate_and_says_so() -> None:
    p = plan([], rotations=["api_key:ws/a"])
    with pytest.raises(SafetyError, match=r"--allow-rotate"):
        check_safety(p, allow_destroy=True, allow_rotate=False)
    check_safety(p, allow_destroy=False, allow_rotate=True)


def test_delete_fraction_and_protected_need_allow_destroy() -> None:
    p = plan([], managed=10, deletes=4, protected_hits=["workspace:hc"])
    problems = safety_problems(p, allow_destroy=False, allow_rotate=False)
    assert len(problems) == 2
    assert "4 of 10 managed objects" in problems[0] and "--allow-destroy" in problems[0]
    assert "workspace:hc" in problems[1]
    assert safety_problems(p, allow_destroy=True, allow_rotate=False) == []


def test_fraction_ignored_below_minimum() -> None:
    assert safety_problems(plan([], managed=9, deletes=9), allow_destroy=False, allow_rotate=False) == []


def test_empty_config_always_refuses() -> None:
    p = plan([], empty_config_against_populated_scope=True)
    with pytest.raises(SafetyError, match="empty config"):
        check_safety(p, allow_destroy=True, allow_rotate=True)


def config_with(sinks: dict[str, Any], keys: dict[str, Any] | None = None) -> Config:
    return Config.model_validate(
        {"version": 1, "secret_sinks": sinks, "workspaces": {"ws": {"name": "W", "keys": keys or {}}}}
    )


def test_preflight_lists_every_problem_before_any_write(tmp_path: Path) -> None:
    config = config_with({"mem": {"type": "file", "path": "x/{key}"}})
    changes = [
        key_change("a", sink="mem"),
        key_change("b", sink="missing"),
        Change(
            action="create",
            kind="byok_key",
            address="byok_key:ws/b",
            workspace="ws",
            name="b",
            desired={"provider": "openai", "key": "env:ORCTL_TEST_UNSET_VAR"},
        ),
        Change(
            action="create",
            kind="preset",
            address="preset:ws/p",
            workspace="ws",
            name="p",
            desired={"publish_with": "nokey"},
        ),
    ]
    sinks = {"mem": RecordingSink(fail="check")}
    problems = preflight(plan(changes), config, open_sink=sinks.__getitem__, config_base_dir=tmp_path)  # type: ignore[arg-type]
    assert len(problems) == 4
    assert "not usable" in problems[0]
    assert "'missing'" in problems[1] and "not declared" in problems[1]
    assert any("byok_key:ws/b" in p and "ORCTL_TEST_UNSET_VAR" in p for p in problems)
    assert any("preset:ws/p" in p and "no secret_sink" in p for p in problems)
    with pytest.raises(ApplyError, match="nothing was changed"):
        check_preflight(plan(changes), config, open_sink=sinks.__getitem__, config_base_dir=tmp_path)  # type: ignore[arg-type]


def test_preflight_passes_for_usable_sinks(tmp_path: Path) -> None:
    config = config_with({"mem": {"type": "file", "path": "x/{key}"}})
    sinks = {"mem": RecordingSink()}
    assert preflight(plan([key_change("a")]), config, open_sink=sinks.__getitem__, config_base_dir=tmp_path) == []  # type: ignore[arg-type]


def writer_for(fake: FakeKeys, sink: RecordingSink) -> Writer:
    return Writer(
        client=fake.client(),
        context=ApplyContext({"workspace:ws": WS_ID}),
        config_base_dir=Path("/"),
        sink_for=lambda _: sink,  # type: ignore[arg-type,return-value]
        publisher_client=lambda _: fake.client(),
        on_secret=lambda _: None,
    )


def test_executor_stops_at_first_failure_and_reports_the_rest() -> None:
    fake = FakeKeys()
    sink = RecordingSink()
    writer = writer_for(fake, sink)
    changes = [key_change("a"), key_change("b", action="update", live_id="f" * 64), key_change("c")]
    report = execute(plan(changes), writer, replan=lambda: pytest.fail("no replan after a failure"))
    assert [o.status for o in report.outcomes] == ["done", "failed", "not_attempted"]
    assert "not found" in (report.outcomes[1].error or "")
    assert report.converged is None and report.exit_code == 1
    text = render_report(report)
    assert "failed: update api_key:ws/b" in text and "not attempted: create api_key:ws/c" in text
    assert fake.names() == ["a"]


def test_executor_reports_left_behind_key_when_store_fails() -> None:
    fake = FakeKeys()
    report = execute(plan([key_change("a")]), writer_for(fake, RecordingSink(fail="store")))
    (left,) = report.left_behind
    assert left.disabled and fake.keys[left.key_hash]["disabled"] is True
    assert "orphaned key: api_key:ws/a" in render_report(report)
    assert fake.secrets[left.key_hash] not in report.model_dump_json()


def test_executor_converged_when_replan_is_empty() -> None:
    fake = FakeKeys()
    report = execute(plan([key_change("a")]), writer_for(fake, RecordingSink()), replan=lambda: plan([]))
    assert report.converged is True and report.exit_code == 0
    assert report.outcomes[0].detail and report.outcomes[0].detail.startswith("created (hash ")
    again = plan([key_change("z")])
    not_done = execute(plan([key_change("b")]), writer_for(fake, RecordingSink()), replan=lambda: again)
    assert not_done.converged is False and not_done.remaining == ["create api_key:ws/z"]


def destination(action: str, config: dict[str, Any], fields: list[dict[str, Any]] | None = None) -> Change:
    return Change.model_validate(
        {
            "action": action,
            "kind": "observability_destination",
            "address": "observability_destination:ws/hooks",
            "workspace": "ws",
            "name": "hooks",
            "desired": {"type": "webhook", "config": config},
            "fields": fields or [],
        }
    )


def test_preflight_resolves_the_references_each_kind_declares_when_its_secrets_go(tmp_path: Path) -> None:
    # The kind's `secret_refs` (kinds/observability.py): secret config values and header references.
    config = config_with({})
    unset = {
        "url": "https://hooks.example.com/t",
        "token": "env:ORCTL_TEST_UNSET_TOKEN",
        "headers": {"X-Team": "env:ORCTL_TEST_UNSET_HEADER", "X-Plain": "literal"},
    }
    problems = preflight(
        plan([destination("create", unset)]), config, open_sink=dict().__getitem__, config_base_dir=tmp_path
    )
    assert [p.split(": ")[1] for p in problems] == ["config.token", "config.headers.X-Team"]
    assert all(p.startswith("observability_destination:ws/hooks: ") for p in problems)
    # An update that sends no secret resolves none of them.
    renamed = destination(
        "update", unset, [{"field": "url", "before": "https://old.example.com", "after": unset["url"]}]
    )
    assert preflight(plan([renamed]), config, open_sink=dict().__getitem__, config_base_dir=tmp_path) == []
