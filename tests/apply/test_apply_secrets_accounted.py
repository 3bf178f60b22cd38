"""Every secret accounted for, as a user meets it: `orctl plan`/`apply` (subprocesses, embedded
emulator) notice a sink that lost its key's secret, move a renamed key's secret, and remove a
deleted key's secret."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from openrouter_iac.model.config import Config
from openrouter_iac.model.resources import AccountState, ApiKey, Workspace
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.secrets.audit import audit_sinks
from openrouter_iac.secrets.opener import SinkCache

ORCTL = str(Path(sys.executable).parent / "orctl")


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_dir = root / "cfg"
        self.config_dir.mkdir()
        self.secrets = self.config_dir / "secrets" / "sandbox"

    def write(self, keys: dict[str, Any], *, prune: bool = False) -> None:
        workspace: dict[str, Any] = {"name": "Sandbox", "keys": keys}
        if prune:
            workspace["prune"] = True
        config = {
            "version": 1,
            "secret_sinks": {"files": {"type": "file", "path": "secrets/{workspace}/{key}.key"}},
            "workspaces": {"sandbox": workspace},
        }
        (self.config_dir / "orctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    def orctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
        base = ["-c", str(self.config_dir), "--emulator", "--emulator-state", str(self.root / "emu.json")]
        argv = [ORCTL, args[0], *base, *args[1:]]
        return subprocess.run(argv, cwd=self.root, env=env, capture_output=True, text=True, timeout=120)

    def secret(self, key: str) -> tuple[str, str]:
        path = self.secrets / f"{key}.key"
        return path.read_text().strip(), (path.parent / f"{key}.key.hash").read_text().strip()


def key(**extra: Any) -> dict[str, Any]:
    return {"secret_sink": "files", "limit": 1, **extra}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path)
    p.write({"bot": key()})
    applied = p.orctl("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    return p


def test_a_lost_or_foreign_secret_is_planned_as_a_rotation(project: Project) -> None:
    secret, key_hash = project.secret("bot")
    assert hashlib.sha256(secret.encode()).hexdigest() == key_hash  # the emulator's hash of the secret
    # The sink now holds another key's secret (an interrupted rotation, a reverted config...).
    (project.secrets / "bot.key.hash").write_text("f" * 64 + "\n")
    plan = project.orctl("plan", "--no-color", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "-/+ api_key:sandbox/bot" in plan.stdout
    assert "the secret is lost" in plan.stdout and "belongs to another key (hash ffffffffffff)" in plan.stdout
    refused = project.orctl("apply", "--auto-approve")
    assert refused.returncode == 1 and "--allow-rotate" in refused.stderr
    fixed = project.orctl("apply", "--auto-approve", "--allow-rotate")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    new_secret, new_hash = project.secret("bot")
    assert new_hash != key_hash and hashlib.sha256(new_secret.encode()).hexdigest() == new_hash
    assert project.orctl("plan", "--detailed-exitcode").returncode == 0

    # A sink that lost the file altogether: the same fix.
    (project.secrets / "bot.key").unlink()
    plan = project.orctl("plan", "--no-color")
    assert "records the key's hash but holds no secret" in plan.stdout and "-/+ api_key:sandbox/bot" in plan.stdout


def test_a_renamed_key_takes_its_secret_along(project: Project) -> None:
    secret, key_hash = project.secret("bot")
    project.write({"helper": key(previous_names=["bot"])})
    renamed = project.orctl("apply", "--auto-approve")
    assert renamed.returncode == 0, renamed.stdout + renamed.stderr
    assert "secret moved from" in renamed.stdout
    assert project.secret("helper") == (secret, key_hash)  # the same key, the same secret, the new place
    assert not (project.secrets / "bot.key").exists() and not (project.secrets / "bot.key.hash").exists()
    assert project.orctl("plan", "--detailed-exitcode").returncode == 0


def test_a_deleted_key_leaves_no_secret_behind(project: Project) -> None:
    project.write({"other": key()}, prune=True)
    applied = project.orctl("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "its secret was removed from" in applied.stdout
    assert sorted(p.name for p in project.secrets.iterdir()) == ["other.key", "other.key.hash"]


def test_a_hand_placed_secret_without_hash_is_a_warning_not_a_rotation(project: Project) -> None:
    (project.secrets / "bot.key.hash").unlink()
    plan = project.orctl("plan", "--no-color", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "without a recorded key hash" in plan.stdout + plan.stderr


def test_audit_sinks_is_callable_on_its_own(tmp_path: Path) -> None:
    """The function `orctl drift` calls: declared config, a live snapshot, a sink opener."""
    config = Config.model_validate(
        {
            "version": 1,
            "secret_sinks": {"files": {"type": "file", "path": "{workspace}/{key}.key"}},
            "workspaces": {"ws": {"name": "WS", "keys": {"a": key(), "b": key(), "off": key(disabled=True)}}},
        }
    )
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws/a.key").write_text("secret-a\n")
    (tmp_path / "ws/a.key.hash").write_text("hash-a\n")
    state = AccountState(
        workspaces={"ws": Workspace(name="WS", keys={"a": ApiKey(), "b": ApiKey(), "off": ApiKey(disabled=True)})}
    )
    ids = {"api_key:ws/a": "hash-a", "api_key:ws/b": "hash-b", "api_key:ws/off": "hash-off"}
    live = LiveSnapshot(state, ids, Catalogue({}, frozenset()), None)
    audit = audit_sinks(config, live, SinkCache(config, tmp_path).get)
    assert [(lost.address, lost.sink) for lost in audit.lost] == [("api_key:ws/b", "files")]
    assert "its sink holds no secret at" in audit.lost[0].reason and audit.warnings == []
