"""A plan file is read up to a cap: `orctl show /dev/zero` (or an endless pipe) is one error line
naming the file, not a read until the machine runs out of memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import orctl

from openrouter_iac.plan import plan_file


@pytest.fixture(autouse=True)
def _small_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plan_file, "MAX_PLAN_BYTES", 1024 * 1024)  # the real cap is 512 MiB


@pytest.mark.parametrize("command", ["show", "apply"])
def test_an_endless_device_is_refused_at_the_cap(command: str) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    result = orctl(command, "/dev/zero", *(["--emulator"] if command == "apply" else []))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: /dev/zero is not a saved plan: larger than 1 MiB",
        "  hint: make one with `orctl plan --out PLANFILE`",
    ]


def test_a_regular_file_past_the_cap_is_refused() -> None:
    Path("plan.json").write_bytes(b" " * (1024 * 1024 + 1))
    result = orctl("show", "plan.json")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: plan.json is not a saved plan: larger than 1 MiB\n")


def test_a_file_at_the_cap_is_read() -> None:
    Path("plan.json").write_bytes(b"{}".ljust(1024 * 1024))
    result = orctl("show", "plan.json")
    assert result.exit_code == 1
    assert "larger than" not in result.stderr
    assert result.stderr.startswith("Error: plan.json is not a saved plan: ")
