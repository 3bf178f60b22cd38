"""Client CPU and memory of a plan as the account grows: 1,000, 5,000, 20,000 and 50,000 keys.

Each size is a key-per-customer workspace (keys, 50 guardrails, an assignment per key) served by
`orctl emulator serve` in its own process; the config declares it all and raises 10 limits. The
plan (HTTP, parse, map, diff, render text and JSON) runs in a fresh child process per size, best
of --runs, so its CPU (all threads) and peak RSS are its own. Prints CPU per 1,000 objects next to
the 0.04 s target, and how it grows (linear growth keeps the per-1,000 figure flat).

Run: python benchmarks/bench_cpu.py [--sizes 1000,5000,20000,50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from scale_support import config, serve

TARGET_PER_1000 = 0.04
GUARDRAILS = 50


def child(keys: int, base_url: str, key: str, runs: int) -> None:
    """Runs in the child: the plan ``runs`` times; prints best CPU, objects and peak memory."""
    from openrouter_iac.client import OpenRouterClient
    from openrouter_iac.live.reader import read_live
    from openrouter_iac.model.config import Config
    from openrouter_iac.plan.builder import build_plan
    from openrouter_iac.render import render_json, render_text

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    desired = Config.model_validate(config(keys, GUARDRAILS))
    best, objects = float("inf"), 0
    for _ in range(runs):
        with OpenRouterClient(base_url, key) as client:
            started = time.process_time()
            live = read_live(client, parallelism=10)
            plan = build_plan(desired, live, base_dir=Path("."))
            render_text(plan, color=False)
            render_json(plan)
            best = min(best, time.process_time() - started)
        objects = sum(1 + len(ws.keys) + len(ws.guardrails) + len(ws.presets) for ws in live.state.workspaces.values())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cpu": best, "objects": objects, "peak_mb": peak_kb / 1024, "base_mb": baseline_kb / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KEYS", "BASE_URL", "KEY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1], args.child[2], args.runs)
        return
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cpus; best of {args.runs} plans per size")
    print(f"{'keys':>7} {'objects':>8} {'cpu s':>7} {'s/1,000':>8}  {'peak RSS':>9} {'over imports':>12}")
    first: float | None = None
    for keys in (int(n) for n in args.sizes.split(",")):
        with serve(keys, GUARDRAILS) as served:
            out = subprocess.run(
                [sys.executable, __file__, "--runs", str(args.runs), "--child", str(keys), served.base_url,
                 served.management_key],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
        result = json.loads(out.stdout.splitlines()[-1])
        per_1000 = result["cpu"] / (result["objects"] / 1000)
        first = first or per_1000
        verdict = "ok" if per_1000 <= TARGET_PER_1000 else "OVER"
        print(
            f"{keys:>7,} {result['objects']:>8,} {result['cpu']:>7.2f} {per_1000:>8.3f}  "
            f"{result['peak_mb']:>6.0f} MB {result['peak_mb'] - result['base_mb']:>9.0f} MB"
            f"  (target <= {TARGET_PER_1000}: {verdict}; {per_1000 / first:.2f}x the smallest size's rate)"
        )


if __name__ == "__main__":
    main()
