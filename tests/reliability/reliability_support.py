"""orctl as a user runs it, for the reliability tests: subprocesses against `orctl emulator serve`.

A plain module (not conftest) so test files and the benchmarks/ scripts can import it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ORCTL = [str(Path(sys.executable).parent / "orctl")]


@dataclass
class Server:
    base_url: str
    management_key: str
    admin_url: str
    proc: subprocess.Popen[str]

    def http(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.management_key}"}
        return httpx.Client(base_url=self.base_url + "/", headers=headers, timeout=30)

    def set_faults(self, rules: list[dict[str, Any]], seed: int | None = None) -> None:
        body: dict[str, Any] = {"rules": rules}
        if seed is not None:
            body["seed"] = seed
        headers = {"Authorization": f"Bearer {self.management_key}"}
        httpx.put(self.admin_url.rstrip("/") + "/faults", json=body, headers=headers, timeout=10).raise_for_status()

    def env(self) -> dict[str, str]:
        return {
            **{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI", "ORCTL_TIMEOUT")},
            "OPENROUTER_BASE_URL": self.base_url,
            "OPENROUTER_MANAGEMENT_KEY": self.management_key,
        }


@contextmanager
def serve(cwd: Path, *extra: str) -> Iterator[Server]:
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
        yield Server(info["base_url"], info["management_key"], info["admin_url"], proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def orctl(server: Server, cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ORCTL, *args], cwd=cwd, env=server.env(), capture_output=True, text=True, timeout=timeout)


def start_orctl(server: Server, cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ORCTL, *args], cwd=cwd, env=server.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def write_config(path: Path, workspaces: dict[str, list[str]], *, sink_dir: str = ".orctl/secrets") -> Path:
    """A config of file-sink keys: workspace slug -> key names."""
    lines = [
        "version: 1",
        "secret_sinks:",
        "  files:",
        "    type: file",
        f'    path: "{sink_dir}/{{workspace}}/{{key}}.key"',
        "workspaces:",
    ]
    for slug, keys in workspaces.items():
        lines += [f"  {slug}:", f"    name: {slug}", "    keys:" if keys else "    keys: {}"]
        lines += [f"      {key}: {{limit: 5, secret_sink: files}}" for key in keys]
    path.write_text("\n".join(lines) + "\n")
    return path


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


def account_problems(server: Server, cwd: Path, sink_dir: str = ".orctl/secrets") -> dict[str, int]:
    """Duplicates, provisional keys and live keys whose secret no sink file holds."""
    keys = live_keys(server)
    names = [(k["workspace_slug"], k["name"]) for k in keys]
    duplicates = len(names) - len(set(names))
    pending = sum(1 for k in keys if "[orctl-pending " in k["name"])
    unheld = 0
    for key in keys:
        if "[orctl-pending " in key["name"]:
            continue
        sink = cwd / sink_dir / key["workspace_slug"] / f"{key['name']}.key"
        held = sink.is_file() and hashlib.sha256(sink.read_text().strip().encode()).hexdigest() == key["hash"]
        unheld += not held
    return {"keys": len(keys), "duplicates": duplicates, "pending": pending, "unheld": unheld}


def wait_until_catching(pid: int, signum: int, timeout: float = 30) -> None:
    """Wait until process ``pid`` has a handler for ``signum`` (Linux: SigCgt in /proc)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:") and int(line.split()[1], 16) & (1 << (signum - 1)):
                return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never caught signal {signum}")
