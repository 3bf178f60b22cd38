"""Helpers of the policy tests: write a config, run orctl in-process, read the JSON findings.

`sarif-schema-2.1.0.json` beside this file is the official SARIF 2.1.0 JSON schema (OASIS, errata01
`sarif-schema-2.1.0.json` as published in the oasis-tcs/sarif-spec repository, unchanged), so the
SARIF output is validated offline."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from openrouter_iac.cli import main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SARIF_SCHEMA = Path(__file__).resolve().parent / "sarif-schema-2.1.0.json"
EXPIRY = "2027-11-30T00:00:00Z"  # within 365 days of the fixed clock (key-expiry-far); months ahead of the real one

HEADER = """\
version: 1
secret_sinks:
  files: {type: file, path: ".orctl/secrets/{workspace}/{key}.key"}
"""


def orctl(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def write_config(directory: Path, body: str, name: str = "orctl.yaml") -> Path:
    """``body`` (dedented) under a header with `version: 1` and a sink named `files`."""
    path = directory / name
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def lint_json(config: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = orctl("lint", "-c", config, "--output", "json", *extra)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.stdout.startswith("{"), result.stderr
    return result.exit_code, json.loads(result.stdout)


def rules_of(document: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in document["findings"]]
