"""Shared by the soak and kill -9 scripts: a served emulator, a random config, and the account checks.

Everything goes through the CLI (`orctl apply`, `orctl plan`) against `orctl emulator serve`,
as a user or CI job runs it; the checks read the account over HTTP and the sinks from disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ORCTL = [str(Path(sys.executable).parent / "orctl")]
SINK_DIR = "secrets"


@dataclass
class Server:
    base_url: str
    management_key: str
    admin_url: str

    def http(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.management_key}"}
        return httpx.Client(base_url=self.base_url + "/", headers=headers, timeout=60)

    def set_faults(self, rules: list[dict[str, Any]], seed: int | None = None, per_request: bool = False) -> None:
        body: dict[str, Any] = {"rules": rules, **({"seed": seed} if seed is not None else {})}
        if per_request:  # faults drawn per request: the same whatever order concurrent requests arrive in
            body["per_request"] = True
        headers = {"Authorization": f"Bearer {self.management_key}"}
        httpx.put(self.admin_url.rstrip("/") + "/faults", json=body, headers=headers, timeout=10).raise_for_status()

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI", "ORCTL_TIMEOUT")},
            "OPENROUTER_BASE_URL": self.base_url,
            "OPENROUTER_MANAGEMENT_KEY": self.management_key,
            # The configs under test are bare keys made to be changed, not configs lint would pass.
            "ORCTL_ALLOW_POLICY_VIOLATIONS": "1",
        }


@contextmanager
def serve(cwd: Path, *extra: str) -> Iterator[Server]:
    """``orctl emulator serve`` in memory; pass ``--id-seed N`` in ``extra`` for reproducible ids."""
    proc = subprocess.Popen(
        [*ORCTL, "emulator", "serve", "--print-json", "--ephemeral", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        text=True,
    )
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    try:
        yield Server(info["base_url"], info["management_key"], info["admin_url"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def apply_args(config: Path, parallelism: int = 1) -> list[str]:
    """`--parallelism 1` (the default here) makes every request of a run come in one order: with
    seeded ids and faults, the same run every time. More exercises the concurrent executor."""
    return [
        "apply",
        "-c",
        str(config),
        "--auto-approve",
        "--allow-rotate",
        "--allow-destroy",
        "--timeout",
        "60",
        "--parallelism",
        str(parallelism),
    ]


def run(server: Server, cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ORCTL, *args], cwd=cwd, env=server.env(), capture_output=True, text=True, timeout=timeout)


GUARDRAILS = {"g0": "openai", "g1": "anthropic", "g2": "mistral"}


@dataclass
class Desired:
    """The config under test: workspaces of keys, each key's limit, guardrail, expiry and old names."""

    workspaces: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    counter: int = 0
    guardrails: dict[str, list[str]] = field(default_factory=dict)
    """Guardrail names per workspace (default g0 and g1)."""

    def new_name(self) -> str:
        self.counter += 1
        return f"k{self.counter:04d}"

    def render(self) -> str:
        lines = [
            "version: 1",
            "secret_sinks:",
            "  files:",
            "    type: file",
            f'    path: "{SINK_DIR}/{{workspace}}/{{key}}.key"',
            "workspaces:",
        ]
        for slug, keys in self.workspaces.items():
            lines += [
                f"  {slug}:",
                f"    name: {slug}",
                "    prune: true",
                "    guardrails:",
                *(
                    f"      {g}: {{allowed_providers: [{GUARDRAILS[g]}]}}"
                    for g in self.guardrails.get(slug, ["g0", "g1"])
                ),
                "    keys:" if keys else "    keys: {}",
            ]
            for name, key in sorted(keys.items()):
                fields = {"limit": key["limit"], "secret_sink": "files"}
                for extra in ("guardrail", "expires_at", "disabled", "previous_names"):
                    if key.get(extra) is not None:
                        fields[extra] = key[extra]
                lines.append(f"      {name}: {json.dumps(fields)}")
        return "\n".join(lines) + "\n"

    def settle(self) -> None:
        """After a converged apply, old names are history: drop them so renames can chain."""
        for keys in self.workspaces.values():
            for key in keys.values():
                key.pop("previous_names", None)


def edit(desired: Desired, rng: random.Random, edits: int) -> list[str]:
    """Random edits a person would make to the config; returns what was done."""
    done = []
    for _ in range(edits):
        slug = rng.choice(sorted(desired.workspaces))
        keys = desired.workspaces[slug]
        what = rng.choice(["add", "add", "remove", "limit", "guardrail", "rotate", "rename", "disable"])
        if what == "add" or not keys:
            keys[desired.new_name()] = {"limit": rng.randint(1, 50)}
            done.append("add")
            continue
        name = rng.choice(sorted(keys))
        key = keys[name]
        if what == "remove":
            del keys[name]
        elif what == "limit":
            key["limit"] = rng.randint(1, 50)
        elif what == "guardrail":
            key["guardrail"] = rng.choice(["g0", "g1"])
        elif what == "rotate":
            key["expires_at"] = f"{rng.randint(2031, 2039)}-01-01T00:00:00Z"
        elif what == "rename" and not key.get("previous_names"):
            new = desired.new_name()
            keys[new] = {**key, "previous_names": [name]}
            del keys[name]
        elif what == "disable":
            key["disabled"] = not key.get("disabled", False)
        done.append(what)
    return done


def live_keys(server: Server) -> list[dict[str, Any]]:
    with server.http() as http:
        workspaces = http.get("workspaces", params={"limit": 100}).json()["data"]
        keys: list[dict[str, Any]] = []
        for ws in workspaces:
            offset = 0
            while True:
                params = {"workspace_id": ws["id"], "include_disabled": "true", "offset": offset}
                page = http.get("keys", params=params).json()["data"]
                keys.extend({**k, "workspace_slug": ws["slug"]} for k in page)
                if len(page) < 100:
                    break
                offset += 100
        return keys


def guardrail_of_keys(server: Server) -> dict[str, str]:
    """Key hash -> the name of the guardrail it is assigned to."""
    with server.http() as http:
        names = {}
        for ws in http.get("workspaces", params={"limit": 100}).json()["data"]:
            params = {"workspace_id": ws["id"], "limit": 100}
            names |= {g["id"]: g["name"] for g in http.get("guardrails", params=params).json()["data"]}
        assigned: dict[str, str] = {}
        offset = 0
        while True:
            page = http.get("guardrails/assignments/keys", params={"offset": offset, "limit": 100}).json()["data"]
            assigned |= {a["key_hash"]: names.get(a["guardrail_id"], a["guardrail_id"]) for a in page}
            if len(page) < 100:
                return assigned
            offset += 100


def sink_secrets(cwd: Path) -> dict[str, tuple[str, str]]:
    """Hash of every secret in the file sinks -> (workspace, key) its path names."""
    held = {}
    for path in (cwd / SINK_DIR).rglob("*.key"):
        held[hashlib.sha256(path.read_text().strip().encode()).hexdigest()] = (path.parent.name, path.stem)
    return held


def secret_exposure(server: Server, cwd: Path, desired: Desired, only: set[str] | None = None) -> dict[str, int]:
    """For every secret in a sink (or only those with a hash in ``only``): does it belong to a live
    key, enabled unless the config disables it, under the guardrail the config declares for it?"""
    keys = {k["hash"]: k for k in live_keys(server)}
    guardrails = guardrail_of_keys(server)
    counts = {"secrets_outside_guardrail": 0, "secrets_of_no_live_key": 0, "secrets_of_disabled_key": 0}
    for key_hash, (slug, name) in sink_secrets(cwd).items():
        if only is not None and key_hash not in only:
            continue
        key, declared = keys.get(key_hash), desired.workspaces.get(slug, {}).get(name, {})
        if key is None:
            counts["secrets_of_no_live_key"] += 1
        elif key["disabled"]:
            counts["secrets_of_disabled_key"] += not declared.get("disabled", False)
        elif declared.get("guardrail") and guardrails.get(key_hash) != declared["guardrail"]:
            counts["secrets_outside_guardrail"] += 1
    return counts


def check_account(server: Server, cwd: Path) -> dict[str, int]:
    """Duplicates, provisional keys, lost secrets (held by no sink file) and secrets not at their key's path."""
    keys = [k for k in live_keys(server) if k["workspace_slug"] != "default"]
    names = [(k["workspace_slug"], k["name"]) for k in keys]
    held: dict[str, Path] = {}
    for path in (cwd / SINK_DIR).rglob("*.key"):
        held[hashlib.sha256(path.read_text().strip().encode()).hexdigest()] = path
    lost = misplaced = 0
    for key in keys:
        if "[orctl-pending " in key["name"]:
            continue
        where = held.get(key["hash"])
        if where is None:
            lost += 1
        elif where != cwd / SINK_DIR / key["workspace_slug"] / f"{key['name']}.key":
            misplaced += 1
    return {
        "keys": len(keys),
        "duplicates": len(names) - len(set(names)),
        "pending": sum(1 for k in keys if "[orctl-pending " in k["name"]),
        "lost_secrets": lost,
        "misplaced_secrets": misplaced,
    }
