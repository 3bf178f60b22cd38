"""Fixtures of the policy tests: a fixed clock (expiry rules count days from now) and a clean cwd."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from openrouter_iac.policy import runner

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(runner, "utc_now", lambda: NOW)
    return NOW


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("OPENROUTER_BASE_URL", "OPENROUTER_MANAGEMENT_KEY", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
