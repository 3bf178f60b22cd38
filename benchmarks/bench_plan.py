"""Benchmark of `orctl plan`'s read path against a large emulated account with 50 ms latency.

Account: 20 workspaces, 200 guardrails, 5,000 keys (every one assigned to a guardrail), 100
presets, served over loopback HTTP by the emulator with 50 ms added to every request. Prints:
the API calls a plan makes next to the minimum the API allows, the wall time next to its lower
bound, the CPU time of diff + render, and the calls a per-object refresh (the Terraform provider's
way) would need for the same account.

Run: python benchmarks/bench_plan.py [--latency-ms 50] [--parallelism 10]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.live.reader import read_live
from openrouter_iac.model.config import Config
from openrouter_iac.plan.builder import build_plan
from openrouter_iac.render import render_json, render_text

WORKSPACES, GUARDRAILS_PER_WS, KEYS_PER_WS, PRESETS_PER_WS = 20, 10, 250, 5


def seed() -> dict[str, Any]:
    workspaces = []
    for w in range(WORKSPACES):
        keys = [{"name": f"key-{w}-{k}", "limit": 10} for k in range(KEYS_PER_WS)]
        per_guardrail = KEYS_PER_WS // GUARDRAILS_PER_WS
        guardrails = [
            {"name": f"guard-{w}-{g}", "limit_usd": 50, "reset_interval": "monthly",
             "keys": [f"key-{w}-{k}" for k in range(g * per_guardrail, (g + 1) * per_guardrail)]}
            for g in range(GUARDRAILS_PER_WS)
        ]  # fmt: skip
        presets = [
            {"slug": f"preset-{w}-{p}", "versions": [{"body": {
                "model": "openai/gpt-5-mini", "temperature": 0.2,
                "messages": [{"role": "system", "content": f"You are assistant {w}-{p}."}]}}]}
            for p in range(PRESETS_PER_WS)
        ]  # fmt: skip
        workspaces.append({"slug": f"team-{w}", "name": f"Team {w}", "budgets": {"monthly": 1000},
                           "keys": keys, "guardrails": guardrails, "presets": presets})  # fmt: skip
    return {"format": "orctl-emulator-seed/1", "workspaces": workspaces}


def desired_config() -> Config:
    """A config declaring the whole account but changing one cap per workspace (a realistic plan)."""
    workspaces: dict[str, Any] = {}
    for w in range(WORKSPACES):
        per_guardrail = KEYS_PER_WS // GUARDRAILS_PER_WS
        workspaces[f"team-{w}"] = {
            "name": f"Team {w}",
            "budgets": {"monthly": 1000},
            "guardrails": {f"guard-{w}-{g}": {"budget": {"limit_usd": 50, "reset": "monthly"}}
                           for g in range(GUARDRAILS_PER_WS)},
            "keys": {f"key-{w}-{k}": {"limit": 20 if k == 0 else 10, "guardrail": f"guard-{w}-{k // per_guardrail}"}
                     for k in range(KEYS_PER_WS)},
        }  # fmt: skip
    return Config.model_validate({"version": 1, "workspaces": workspaces})


def minimum_calls(total_workspaces: int, presets: int, assignments: int, guardrails_per_ws: list[int]) -> int:
    """One call per list page, plus one read per preset (only a single-object read has its content)."""

    def pages(n: int) -> int:  # lists that report total_count: no empty last page needed
        return max(1, math.ceil(n / 100))

    keys_pages = WORKSPACES * (KEYS_PER_WS // 100 + 1) + 1  # /keys has no total: until a short page
    per_ws = sum(pages(g) + 4 for g in guardrails_per_ws)  # guardrails, budgets, members, byok, observability
    # workspaces, key assignments, member assignments, org settings, models, providers, presets list:
    account_wide = pages(total_workspaces) + pages(assignments) + 1 + 1 + 1 + 1 + pages(presets)
    return keys_pages + per_ws + account_wide + presets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args()

    # The emulator runs in its own process, like a remote API: it does not share our GIL.
    seed_file = Path(tempfile.mkdtemp()) / "seed.json"
    seed_file.write_text(json.dumps(seed()))
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "openrouter_iac.emulator", "--seed", str(seed_file), "--ephemeral",
         "--print-json"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    endpoint = json.loads(server.stdout.readline())
    print(f"seeded {WORKSPACES} workspaces, {WORKSPACES * GUARDRAILS_PER_WS} guardrails, "
          f"{WORKSPACES * KEYS_PER_WS} keys and assignments, {WORKSPACES * PRESETS_PER_WS} presets "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    try:
        # Latency is switched on only after seeding (the seed itself goes through the API).
        httpx.put(
            endpoint["admin_url"] + "/faults",
            json={"rules": [{"latency_ms": args.latency_ms}]},
            headers={"Authorization": f"Bearer {endpoint['management_key']}"},
        ).raise_for_status()
        client = OpenRouterClient(endpoint["base_url"], endpoint["management_key"])
        started = time.perf_counter()
        live = read_live(client, parallelism=args.parallelism)
        wall = time.perf_counter() - started
        calls = client.stats.total
        cpu_started = time.process_time()
        plan = build_plan(desired_config(), live, base_dir=Path("."))
        text = render_text(plan, color=False)
        render_json(plan)
        cpu = time.process_time() - cpu_started
    finally:
        server.terminate()
        server.wait(timeout=10)

    workspaces_total = len(live.state.workspaces)
    assignments = WORKSPACES * KEYS_PER_WS
    guardrails_per_ws = [len(ws.guardrails) for ws in live.state.workspaces.values()]
    minimum = minimum_calls(workspaces_total, WORKSPACES * PRESETS_PER_WS, assignments, guardrails_per_ws)
    # Longest chain of dependent reads: workspaces list, then a workspace's /keys pages one by one.
    chain = 1 + (KEYS_PER_WS // 100 + 1)
    bound = max(args.latency_ms / 1000 * max(chain, calls / args.parallelism), 1e-9)
    objects = WORKSPACES * (1 + GUARDRAILS_PER_WS + KEYS_PER_WS + PRESETS_PER_WS)
    # Terraform provider refresh: one read per object, and each key assignment read pages its
    # guardrail's assignment list (25 assignments per guardrail here: one page each).
    terraform = objects + assignments
    routes: Counter[str] = Counter()
    for route, count in client.stats.by_route.items():
        routes["/".join(route.split("/")[:2]) + ("/…" if route.count("/") > 1 else "")] += count
    print(f"API calls: {calls} (minimum the API allows: {minimum}); by route prefix: {dict(routes)}")
    print(
        f"wall time: {wall:.2f} s (lower bound {bound:.2f} s = {args.latency_ms:.0f} ms x max(chain {chain}, "
        f"{calls} calls / parallelism {args.parallelism}); ratio {wall / bound:.2f}x, target <= 1.5x)"
    )
    print(f"CPU time of diff + render: {cpu:.3f} s (target < 1 s); plan: {text.splitlines()[-1]}")
    print(f"Terraform-provider-style per-object refresh would take {terraform} calls ({terraform / calls:.0f}x more)")


if __name__ == "__main__":
    main()
