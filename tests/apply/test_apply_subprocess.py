"""orctl as a user runs it: a subprocess against `orctl emulator serve` on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_harness import copy_example, use_sink

ORCTL = [str(Path(sys.executable).parent / "orctl")]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [*ORCTL, "emulator", "serve", "--print-json", "--ephemeral"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        text=True,
    )
    assert proc.stdout is not None
    info: dict[str, Any] = json.loads(proc.stdout.readline())
    yield info
    proc.terminate()
    proc.wait(timeout=10)


def run(
    server: dict[str, Any], cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")},
        "OPENROUTER_BASE_URL": server["base_url"],
        "OPENROUTER_MANAGEMENT_KEY": server["management_key"],
        **(env or {}),
    }
    return subprocess.run([*ORCTL, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)


def live_keys(server: dict[str, Any]) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {server['management_key']}"}
    with httpx.Client(base_url=server["base_url"] + "/", headers=headers) as http:
        workspaces = http.get("workspaces", params={"limit": 100}).json()["data"]
        keys: list[dict[str, Any]] = []
        for ws in workspaces:
            params = {"workspace_id": ws["id"], "include_disabled": "true"}
            keys.extend(http.get("keys", params=params).json()["data"])
        return keys


def test_killed_between_create_and_store_is_recovered_by_the_next_apply(server: dict[str, Any], tmp_path: Path) -> None:
    config = copy_example("minimal", tmp_path)
    use_sink(config, {"type": "command", "run": ["sh", "-c", "kill -9 $PPID"]})
    killed = run(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
    assert killed.returncode == -9
    (orphan,) = live_keys(server)
    assert "[orctl-pending " in orphan["name"]
    use_sink(config, {"type": "file", "path": ".orctl/secrets/{workspace}/{key}.key"})
    plan = run(server, tmp_path, "plan", "-c", str(config), "--no-color")
    assert "orphan" in plan.stdout
    recovered = run(server, tmp_path, "apply", "-c", str(config), "--auto-approve")
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    assert "Converged" in recovered.stdout
    (key,) = live_keys(server)
    assert key["name"] == "docs-summarizer" and key["hash"] != orphan["hash"]
    recorded = (config / ".orctl/secrets/sandbox/docs-summarizer.key.hash").read_text().strip()
    assert recorded == key["hash"]


def test_no_secret_reaches_output_plan_or_report(server: dict[str, Any], tmp_path: Path) -> None:
    config = copy_example("agency", tmp_path)
    planned = run(server, tmp_path, "plan", "-c", str(config), "--out", "plan.json")
    assert planned.returncode in (0, 2), planned.stderr
    applied = run(
        server,
        tmp_path,
        "apply",
        "plan.json",
        "-c",
        str(config),
        "--report",
        "report.json",
        env={"GITHUB_ACTIONS": "true"},
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    secrets_dir = config / ".orctl/secrets"
    secrets = [p.read_text().strip() for p in secrets_dir.rglob("*.key")]
    for line in (secrets_dir / "agency.env").read_text().splitlines():
        name, _, value = line.partition("=")
        if value and not name.endswith("_HASH"):
            secrets.append(value.strip().strip("'\""))
    assert len(secrets) == 5 and all(s.startswith("sk-or-") for s in secrets)
    texts = {
        "stdout": applied.stdout,
        "stderr": applied.stderr + planned.stderr + planned.stdout,
        "plan": (tmp_path / "plan.json").read_text(),
        "report": (tmp_path / "report.json").read_text(),
    }
    for where, text in texts.items():
        assert server["management_key"] not in text, where
        for secret in secrets:
            remaining = text.replace(f"::add-mask::{secret}\n", "") if where == "stdout" else text
            assert secret not in remaining, where
    masks = [line for line in applied.stdout.splitlines() if line.startswith("::add-mask::")]
    assert len(masks) == 5
