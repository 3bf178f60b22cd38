"""A 403 on a read route is one clear line naming the route and the likely cause, never "missing"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import STATE, apply, orctl, write_config
from click.testing import CliRunner

from openrouter_iac.cli import main
from openrouter_iac.emulator import Emulator, FaultConfig, State, start_server
from openrouter_iac.emulator.errors import error_body
from openrouter_iac.emulator.wire import Request, Response


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


class _Refusing(Emulator):
    """The emulator, except that one read route answers 403 (a key without that scope)."""

    refused = "/api/v1/observability/destinations"

    def handle(self, request: Request) -> Response:
        if request.method == "GET" and request.path.startswith(self.refused):
            return Response.json(403, error_body(403, "Forbidden"))
        return super().handle(request)


def test_a_refused_read_names_the_route_and_the_cause(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})
    assert apply(config).exit_code == 0
    emulator = _Refusing(State.load(STATE))
    with start_server(emulator) as server:
        env = {"OPENROUTER_MANAGEMENT_KEY": emulator.management_key}
        shown = orctl("plan", "-c", str(config), "--base-url", server.base_url, env=env)
    assert shown.exit_code == 1, shown.output
    assert "Traceback" not in shown.output
    assert "GET /api/v1/observability/destinations was refused (HTTP 403" in shown.output
    assert "without the scope" in shown.output and "read-only" in shown.output
    assert "missing" not in shown.output.lower() and "not found" not in shown.output.lower()


ORCTL_BIN = [str(Path(sys.executable).parent / "orctl")]


def test_plan_against_serve_forbid_names_the_route_and_cause_in_one_line(tmp_path: Path) -> None:
    """`orctl emulator serve --forbid 'GET /byok'`: the 403 a key without the BYOK scope gets."""
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})
    proc = subprocess.Popen(
        [*ORCTL_BIN, "emulator", "serve", "--print-json", "--ephemeral", "--forbid", "get /byok"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        env = {"OPENROUTER_BASE_URL": info["base_url"], "OPENROUTER_MANAGEMENT_KEY": info["management_key"]}
        shown = CliRunner().invoke(main, ["plan", "-c", str(config)], env=env)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert shown.exit_code == 1 and shown.stdout == "", shown.output
    lines = shown.stderr.splitlines()
    assert len(lines) in (1, 2) and (len(lines) == 1 or lines[1].startswith("  hint: ")), shown.stderr
    assert lines[0].startswith("Error: ") and "GET /api/v1/byok" in lines[0] and "was refused (HTTP 403" in lines[0]
    assert "without the scope" in lines[0] and "read-only" in lines[0], lines[0]


def test_serve_forbid_refuses_an_operation_it_does_not_know(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["emulator", "serve", "--ephemeral", "--forbid", "GET /byoks"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --forbid 'GET /byoks': no such operation (did you mean 'GET /byok'?); write it as 'GET /byok'"
    )


def test_a_forbid_rule_in_the_fault_config_refuses_its_route_only() -> None:
    emulator = Emulator(faults=FaultConfig.from_json({"rules": [{"operation": "GET /byok", "forbid": True}]}))
    assert emulator.call("GET", "/byok")[0] == 403
    assert emulator.call("GET", "/guardrails")[0] == 200
    assert emulator.stats.snapshot()["faults"]["forbidden"] == 1
