"""Helpers to run `orctl apply` through click against an in-process emulator (faults injectable).

A plain module (not conftest) so test files can import it by a name unique in the suite."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from openrouter_iac.cli import apply_cmd, main
from openrouter_iac.cli.session import ApiOptions, ApiSession
from openrouter_iac.client import OpenRouterClient, RequestGate
from openrouter_iac.emulator.app import IN_PROCESS_BASE_URL, Emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class Harness:
    emulator: Emulator
    cwd: Path

    def orctl(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    def client(self) -> OpenRouterClient:
        return OpenRouterClient(IN_PROCESS_BASE_URL, self.emulator.management_key, transport=self.emulator.transport())

    def live_keys(self) -> list[dict[str, Any]]:
        client = self.client()
        workspaces = client.list_all("/workspaces", resource="workspaces")
        rows: list[dict[str, Any]] = []
        for ws in workspaces:
            params = {"workspace_id": ws["id"], "include_disabled": True}
            rows.extend(client.list_all("/keys", params=params, resource="keys"))
        return rows


def make_harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    emulator = Emulator()

    @contextmanager
    def session(options: ApiOptions) -> Iterator[ApiSession]:
        # The emulator lives in this process (so tests can inspect and fault it); everything
        # else is the user's path: the CLI, the client, the reader, the writer.
        transport = emulator.transport()
        gate = RequestGate(options.parallelism)  # --parallelism, 10 by default, as a user runs it
        client = OpenRouterClient(
            IN_PROCESS_BASE_URL, emulator.management_key, transport=transport, sleep=lambda _: None, gate=gate
        )
        with client:
            yield ApiSession(client, IN_PROCESS_BASE_URL, options.parallelism, transport, gate=gate)

    monkeypatch.setattr(apply_cmd, "api_session", session)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    yield Harness(emulator, tmp_path)


def copy_example(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def use_sink(config: Path, sink: dict[str, object]) -> None:
    """Point the minimal example's only sink `local-files` at ``sink``."""
    text = (config / "orctl.yaml").read_text()
    start, end = text.index("secret_sinks:"), text.index("workspaces:")
    replaced = "secret_sinks:\n  local-files: " + json.dumps(sink) + "\n\n"
    (config / "orctl.yaml").write_text(text[:start] + replaced + text[end:])
