"""EmbeddedEmulator: the --emulator mode state file, atomic saves, locking, silence."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import httpx
import pytest

from openrouter_iac.emulator import EmbeddedEmulator, EmulatorBusyError, StateFileError


def _client(emu: EmbeddedEmulator) -> httpx.Client:
    return httpx.Client(
        transport=emu.transport, base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.management_key}"}
    )


def test_creates_state_with_parent_dir_and_persists_writes(tmp_path: Path) -> None:
    path = tmp_path / ".orctl" / "emulator.json"
    with EmbeddedEmulator(path) as emu:
        assert path.exists()  # created on entry, so the management key is kept
        assert emu.base_url == "http://emulator.invalid/api/v1"
        with _client(emu) as client:
            assert client.post("/workspaces", json={"name": "Team", "slug": "team"}).status_code == 201
        key = emu.management_key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with EmbeddedEmulator(path) as emu, _client(emu) as client:
        assert emu.management_key == key
        assert client.get("/workspaces/team").status_code == 200


def test_committed_writes_survive_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    with pytest.raises(RuntimeError, match="boom"), EmbeddedEmulator(path) as emu, _client(emu) as client:
        assert client.post("/keys", json={"name": "before-crash"}).status_code == 201
        raise RuntimeError("boom")
    saved = json.loads(path.read_text())
    assert [k["name"] for k in saved["keys"].values()] == ["before-crash"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_default_path_is_dot_orctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with EmbeddedEmulator() as emu:
        assert emu.state_path == Path(".orctl/emulator.json")
    assert (tmp_path / ".orctl" / "emulator.json").exists()


def test_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with EmbeddedEmulator(tmp_path / "e.json") as emu, _client(emu) as client:
        client.post("/keys", json={"name": "quiet"})
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_second_process_waits_for_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    # flock is per open file description, so a second open in the same process conflicts too.
    with EmbeddedEmulator(path), pytest.raises(EmulatorBusyError), EmbeddedEmulator(path, lock_timeout_s=0.2):
        pass
    with EmbeddedEmulator(path):
        pass  # released


def test_corrupt_state_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(StateFileError, match="not valid JSON"), EmbeddedEmulator(path):
        pass
    path.write_text(json.dumps({"format": "orctl-emulator-state", "version": 99}), encoding="utf-8")
    with pytest.raises(StateFileError, match="unsupported emulator state version 99"), EmbeddedEmulator(path):
        pass
    with EmbeddedEmulator(tmp_path / "other.json"):
        pass


def test_properties_need_entering(tmp_path: Path) -> None:
    emu = EmbeddedEmulator(tmp_path / "e.json")
    with pytest.raises(RuntimeError, match="context manager"):
        _ = emu.transport
