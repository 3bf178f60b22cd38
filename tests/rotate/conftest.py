"""Fixtures of the key lifecycle tests: an emulated account on loopback and a config directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from rotate_support import Project

from openrouter_iac.emulator import Emulator, start_server


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    """A served emulator, a clean working directory, no ambient OpenRouter settings, no keyring."""
    monkeypatch.chdir(tmp_path)
    for name in ("OPENROUTER_BASE_URL", "OPENROUTER_MANAGEMENT_KEY", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", "1")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    emulator = Emulator(id_seed=31)
    server = start_server(emulator)
    try:
        yield Project(tmp_path, emulator, server)
    finally:
        server.stop()
        keyring.set_keyring(previous)
