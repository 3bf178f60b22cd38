"""A plan of a key-per-customer account: calls, latency and client CPU against their bounds.

Account: one workspace with 20,000 keys (one per customer), 50 guardrails and 20,000 guardrail
assignments, served by `orctl emulator serve` in its own process. The config declares all of
it and raises 10 key limits. The plan (read, map, diff, render text and JSON) runs twice, with
0 ms and with 50 ms added to every request. Prints:

- API calls next to the minimum the API allows and to a per-object refresh (one read per object
  and per assignment, the Terraform provider's way), and the calls past the end of `/keys`;
- the latency the plan adds over its 0 ms run, next to the bound 50 ms x max(3, calls /
  parallelism) and the target 1.5x that bound;
- client CPU per 1,000 objects (target <= 0.04 s) and peak memory.

Each run is repeated (--runs) and the best is kept: the machine may be shared, and the least
disturbed run is the closest to the code's own cost.

Run: python benchmarks/bench_scale.py [--keys 20000] [--guardrails 50] [--latency-ms 50] [--parallelism 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scale_support import Served, config, serve

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.live.reader import read_live
from openrouter_iac.model.config import Config
from openrouter_iac.plan.builder import build_plan
from openrouter_iac.render import render_json, render_text

CPU_TARGET_PER_1000 = 0.04
LATENCY_FACTOR = 1.5


def plan_once(served: Served, desired: Config, parallelism: int) -> dict[str, Any]:
    client = OpenRouterClient(served.base_url, served.management_key)
    cpu, wall = time.process_time(), time.perf_counter()
    live = read_live(client, parallelism=parallelism)
    read_wall = time.perf_counter() - wall
    plan = build_plan(desired, live, base_dir=Path("."))
    text = render_text(plan, color=False)
    render_json(plan)
    result = {
        "wall": time.perf_counter() - wall,
        "read_wall": read_wall,
        "cpu": time.process_time() - cpu,
        "calls": client.stats.total,
        "routes": client.stats.by_route,
        "summary": text.splitlines()[-1],
        "objects": sum(
            1 + len(ws.keys) + len(ws.guardrails) + len(ws.presets) for ws in live.state.workspaces.values()
        ),
    }
    client.close()
    return result


def minimum_calls(keys: int, guardrails: int, workspaces: int) -> int:
    """One call per page: /keys (no total) needs a short page; lists with a total stop on it."""
    keys_pages = keys // 100 + 1
    per_workspace = max(1, math.ceil(guardrails / 100)) + 4  # guardrails, budgets, members, byok, observability
    other_keys = workspaces - 1  # every other workspace's /keys: one short page
    # workspaces, key assignments, member assignments, org settings, models, providers, presets:
    account_wide = 1 + max(1, math.ceil(keys / 100)) + 1 + 1 + 1 + 1 + 1
    return keys_pages + other_keys + per_workspace * workspaces + account_wide


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--guardrails", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--parallelism", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    desired = Config.model_validate(config(args.keys, args.guardrails))
    with serve(args.keys, args.guardrails) as served:
        print(f"seeded and served {args.keys:,} keys, {args.guardrails} guardrails, {args.keys:,} assignments "
              f"in one workspace in {served.seeded_s:.1f} s")  # fmt: skip
        plan_once(served, desired, args.parallelism)  # warm-up (imports, connections, caches)
        fast_runs = [plan_once(served, desired, args.parallelism) for _ in range(args.runs)]
        served.set_latency(args.latency_ms)
        slow_runs = [plan_once(served, desired, args.parallelism) for _ in range(args.runs)]
    fast = min(fast_runs, key=lambda r: r["wall"])
    fast["cpu"] = min(r["cpu"] for r in fast_runs)
    slow = min(slow_runs, key=lambda r: r["wall"])
    calls, parallelism = slow["calls"], args.parallelism
    workspaces = 2  # the seeded one and the default workspace
    minimum = minimum_calls(args.keys, args.guardrails, workspaces)
    keys_calls = sum(n for route, n in slow["routes"].items() if route == "GET /keys")
    keys_past_end = keys_calls - (args.keys // 100 + 1) - (workspaces - 1)
    per_object = slow["objects"] + args.keys  # one read per object, one per key's assignment
    routes: Counter[str] = Counter()
    for route, count in slow["routes"].items():
        routes[route.split(" ", 1)[1].split("/")[1]] += count
    added = slow["wall"] - fast["wall"]
    bound = args.latency_ms / 1000 * max(3, calls / parallelism)
    cpu_per_1000 = fast["cpu"] / (fast["objects"] / 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())

    print(f"load average {load} on {os.cpu_count()} cpus; parallelism {parallelism}; plan: {slow['summary']}")
    print(f"API calls: {calls} (API minimum {minimum}; {calls - minimum} over it, {keys_past_end} of them past "
          f"the end of /keys)")  # fmt: skip
    print(f"  a per-object refresh would need {per_object:,} calls ({per_object / calls:.0f}x more)")
    print(f"  by first path segment: {dict(routes)}")
    verdict = "ok" if added <= LATENCY_FACTOR * bound else "OVER"
    print(f"latency added at {args.latency_ms:.0f} ms: {added:.2f} s (best wall {slow['wall']:.2f} s at "
          f"{args.latency_ms:.0f} ms - {fast['wall']:.2f} s at 0 ms)")  # fmt: skip
    print(f"  bound {bound:.2f} s = {args.latency_ms:.0f} ms x max(3, {calls} calls / parallelism {parallelism}); "
          f"ratio {added / bound:.2f}x, target <= {LATENCY_FACTOR}x: {verdict}")  # fmt: skip
    verdict = "ok" if cpu_per_1000 <= CPU_TARGET_PER_1000 else "OVER"
    print(f"client CPU (HTTP, parse, map, diff, render; best 0 ms run): {fast['cpu']:.2f} s for "
          f"{fast['objects']:,} objects (keys, guardrails, workspaces) = {cpu_per_1000:.3f} s per 1,000 "
          f"(target <= {CPU_TARGET_PER_1000}): {verdict}; peak RSS {peak_mb:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
