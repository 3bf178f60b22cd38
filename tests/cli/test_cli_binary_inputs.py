"""A binary file where orctl expects text (a gzipped plan, the wrong file passed to --ignore): one
clear error naming the file, not an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl, write_config

BINARY = bytes([0x1F, 0x8B, 0x08, 0x00, 0xFD, 0xFF, 0x00, 0x80])  # a gzip header: not UTF-8


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plan.bin").write_bytes(BINARY)


@pytest.mark.parametrize("command", [["show", "plan.bin"], ["apply", "plan.bin", "--emulator"]])
def test_a_binary_plan_file_is_not_a_saved_plan(command: list[str]) -> None:
    result = orctl(*command)
    assert result.exit_code == 1
    first, hint = result.stderr.splitlines()
    assert first.startswith("Error: plan.bin is not a saved plan: not JSON (")
    assert hint == "  hint: make one with `orctl plan --out PLANFILE`"


def test_a_binary_ignore_file_is_one_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}})
    result = orctl("drift", "-c", str(config), "--emulator", "--ignore", "plan.bin")
    assert result.exit_code == 1
    assert result.stderr == "Error: --ignore plan.bin: cannot be read (not UTF-8 text)\n"
