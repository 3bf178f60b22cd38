"""A 403 on a read route is one clear line naming the route and the likely cause, never "missing"."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import STATE, apply, orctl, write_config

from openrouter_iac.emulator import Emulator, State, start_server
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
