"""A PR comment keeps its warning banners when thousands of changes weaken policy: each alert
lists the first 50 and counts the rest, instead of growing past the comment limit and being
left out of the comment whole (a bulk raise of 2,000 key caps showed no warning at all)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import apply, plan, write_config


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _keys(limit: int, count: int) -> dict[str, object]:
    key = {"limit": limit, "limit_reset": "daily", "behavior": "A customer.", "expires_at": "2027-06-30T00:00:00Z"}
    return {"name": "Customers", "budgets": {"monthly": 100_000}, "keys": {f"c-{n:02}": key for n in range(count)}}


def test_the_weakening_banner_lists_50_and_counts_the_rest(tmp_path: Path) -> None:
    assert apply(write_config(tmp_path / "orctl.yaml", {"customers": _keys(10, 56)})).exit_code == 0
    raised = plan(write_config(tmp_path / "orctl.yaml", {"customers": _keys(20, 56)}), "--output", "markdown")
    assert raised.exit_code == 0, raised.output
    banner = raised.stdout.split("> [!WARNING]\n> This plan weakens policy:\n", 1)[1].split("\n\n", 1)[0]
    lines = banner.splitlines()
    assert len(lines) == 51
    assert all(line.startswith("> - 🔓 `api_key:customers/c-") for line in lines[:50])
    assert lines[-1] == "> - … and 6 more ways the plan weakens policy (`orctl plan` lists every one)"
