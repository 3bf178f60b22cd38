"""Shared by the scale benchmarks: a key-per-customer account served by `orctl emulator serve`.

One workspace holds N keys (one per end customer), G guardrails and an assignment for every
key, as a platform minting keys through the management API would have. The emulator runs in
its own process, like a remote API: its CPU is not the client's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

WORKSPACE = "customers"


def seed(keys: int, guardrails: int) -> dict[str, Any]:
    per_guardrail = -(-keys // guardrails)
    workspace = {
        "slug": WORKSPACE,
        "name": "Customers",
        "budgets": {"monthly": 10_000},
        "keys": [{"name": f"customer-{k:05}", "limit": 10} for k in range(keys)],
        "guardrails": [
            {"name": f"tier-{g:02}", "limit_usd": 100, "reset_interval": "monthly",
             "keys": [f"customer-{k:05}" for k in range(g * per_guardrail, min(keys, (g + 1) * per_guardrail))]}
            for g in range(guardrails)
        ],
    }  # fmt: skip
    return {"format": "orctl-emulator-seed/1", "workspaces": [workspace]}


def config(keys: int, guardrails: int, changed: int = 10) -> dict[str, Any]:
    """The whole account declared, with ``changed`` key limits raised (a realistic small plan)."""
    per_guardrail = -(-keys // guardrails)
    return {
        "version": 1,
        "workspaces": {
            WORKSPACE: {
                "name": "Customers",
                "budgets": {"monthly": 10_000},
                "guardrails": {f"tier-{g:02}": {"budget": {"limit_usd": 100, "reset": "monthly"}}
                               for g in range(guardrails)},
                "keys": {f"customer-{k:05}": {"limit": 20 if k < changed else 10,
                                               "guardrail": f"tier-{k // per_guardrail:02}"}
                         for k in range(keys)},
            }
        },
    }  # fmt: skip


@dataclass
class Served:
    base_url: str
    management_key: str
    admin_url: str
    seeded_s: float

    def set_latency(self, latency_ms: float) -> None:
        rules = [{"latency_ms": latency_ms}] if latency_ms else []
        httpx.put(
            self.admin_url + "/faults",
            json={"rules": rules},
            headers={"Authorization": f"Bearer {self.management_key}"},
        ).raise_for_status()


@contextmanager
def serve(keys: int, guardrails: int) -> Iterator[Served]:
    """`orctl emulator serve` seeded with the account, in memory only, stopped on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        seed_file = Path(tmp) / "seed.json"
        seed_file.write_text(json.dumps(seed(keys, guardrails)), encoding="utf-8")
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "openrouter_iac.cli", "emulator", "serve", "--seed", str(seed_file),
             "--ephemeral", "--print-json"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            endpoint = json.loads(server.stdout.readline())
            yield Served(
                endpoint["base_url"], endpoint["management_key"], endpoint["admin_url"], time.perf_counter() - started
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
