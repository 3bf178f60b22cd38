"""`orctl apply --no-color` shows its plan without ANSI colors, as `orctl plan --no-color` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import apply, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")  # colors although stdout is not a terminal


def test_apply_colors_its_plan_unless_no_color(tmp_path: Path) -> None:
    colored = apply(write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab"}}))
    assert colored.exit_code == 0, colored.output
    assert "\x1b[" in colored.stdout

    plain = apply(write_config(tmp_path / "orctl.yaml", {"lab": {"name": "Lab", "description": "x"}}), "--no-color")
    assert plain.exit_code == 0, plain.output
    assert "~ workspace:lab" in plain.stdout
    assert "\x1b[" not in plain.output
