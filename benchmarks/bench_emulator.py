"""Emulator benchmark: listing throughput over loopback HTTP, and `orctl emulator serve` readiness.

    python benchmarks/bench_emulator.py [--keys 10000] [--workspaces 20] [--runs 3]

Seeds N keys across M workspaces through the in-process Python API (not over HTTP), serves the
emulator on loopback, then lists every key the way orctl's reader does: per workspace, with
include_disabled=true, paging by offset in pages of 100 until a short page. Targets: listing
>= 2,000 keys/s; serve ready (base URL answering) in < 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from openrouter_iac.emulator import Emulator, start_server

LIST_TARGET_KEYS_PER_S = 2000
READY_TARGET_S = 2.0


def seed(emulator: Emulator, keys: int, workspaces: int) -> list[str]:
    ids = []
    for index in range(workspaces - 1):
        status, payload = emulator.call("POST", "/workspaces", {"name": f"Bench {index}", "slug": f"bench-{index}"})
        assert status == 201, payload
        ids.append(payload["data"]["id"])
    ids.append(emulator.state.default_workspace_id)
    for index in range(keys):
        body = {"name": f"key-{index}", "workspace_id": ids[index % len(ids)], "limit": 5}
        status, payload = emulator.call("POST", "/keys", body)
        assert status == 201, payload
        if index % 10 == 0:  # some disabled keys, so include_disabled matters
            status, _ = emulator.call("PATCH", f"/keys/{payload['data']['hash']}", {"disabled": True})
            assert status == 200
    return ids


def list_everything(base_url: str, management_key: str, workspace_ids: list[str]) -> int:
    seen: set[str] = set()
    headers = {"Authorization": f"Bearer {management_key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for workspace_id in workspace_ids:
            offset = 0
            while True:
                params = {"workspace_id": workspace_id, "include_disabled": "true", "offset": offset}
                page = client.get("/keys", params=params)
                page.raise_for_status()
                data = page.json()["data"]
                seen.update(k["hash"] for k in data)
                offset += len(data)
                if len(data) < 100:
                    break
    return len(seen)


def serve_command() -> list[str]:
    orctl = shutil.which("orctl", path=str(Path(sys.executable).parent))
    if orctl:
        return [orctl, "emulator", "serve"]
    return [sys.executable, "-m", "openrouter_iac.emulator"]


def readiness(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            process = subprocess.Popen(
                [*serve_command(), "--ephemeral", "--print-json"],
                cwd=scratch,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env={**os.environ},
            )
            try:
                assert process.stdout is not None
                info = json.loads(process.stdout.readline())
                while True:
                    try:
                        if httpx.get(info["base_url"] + "/models", params={"limit": 1}, timeout=1).status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.005)
                times.append(time.perf_counter() - started)
            finally:
                process.terminate()
                process.wait(timeout=10)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each measurement")
    args = parser.parse_args()

    emulator = Emulator()
    started = time.perf_counter()
    workspace_ids = seed(emulator, args.keys, args.workspaces)
    seeded_in = time.perf_counter() - started
    print(f"seeded {args.keys} keys across {args.workspaces} workspaces in {seeded_in:.2f} s (in-process API)")

    rates = []
    with start_server(emulator) as handle:
        for _ in range(args.runs):
            started = time.perf_counter()
            count = list_everything(handle.base_url, emulator.management_key, workspace_ids)
            elapsed = time.perf_counter() - started
            assert count == args.keys, f"listed {count} of {args.keys} keys"
            rates.append(count / elapsed)
            print(f"  listed {count} keys over loopback HTTP in {elapsed:.2f} s: {count / elapsed:,.0f} keys/s")
    best = max(rates)
    verdict = "ok" if best >= LIST_TARGET_KEYS_PER_S else "BELOW TARGET"
    print(f"list throughput: {statistics.median(rates):,.0f} keys/s median, {best:,.0f} best "
          f"(target >= {LIST_TARGET_KEYS_PER_S:,}): {verdict}")  # fmt: skip

    times = readiness(args.runs)
    for t in times:
        print(f"  serve ready in {t:.2f} s")
    median = statistics.median(times)
    verdict = "ok" if median < READY_TARGET_S else "ABOVE TARGET"
    command = " ".join(Path(part).name for part in serve_command())
    print(f"serve readiness ({command}): {median:.2f} s median (target < {READY_TARGET_S} s): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
