"""Fixtures of the apply tests (helpers live in apply_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_harness import Harness, make_harness


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    yield from make_harness(tmp_path, monkeypatch)
