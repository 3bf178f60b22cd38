"""Benchmark: `orctl apply` of new keys in parallel, against what latency and the rate limit allow.

Runs `orctl emulator serve` on loopback and `orctl apply` as subprocesses, as a user would, and
reads the emulator's request counts and the apply report. Two scenarios:

- latency: every request takes --latency-ms (50 ms), no rate limit. The bound of the changes is
  latency x max(longest chain of dependent calls, calls / parallelism); the chain is the
  workspace create, then a key's create and rename (3 calls). Target: changes <= 1.5x that bound.
- rate: --rps requests per second (20), no added latency. The bound is what the limit lets
  through: (requests the server accepted) / rps, for the whole command. Target: <= 1.2x.

    .venv/bin/python benchmarks/bench_parallel_apply.py --keys 300                  # both scenarios
    .venv/bin/python benchmarks/bench_parallel_apply.py --keys 3000 --scenario latency
    .venv/bin/python benchmarks/bench_parallel_apply.py --keys 300 --parallelism 1  # serial, to compare
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ORCTL = str(Path(sys.executable).parent / "orctl")
LEASE_OPERATIONS = ("POST /guardrails", "PATCH /guardrails/{id}", "DELETE /guardrails/{id}")
"""The apply lease is a guardrail marker: its calls are not the plan's changes."""
CHAIN = 3
"""The longest chain of dependent calls among the changes: POST /workspaces, then a key's
POST /keys and its PATCH /keys/{hash} (the final name, once the secret is stored)."""


def write_config(directory: Path, keys: int) -> Path:
    lines = [
        "version: 1",
        "secret_sinks:",
        "  files: {type: file, path: 'secrets/{workspace}/{key}.key'}",
        "workspaces:",
        "  bench:",
        "    name: Benchmark",
        "    keys:",
    ]
    lines += [f"      key-{i:05d}: {{limit: 1, secret_sink: files}}" for i in range(keys)]
    path = directory / "orctl.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_once(keys: int, parallelism: int, serve_options: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = write_config(work, keys)
        server = subprocess.Popen(
            [ORCTL, "emulator", "serve", "--print-json", "--ephemeral", *serve_options],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=work,
            text=True,
        )
        try:
            assert server.stdout is not None
            info: dict[str, Any] = json.loads(server.stdout.readline())
            env = {
                **os.environ,
                "OPENROUTER_BASE_URL": info["base_url"],
                "OPENROUTER_MANAGEMENT_KEY": info["management_key"],
            }
            env.pop("GITHUB_ACTIONS", None)
            report_path = work / "report.json"
            command = [ORCTL, "apply", "-c", str(config), "--auto-approve", "--report", str(report_path)]
            command += ["--allow-policy-violations"]  # bare benchmark keys: no behavior, expiry or caps
            command += ["--parallelism", str(parallelism)]
            started = time.monotonic()
            result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
            elapsed = time.monotonic() - started
            headers = {"Authorization": f"Bearer {info['management_key']}"}
            stats = httpx.get(info["admin_url"] + "/stats", headers=headers).json()
        finally:
            server.terminate()
            server.wait(timeout=10)
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
        stored = len(list((work / "secrets").rglob("*.key"))) if (work / "secrets").exists() else 0
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
    writes = {op: n for op, n in stats.get("write_operations", {}).items() if op not in LEASE_OPERATIONS}
    requests = int(stats.get("requests", 0))
    refused = int(stats.get("statuses", {}).get("429", 0))
    return {
        "elapsed": elapsed,
        "changes_seconds": report.get("changes_seconds"),
        "exit": result.returncode,
        "converged": report.get("converged"),
        "failures": sum(1 for o in report.get("outcomes", []) if o["status"] != "done"),
        "change_calls": sum(writes.values()),
        "requests": requests,
        "refused": refused,
        "stored": stored,
    }


def _changes_seconds(run: dict[str, Any]) -> float:
    value = run["changes_seconds"]
    return float(value) if value is not None else float("nan")


def latency_scenario(keys: int, parallelism: int, latency_ms: float) -> bool:
    run = run_once(keys, parallelism, ["--latency-ms", str(latency_ms)])
    calls = run["change_calls"]
    bound = latency_ms / 1000 * max(CHAIN, calls / parallelism)
    took = _changes_seconds(run)
    ratio = took / bound if bound else float("nan")
    print(f"latency {latency_ms:g} ms, no rate limit, {keys} new keys, --parallelism {parallelism}")
    print(f"  command: {run['elapsed']:.1f} s (exit {run['exit']}, converged: {run['converged']})")
    print(f"  changes: {took:.2f} s for {calls} calls")
    print(
        f"  bound:   {bound:.2f} s = {latency_ms:g} ms x max(chain {CHAIN}, {calls} calls / {parallelism})"
        f"; ratio {ratio:.2f}x (target <= 1.5x)"
    )
    print(f"  failures: {run['failures']}; secrets stored: {run['stored']}")
    return run["exit"] == 0 and run["failures"] == 0 and ratio <= 1.5


def rate_scenario(keys: int, parallelism: int, rps: float) -> bool:
    run = run_once(keys, parallelism, ["--rps", str(rps)])
    accepted = run["requests"] - run["refused"]
    bound = accepted / rps
    ratio = run["elapsed"] / bound if bound else float("nan")
    print(f"rate limit {rps:g} rps, no added latency, {keys} new keys, --parallelism {parallelism}")
    print(f"  command: {run['elapsed']:.1f} s (exit {run['exit']}, converged: {run['converged']})")
    print(f"  requests: {run['requests']} ({accepted} accepted, {run['refused']} answered 429 and waited out)")
    print(f"  bound:   {bound:.1f} s = {accepted} accepted / {rps:g} rps; ratio {ratio:.2f}x (target <= 1.2x)")
    print(f"  failures: {run['failures']}; secrets stored: {run['stored']}")
    return run["exit"] == 0 and run["failures"] == 0 and ratio <= 1.2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--parallelism", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rps", type=float, default=20.0)
    parser.add_argument("--scenario", choices=["latency", "rate", "both"], default="both")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{datetime.now():%Y-%m-%d %H:%M}; load average {load:.1f} on {os.cpu_count()} cpus")
    ok = True
    if args.scenario in ("latency", "both"):
        ok &= latency_scenario(args.keys, args.parallelism, args.latency_ms)
    if args.scenario in ("rate", "both"):
        ok &= rate_scenario(args.keys, args.parallelism, args.rps)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
