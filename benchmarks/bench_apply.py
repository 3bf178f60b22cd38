"""Benchmark: `orctl apply` of 1,000 new keys against the emulator limited to 20 requests/second.

Runs `orctl emulator serve --rps 20` on loopback and `orctl apply` as subprocesses, as a user
would, then reads the emulator's request counts. The lower bound is what the rate limit allows:
(requests the server accepted) / 20 seconds. Target: total time within 1.2x of it, no failures.

    .venv/bin/python benchmarks/bench_apply.py [--keys 1000] [--rps 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ORCTL = str(Path(sys.executable).parent / "orctl")


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
    lines += [f"      key-{i:04d}: {{limit: 1, secret_sink: files}}" for i in range(keys)]
    path = directory / "orctl.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--rps", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = write_config(work, args.keys)
        server = subprocess.Popen(
            [ORCTL, "emulator", "serve", "--print-json", "--ephemeral", "--rps", str(args.rps)],
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
            started = time.monotonic()
            result = subprocess.run(
                [
                    *(ORCTL, "apply", "-c", str(config), "--auto-approve", "--report", str(work / "report.json")),
                    "--allow-policy-violations",  # bare benchmark keys: no behavior, expiry or caps
                ],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
            )
            elapsed = time.monotonic() - started
            headers = {"Authorization": f"Bearer {info['management_key']}"}
            stats = httpx.get(info["admin_url"] + "/stats", headers=headers).json()
        finally:
            server.terminate()
            server.wait(timeout=10)
        report = json.loads((work / "report.json").read_text()) if (work / "report.json").exists() else {}
        stored = len(list((work / "secrets").rglob("*.key"))) if (work / "secrets").exists() else 0
    requests = int(stats.get("requests", 0))
    refused = int(stats.get("statuses", {}).get("429", 0))
    accepted = requests - refused
    bound = accepted / args.rps
    failures = sum(1 for o in report.get("outcomes", []) if o["status"] != "done")
    print(f"keys: {args.keys}, rate limit: {args.rps:g} rps")
    print(f"total time: {elapsed:.1f} s (exit code {result.returncode}, converged: {report.get('converged')})")
    print(f"requests: {requests} ({accepted} accepted, {refused} answered 429 and retried)")
    print(f"lower bound: {bound:.1f} s (accepted requests / {args.rps:g})")
    print(f"ratio: {elapsed / bound:.2f}x" if bound else "ratio: n/a")
    print(f"failures: {failures}; secrets stored: {stored}")
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], sep="\n")
    return 0 if result.returncode == 0 and failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
