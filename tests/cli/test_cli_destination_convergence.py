"""Observability destinations converge against what the API really returns: masked values
(secrets, langfuse publicKey, s3 accessKeyId, every header value) are write-only, a server default
left out of the config is not a difference, and references inside headers are resolved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import STATE, orctl, write_config

from openrouter_iac.emulator import EmbeddedEmulator

ENV = {"LF_SECRET": "sk-lf-fake-test-only", "AWS_SECRET": "fake-aws-secret", "HOOK_TOKEN": "hook-fake-token-1"}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _run(command: str, config: Path, *flags: str, env: dict[str, str] | None = None) -> Any:
    extra = ["--auto-approve"] if command == "apply" else []
    return orctl(command, "-c", str(config), "--emulator", *extra, *flags, env={**ENV, **(env or {})})


def _config(tmp_path: Path, destinations: dict[str, Any]) -> Path:
    return write_config(tmp_path / "orctl.yaml", {"obs": {"name": "Obs", "observability": destinations}})


def _live_headers() -> dict[str, str]:
    with EmbeddedEmulator(STATE) as emu, emu.emulator.locked() as state:
        (record,) = [d for d in state.destinations.values() if d["type"] == "webhook"]
        headers: dict[str, str] = record["config"]["headers"]
        return dict(headers)


DESTINATIONS = {
    "lf": {
        "type": "langfuse",
        "config": {"publicKey": "pk-lf-123", "secretKey": "env:LF_SECRET", "baseUrl": "https://cloud.langfuse.com"},
    },
    "bucket": {
        "type": "s3",
        "config": {"bucketName": "traces", "accessKeyId": "AKIAFAKEFAKE", "secretAccessKey": "env:AWS_SECRET"},
    },
    "hook": {
        "type": "webhook",
        "config": {
            "url": "https://hooks.example.com/in",
            "headers": {"X-Team": "platform", "Authorization": "env:HOOK_TOKEN"},
        },
    },
}


def test_masked_fields_headers_and_server_defaults_converge(tmp_path: Path) -> None:
    config = _config(tmp_path, DESTINATIONS)
    done = _run("apply", config)
    assert done.exit_code == 0, done.output
    shown = _run("plan", config, "--detailed-exitcode")
    assert shown.exit_code == 0, shown.output
    assert "****" not in shown.output
    # the reference inside headers was resolved, not sent as its text
    assert _live_headers() == {"X-Team": "platform", "Authorization": "hook-fake-token-1"}


def test_a_header_value_change_needs_the_rotation_marker(tmp_path: Path) -> None:
    assert _run("apply", _config(tmp_path, DESTINATIONS)).exit_code == 0
    changed = {**DESTINATIONS["hook"], "config": {**DESTINATIONS["hook"]["config"], "headers": {
        "X-Team": "ml", "Authorization": "env:HOOK_TOKEN"}}}  # fmt: skip
    config = _config(tmp_path, {**DESTINATIONS, "hook": changed})
    assert _run("plan", config, "--detailed-exitcode").exit_code == 0  # values are write-only
    rotated = _config(tmp_path, {**DESTINATIONS, "hook": {**changed, "rotation": "2026-12"}})
    shown = _run("plan", rotated, "--detailed-exitcode")
    assert shown.exit_code == 2, shown.output
    assert '"ml"' not in shown.stdout  # a header value is never shown
    assert _run("apply", rotated, env={"HOOK_TOKEN": "hook-fake-token-2"}).exit_code == 0
    assert _live_headers() == {"X-Team": "ml", "Authorization": "hook-fake-token-2"}
    assert _run("plan", rotated, "--detailed-exitcode").exit_code == 0


def test_a_new_header_name_is_a_difference_and_sends_the_headers(tmp_path: Path) -> None:
    assert _run("apply", _config(tmp_path, DESTINATIONS)).exit_code == 0
    hook = DESTINATIONS["hook"]
    more = {**hook, "config": {**hook["config"], "headers": {**hook["config"]["headers"], "X-Env": "prod"}}}
    config = _config(tmp_path, {**DESTINATIONS, "hook": more})
    shown = _run("plan", config, "--detailed-exitcode")
    assert shown.exit_code == 2 and "X-Env" in shown.stdout, shown.output
    assert _run("apply", config).exit_code == 0
    assert _live_headers() == {"X-Team": "platform", "Authorization": "hook-fake-token-1", "X-Env": "prod"}
    assert _run("plan", config, "--detailed-exitcode").exit_code == 0
