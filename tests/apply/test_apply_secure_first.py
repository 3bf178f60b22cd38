"""Secure before delivering: a key that declares a guardrail is under it, verified, before any sink
holds its secret; a key that could not be secured is disabled and its secret never delivered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apply_harness import Harness

from openrouter_iac.cli import apply_cmd, plan_cmd
from openrouter_iac.emulator.faults import FaultConfig
from openrouter_iac.secrets.file_sink import FileSink

CONFIG = """\
version: 1
secret_sinks:
  files: {{type: file, path: "secrets/{{workspace}}/{{key}}.key"}}
workspaces:
  lab:
    name: Lab
    budgets: {{monthly: 20}}
    guardrails:
      strict: {{allowed_providers: [openai]}}
    keys:
      bot: {{behavior: Triage, limit: 5, limit_reset: monthly, guardrail: strict, secret_sink: files,
             expires_at: "{expires}"}}
      free: {{behavior: Chat, limit: 5, limit_reset: monthly, secret_sink: files, expires_at: "2030-01-01T00:00:00Z"}}
"""
ASSIGN = "POST /guardrails/{id}/assignments/keys"


@pytest.fixture(autouse=True)
def plan_in_process(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_cmd, "api_session", apply_cmd.api_session)  # the harness's in-process emulator


def write_config(harness: Harness, expires: str = "2030-01-01T00:00:00Z") -> Path:
    path = harness.cwd / "orctl.yaml"
    path.write_text(CONFIG.format(expires=expires))
    return path


def apply(harness: Harness, config: Path, *extra: str) -> Any:
    return harness.orctl("apply", "-c", str(config), "--auto-approve", "--allow-rotate", *extra)


def guardrail_of(harness: Harness, key_hash: str) -> str | None:
    with harness.emulator.locked() as state:
        assignment = state.key_assignments.get(key_hash)
        if assignment is None:
            return None
        return str(state.guardrails[assignment["guardrail_id"]]["name"])


def test_each_secret_is_stored_only_after_its_key_is_under_its_guardrail(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_store: dict[str, str | None] = {}
    real_store = FileSink.store

    def spy(self: FileSink, ref: Any, key_hash: str, secret: str, **kw: Any) -> None:
        at_store[str(ref)] = guardrail_of(harness, key_hash)
        real_store(self, ref, key_hash, secret, **kw)

    monkeypatch.setattr(FileSink, "store", spy)
    config = write_config(harness)
    result = apply(harness, config)  # the guardrail is created earlier in the same apply
    assert result.exit_code == 0, result.output
    assert at_store == {"lab/bot": "strict", "lab/free": None}  # a key with no guardrail: the workspace default
    assert "guardrail_assignment:lab/bot ... already made and verified with the key's create" in result.stderr
    # The rotated key (an immutable field changed) is secured the same way before its secret replaces the old.
    at_store.clear()
    rotated = apply(harness, write_config(harness, expires="2031-01-01T00:00:00Z"))
    assert rotated.exit_code == 0, rotated.output
    assert at_store == {"lab/bot": "strict"}
    assert harness.orctl("plan", "-c", str(config), "--detailed-exitcode").exit_code == 0


def test_the_plan_shows_the_assignment_as_part_of_the_create(harness: Harness) -> None:
    config = write_config(harness)
    shown = harness.orctl("plan", "-c", str(config), "--no-color")
    assert "+ guardrail_assignment:lab/bot" in shown.stdout
    assert "made with the key's create: the key is under its guardrail before its secret is delivered" in shown.stdout
    as_json = json.loads(harness.orctl("plan", "-c", str(config), "--output", "json").stdout)
    (change,) = [c for c in as_json["changes"] if c["kind"] == "guardrail_assignment"]
    assert change["action"] == "create" and change["fields"][0]["after"] == "strict"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(FaultConfig.single(operation=ASSIGN, error_rate=1.0), id="assign-fails"),
        pytest.param(
            FaultConfig.single(operation="GET /guardrails/{id}/assignments/keys", error_rate=1.0), id="verify-fails"
        ),
    ],
)
def test_a_key_that_cannot_be_secured_is_disabled_and_its_secret_never_delivered(
    harness: Harness, fault: FaultConfig
) -> None:
    config = write_config(harness)
    harness.emulator.faults.configure(fault)
    report = harness.cwd / "report.json"
    failed = apply(harness, config, "--report", str(report))
    harness.emulator.faults.configure(FaultConfig())
    assert failed.exit_code == 1
    assert "could not be put under its guardrail 'strict'" in failed.output
    assert "its secret was not delivered and it was disabled" in failed.output
    (left,) = json.loads(report.read_text())["left_behind"]
    assert left["address"] == "api_key:lab/bot" and left["disabled"] is True
    (bot,) = [k for k in harness.live_keys() if k["hash"] == left["key_hash"]]
    assert bot["disabled"] is True and "[orctl-pending " in bot["name"]
    assert not (harness.cwd / "secrets" / "lab" / "bot.key").exists()
    # The next apply replaces the disabled orphan with a key that is secured, then delivered.
    recovered = apply(harness, config)
    assert recovered.exit_code == 0, recovered.output
    keys = {k["name"]: k for k in harness.live_keys() if k["name"] in ("bot", "free")}
    assert len(harness.live_keys()) == 2 and set(keys) == {"bot", "free"}
    stored = (harness.cwd / "secrets" / "lab" / "bot.key.hash").read_text().strip()
    assert stored == keys["bot"]["hash"] and guardrail_of(harness, stored) == "strict"


def test_verifying_under_a_big_guardrail_reads_two_pages_not_all(harness: Harness) -> None:
    from apply_support import RecordingSink

    from openrouter_iac.live.writer_keys import KeyWriter
    from openrouter_iac.model.resources import ApiKey

    client = harness.client()
    with harness.emulator.locked() as state:
        workspace_id = state.default_workspace_id
    guardrail = client.post("/guardrails", json={"name": "big", "workspace_id": workspace_id}, resource="t")["data"]
    hashes = [
        client.post("/keys", json={"name": f"k{i}", "workspace_id": workspace_id}, resource="t")["data"]["hash"]
        for i in range(230)
    ]
    client.post(f"/guardrails/{guardrail['id']}/assignments/keys", json={"key_hashes": hashes}, resource="t")
    sink = RecordingSink()
    writer = KeyWriter(client, on_secret=lambda _: None, sink_for=lambda _: sink)  # type: ignore[arg-type,return-value]
    before = harness.emulator.stats.count("GET /guardrails/{id}/assignments/keys")
    outcome = writer.create(
        address="api_key:default/new",
        workspace="default",
        workspace_id=workspace_id,
        name="new",
        spec=ApiKey(limit=1, secret_sink="mem", guardrail="big"),
        guardrail_id=str(guardrail["id"]),
    )
    assert harness.emulator.stats.count("GET /guardrails/{id}/assignments/keys") - before == 2
    assert writer.secured == {outcome.key_hash: guardrail["id"]}
    assert sink.stored["default/new"][0] == outcome.key_hash
