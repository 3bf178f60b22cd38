"""The secret-manager recipes of docs/secrets.md, run as a user runs them: `orctl apply` in a
subprocess against the embedded emulator, with stand-in `vault`, `aws`, `gcloud`, `gh` and `op`
programs on PATH that record their argv, stdin and environment."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "secrets.md"
ORCTL = str(Path(sys.executable).parent / "orctl")
COMMAND_RECIPES = ("vault", "aws-cli", "gcp", "github", "onepassword")

# One program for every tool: it logs its call and plays just enough of `op` for the 1Password
# wrapper (items kept in a JSON file). The log path is baked in: the sink's environment is minimal.
FAKE_TOOL = """#!{python}
import json, os, sys
log, items_path = {log!r}, {items!r}
tool, args = os.path.basename(sys.argv[0]), sys.argv[1:]
stdin = sys.stdin.read()
with open(log, "a") as out:
    out.write(json.dumps({{"tool": tool, "argv": args, "stdin": stdin, "env": dict(os.environ)}}) + "\\n")
if tool == "op":
    items = json.load(open(items_path)) if os.path.exists(items_path) else {{}}
    if args[:2] == ["item", "get"]:
        if args[2] not in items:
            print(f"[ERROR] \\"{{args[2]}}\\" isn't an item", file=sys.stderr)
            sys.exit(1)
        print(json.dumps(items[args[2]]))
    elif args[:2] == ["item", "create"]:
        item = json.loads(stdin)
        item["id"] = "item-%d" % (len(items) + 1)
        items[item["title"]] = item
        print(json.dumps(item))
    json.dump(items, open(items_path, "w"))
"""


def recipes() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The yaml of each `<!-- recipe: NAME -->` block and the (path, text) of each recipe file."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- recipe: (\S+) -->\n```yaml\n(.*?)```", text, re.S)
    files = re.findall(r"<!-- recipe-file: (\S+) (\S+) -->\n```\w+\n(.*?)```", text, re.S)
    return dict(blocks), {name: (path, body) for name, path, body in files}


def fake_tools(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir, log = tmp_path / "fake-bin", tmp_path / "calls.jsonl"
    bin_dir.mkdir()
    script = FAKE_TOOL.format(python=sys.executable, log=str(log), items=str(tmp_path / "op-items.json"))
    for tool in ("vault", "aws", "gcloud", "gh", "op"):
        (bin_dir / tool).write_text(script)
        (bin_dir / tool).chmod(0o755)
    return bin_dir, log


def calls(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def write_config(config_dir: Path, sinks: dict[str, Any], expires: str = "2031-01-01T00:00:00Z") -> None:
    keys = {f"{name}-bot": {"secret_sink": name, "limit": 1, "expires_at": expires} for name in sinks}
    config = {"version": 1, "secret_sinks": sinks, "workspaces": {"sandbox": {"name": "Sandbox", "keys": keys}}}
    (config_dir / "orctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def orctl(
    cwd: Path, config_dir: Path, *args: str, path: str, extra: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")},
        "PATH": path,
        "OPENROUTER_MANAGEMENT_KEY": "sk-or-v1-" + "7" * 64,  # must never reach a sink program
        "UNRELATED_SETTING": "not for the sink",
        **extra,
    }
    command = [ORCTL, args[0], "-c", str(config_dir), "--emulator", "--emulator-state", str(cwd / "emu.json")]
    return subprocess.run([*command, *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Any]:
    blocks, files = recipes()
    assert set(COMMAND_RECIPES) | {"aws-native"} <= set(blocks), "a recipe went missing from docs/secrets.md"
    config_dir, elsewhere = tmp_path / "repo" / "orctl", tmp_path / "elsewhere"
    config_dir.mkdir(parents=True)
    elsewhere.mkdir()
    sinks: dict[str, Any] = {}
    for name in COMMAND_RECIPES:
        sinks.update(yaml.safe_load(blocks[name])["secret_sinks"])
    for _name, (rel, body) in files.items():
        target = config_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body.replace("#!/usr/bin/env python3", f"#!{sys.executable}", 1))
        target.chmod(0o755)
    bin_dir, log = fake_tools(tmp_path)
    return {"config": config_dir, "cwd": elsewhere, "sinks": sinks, "log": log, "path": f"{bin_dir}:{os.defpath}"}


def test_every_command_recipe_delivers_through_its_tool(project: dict[str, Any]) -> None:
    config, cwd, log = project["config"], project["cwd"], project["log"]
    write_config(config, project["sinks"])
    extra = {"VAULT_ADDR": "https://vault.example:8200", "VAULT_TOKEN": "hvs.test-token", "GH_TOKEN": "gh-test"}
    env = {"path": project["path"], "extra": extra}
    # Run from another directory: hash records and the wrapper are found beside the config.
    applied = orctl(cwd, config, "apply", "--auto-approve", **env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    recorded = calls(log)
    by_tool: dict[str, list[dict[str, Any]]] = {}
    for call in recorded:
        by_tool.setdefault(call["tool"], []).append(call)
        assert "UNRELATED_SETTING" not in call["env"] and "OPENROUTER_MANAGEMENT_KEY" not in call["env"]
        assert "sk-or-" not in json.dumps(call["argv"]) + json.dumps(call["env"])  # only ever on stdin

    def secret_of(key: str) -> tuple[str, str]:
        record = config / f".orctl/hashes/sandbox/{key}"
        key_hash = record.read_text().strip()
        return key_hash, record.name

    (vault,) = by_tool["vault"]
    assert vault["argv"] == ["kv", "put", "-mount=secret", "orctl/sandbox/vault-bot", "api_key=-"]
    assert vault["env"]["VAULT_TOKEN"] == "hvs.test-token" and vault["env"]["VAULT_ADDR"].startswith("https://")
    (aws,) = by_tool["aws"]
    assert aws["argv"][:4] == ["secretsmanager", "put-secret-value", "--secret-id", "orctl/sandbox/aws-cli-bot"]
    (gcloud,) = by_tool["gcloud"]
    assert gcloud["argv"][:5] == ["secrets", "versions", "add", "orctl-sandbox-gcp-bot", "--data-file=-"]
    (gh,) = by_tool["gh"]
    assert gh["argv"][:3] == ["secret", "set", "OPENROUTER_GITHUB_BOT"] and gh["env"]["GH_TOKEN"] == "gh-test"
    for call, key in [(vault, "vault-bot"), (aws, "aws-cli-bot"), (gcloud, "gcp-bot"), (gh, "github-bot")]:
        key_hash, _ = secret_of(key)
        assert call["stdin"].startswith("sk-or-v1-") and "\n" not in call["stdin"]  # input: secret
        assert hashlib.sha256(call["stdin"].encode()).hexdigest() == key_hash  # the live key's secret

    # 1Password: the wrapper read the envelope and handed op the item on stdin.
    op_calls = [c["argv"][:2] for c in by_tool["op"]]
    assert op_calls == [["item", "get"], ["item", "create"]]
    item = json.loads(by_tool["op"][1]["stdin"])
    secret = next(f["value"] for f in item["fields"] if f["label"] == "credential")
    key_hash = next(f["value"] for f in item["fields"] if f["label"] == "key_hash")
    assert hashlib.sha256(secret.encode()).hexdigest() == key_hash
    assert item["title"] == "OpenRouter sandbox onepassword-bot"

    planned = orctl(cwd, config, "plan", "--detailed-exitcode", **env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert not (cwd / ".orctl" / "hashes").exists()  # nothing was written where orctl ran

    # A rotation: the wrapper archives the old 1Password item after creating the new one.
    write_config(config, project["sinks"], expires="2032-01-01T00:00:00Z")
    rotated = orctl(cwd, config, "apply", "--auto-approve", "--allow-rotate", **env)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    later = [c["argv"] for c in calls(log)[len(recorded) :] if c["tool"] == "op"]
    assert [a[:2] for a in later] == [["item", "get"], ["item", "create"], ["item", "delete"]]
    assert later[2][2] == "item-1" and "--archive" in later[2]


def test_a_refusing_command_gets_its_key_deleted_at_once(project: dict[str, Any]) -> None:
    config, cwd = project["config"], project["cwd"]
    refuse = config / "refuse.py"
    refuse.write_text(f"#!{sys.executable}\nimport sys\nsys.stdin.read()\nsys.exit(10)\n")
    refuse.chmod(0o755)
    write_config(config, {"refuser": {"type": "command", "run": ["./refuse.py"]}})
    env = {"path": project["path"], "extra": {}}
    failed = orctl(cwd, config, "apply", "--auto-approve", **env)
    assert failed.returncode == 1
    assert "the sink refused its secret" in failed.stdout and "the key was deleted" in failed.stdout
    assert "orphaned key" not in failed.stdout
    planned = orctl(cwd, config, "plan", "--no-color", **env)
    assert "orphan" not in planned.stdout and "+ api_key:sandbox/refuser-bot" in planned.stdout
