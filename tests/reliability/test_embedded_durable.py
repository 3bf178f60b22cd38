"""`--emulator` mode keeps every answered write, like a real server, and rewrites nothing on reads."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from reliability_support import ORCTL, write_config

KILL_AT_FIRST_SECRET = {"type": "command", "run": ["sh", "-c", "cat >/dev/null; kill -9 $PPID"]}


def _orctl(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    return subprocess.run([*ORCTL, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _state(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text())
    return data


def test_writes_answered_before_a_kill_9_are_in_the_state_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"durable": ["a", "b"]})
    text = config.read_text().replace(
        'files:\n    type: file\n    path: ".orctl/secrets/{workspace}/{key}.key"',
        "files: " + json.dumps(KILL_AT_FIRST_SECRET),
    )
    config.write_text(text)
    emu = ["--emulator", "--emulator-state", "emu.json"]
    killed = _orctl(tmp_path, "apply", "-c", str(config), "--auto-approve", *emu)
    assert killed.returncode == -9
    state = _state(tmp_path / "emu.json")
    workspaces = state["workspaces"]
    keys = state["keys"]
    assert isinstance(workspaces, dict) and isinstance(keys, dict)
    assert "durable" in {w["slug"] for w in workspaces.values()}  # answered before the kill: kept
    assert [k["name"] for k in keys.values() if "[orctl-pending " in k["name"]]  # the key being handed off
    write_config(config, {"durable": ["a", "b"]})
    recovered = _orctl(tmp_path, "apply", "-c", str(config), "--auto-approve", *emu)
    assert recovered.returncode == 0, recovered.stdout + recovered.stderr
    names = sorted(k["name"] for k in _state(tmp_path / "emu.json")["keys"].values())  # type: ignore[attr-defined]
    assert names == ["a", "b"]


def test_a_read_only_plan_does_not_rewrite_the_state_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "orctl.yaml", {"ro": ["a"]})
    emu = ["--emulator", "--emulator-state", "emu.json"]
    assert _orctl(tmp_path, "apply", "-c", str(config), "--auto-approve", *emu).returncode == 0
    state = tmp_path / "emu.json"
    os.utime(state, (1_000_000, 1_000_000))
    planned = _orctl(tmp_path, "plan", "-c", str(config), "--detailed-exitcode", *emu)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert state.stat().st_mtime == 1_000_000


def test_saving_is_linear_and_quick_for_a_large_account(tmp_path: Path) -> None:
    import time

    from openrouter_iac.emulator import EmbeddedEmulator

    path = tmp_path / "big.json"
    with EmbeddedEmulator(path) as emu:
        status, body = emu.emulator.call("POST", "/keys", {"name": "seed"})
        assert status == 201
        template = emu.emulator.state.keys[body["data"]["hash"]]
        with emu.emulator.locked() as state:
            for index in range(20_000):
                state.keys[f"{index:064x}"] = {**template, "hash": f"{index:064x}", "name": f"k{index}"}
            state.revision += 1
        # CPU time, not wall time: the work of the save, whatever else the machine is running.
        began = time.process_time()
        emu.save()
        assert time.process_time() - began < 3.0  # was 5.3 s with an indented dump and a deep copy
    assert len(_state(path)["keys"]) == 20_001  # type: ignore[arg-type]
