"""Running orctl as a user does, in-process: the CLI against the embedded emulator (`--emulator`),
its account in a state file under the test's directory. Exceptions are not caught by the runner,
so anything that would reach the user as a traceback fails the test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from openrouter_iac.cli import main
from openrouter_iac.emulator import EmbeddedEmulator

STATE = Path(".orctl/emulator.json")
SINK = {"local": {"type": "file", "path": ".orctl/secrets/{workspace}/{key}.key"}}


def orctl(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"ORCTL_DEBUG": "", **(env or {})}, input=stdin,
                              catch_exceptions=False)  # fmt: skip


def write_config(path: Path, workspaces: dict[str, Any], **top: Any) -> Path:
    """A config file (JSON is YAML) with one file sink named `local`."""
    path.write_text(json.dumps({"version": 1, "secret_sinks": SINK, **top, "workspaces": workspaces}), "utf-8")
    return path


ENV = {"OPENAI_KEY": "sk-proj-fake-test-only-0123456789"}
"""What the configs' secret references point at (fake values)."""


def apply(config: Path, *flags: str) -> Result:
    # These small configs are about error paths, not policy: the policy gate is not under test here.
    return orctl(
        "apply", "-c", str(config), "--emulator", "--auto-approve", "--allow-policy-violations", *flags, env=ENV
    )


def plan(config: Path, *flags: str) -> Result:
    return orctl("plan", "-c", str(config), "--emulator", *flags, env=ENV)


def live(method: str, path: str, body: Any = None, *, query: str = "") -> tuple[int, Any]:
    """One call to the emulated account, as its management key (to look, or to set up a case)."""
    with EmbeddedEmulator(STATE) as emu:
        return emu.emulator.call(method, path, body, query=query)
