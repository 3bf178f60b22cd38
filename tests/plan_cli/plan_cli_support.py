"""Helpers for the `orctl plan` CLI tests: the emulator on loopback, running orctl, output checks.

A plain module (not conftest) so test files can import it by a name unique in the suite.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result

from openrouter_iac.cli import main
from openrouter_iac.emulator import Emulator, ServerHandle

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
# Sink paths are relative to the config and tests apply this example: each test process works on
# its own copy, so no secret lands in the repository and parallel workers never share a sink.
AGENCY = Path(tempfile.mkdtemp(prefix="orctl-agency-")) / "agency"
shutil.copytree(EXAMPLES / "agency", AGENCY)
# There is no `python -m openrouter_iac.cli`: the console script sits beside the interpreter.
ORCTL_BIN = Path(sys.executable).parent / "orctl"

ANSI = re.compile(r"\x1b\[[0-9;]*m")
KEY_SHAPED = re.compile(r"sk-or-[A-Za-z0-9_-]{6,}")
SUMMARY_LINE = re.compile(r"^Plan: (\d+) to create, (\d+) to update, (\d+) to replace, (\d+) to delete\.$", re.M)
# The BYOK credential file of the agency example: its values must never be shown.
BYOK_SECRET_VALUES = ("EXAMPLE-ONLY-NOT-A-REAL-ID", "example-only-placeholder")

Rewrite = Callable[[httpx.Request, httpx.Response], httpx.Response | None]


@dataclass
class Api:
    """An emulated account served over HTTP on loopback, and the management key for it."""

    emulator: Emulator
    server: ServerHandle

    @property
    def key(self) -> str:
        return self.emulator.management_key

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def env(self, **extra: str | None) -> dict[str, str | None]:
        """The environment a CI job would set: base URL and key from variables."""
        return {"OPENROUTER_BASE_URL": self.base_url, "OPENROUTER_MANAGEMENT_KEY": self.key, **extra}

    def call(self, method: str, path: str, body: Any = None, *, key: str | None = None) -> Any:
        """Call the emulated API in-process; returns the body, failing the test on an error status."""
        status, payload = self.emulator.call(method, path, body, key=key)
        assert status < 300, (method, path, status, payload)
        return payload

    def workspace_id(self, slug: str) -> str:
        listed = self.call("GET", "/workspaces?limit=100")["data"]
        return next(str(ws["id"]) for ws in listed if ws["slug"] == slug)

    def inference_key(self) -> str:
        """A new ordinary (inference) key of the default workspace; its secret."""
        return str(self.call("POST", "/keys", {"name": "an inference key"})["key"])


def orctl(*args: str | Path, env: Mapping[str, str | None] | None = None, stdin: str | None = None) -> Result:
    """Run orctl in-process through click, as the console script would."""
    return CliRunner().invoke(main, [str(a) for a in args], env=dict(env or {}), input=stdin)


def orctl_subprocess(
    *args: str | Path, env: Mapping[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `orctl` console script as a separate process (no TTY: pipes)."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENROUTER_", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"))
    }
    environment.update({"CI": "1", **env})
    return subprocess.run(
        [str(ORCTL_BIN), *(str(a) for a in args)],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_agency(into: Path) -> Path:
    target = into / "agency"
    shutil.copytree(AGENCY, target)
    return target


def summary_counts(text: str) -> tuple[int, int, int, int]:
    match = SUMMARY_LINE.search(text)
    assert match, f"no summary line in:\n{text}"
    create, update, replace, delete = (int(n) for n in match.groups())
    return create, update, replace, delete


def assert_failed_cleanly(result: Result | subprocess.CompletedProcess[str], *fragments: str, secret: str) -> str:
    """Exit 1, nothing on stdout, `Error: <cause>` as one line (plus an optional hint line) on stderr,
    every fragment in the cause, no traceback, and the management key nowhere. Returns the cause."""
    if isinstance(result, Result):
        code, stdout, stderr = result.exit_code, result.stdout, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    else:
        code, stdout, stderr = result.returncode, result.stdout, result.stderr
    assert code == 1, (code, stdout, stderr)
    assert stdout == "", stdout
    lines = stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("Error: "), stderr
    assert len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("  hint: ")), stderr
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "Traceback" not in stderr
    assert secret not in stdout + stderr
    return lines[0]
