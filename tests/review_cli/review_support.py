"""Helpers of the PR-review CLI tests: running orctl in-process, the examples, an emulated account.

A plain module (not conftest) so test files can import it by a name unique in the suite.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from openrouter_iac.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
# Sink paths are relative to the config and tests apply this example: each test process works on
# its own copy, so no secret lands in the repository and parallel workers never share a sink.
AGENCY = Path(tempfile.mkdtemp(prefix="orctl-agency-")) / "agency"
shutil.copytree(EXAMPLES / "agency", AGENCY)
WORKFLOWS = EXAMPLES / "github-actions"


def orctl(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """Run orctl in-process through click, as the console script would."""
    return CliRunner().invoke(main, [str(a) for a in args], env=dict(env or {}))


def copy_agency(into: Path) -> Path:
    target = into / "agency"
    shutil.copytree(AGENCY, target)
    return target


def applied_agency(workdir: Path) -> tuple[Path, Path]:
    """A copy of the agency example and an emulator state (with --emulator) that already matches it."""
    config = copy_agency(workdir)
    state = workdir / "emulator.json"
    applied = orctl("apply", "-c", config, "--emulator", "--emulator-state", state, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    return config, state
