"""Soak: apply cycles with config edits under API faults, through the CLI against `orctl emulator serve`.

    python benchmarks/soak.py [--cycles 200] [--seed 1] [--throttle 0.05] [--errors 0.02] [--drops 0.01]

Each cycle edits the config at random (new, removed, renamed, rotated, disabled keys; limits and
guardrails), sets the faults for the cycle (429 with Retry-After, 5xx, commit-then-drop, random
latency), and runs `orctl apply` until it exits 0 (at most 4 times). The faults are then switched
off and the account checked: `orctl plan --detailed-exitcode` must be 0, no two keys may share a
name, no provisional key may remain, every live key's secret must be in a sink file, and every
secret in a sink must belong to a live key under its declared guardrail. Prints one JSON line of
counts; exits 1 when any invariant broke.

Deterministic: the edits come from --seed, each request's faults are drawn from its own generator
(seeded by the cycle's seed, the operation, the query and how many such requests came before),
so concurrent requests get the same faults in any order; nothing depends on the wall clock, and
the timeouts are generous (a loaded machine slows the run down, it does not change it).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reliability_harness import Desired, apply_args, check_account, edit, run, secret_exposure, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workspaces", type=int, default=3)
    parser.add_argument("--keys", type=int, default=10, help="keys per workspace at the start")
    parser.add_argument("--edits", type=int, default=8, help="config edits per cycle")
    parser.add_argument("--throttle", type=float, default=0.05)
    parser.add_argument("--errors", type=float, default=0.02)
    parser.add_argument("--drops", type=float, default=0.01)
    parser.add_argument("--max-latency-ms", type=float, default=20.0)
    parser.add_argument("--parallelism", type=int, default=1, help="orctl apply --parallelism (1: reproducible)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="orctl-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "orctl.yaml"
    desired = Desired()
    for index in range(args.workspaces):
        desired.workspaces[f"soak-{index}"] = {desired.new_name(): {"limit": 5} for _ in range(args.keys)}
    totals = {"cycles": 0, "edits": 0, "applies": 0, "not_converged_in_two": 0, "not_converged": 0}
    worst = {"duplicates": 0, "pending": 0, "lost_secrets": 0, "plan_not_empty": 0, "secrets_outside_guardrail": 0}
    misplaced = 0
    began = time.monotonic()
    with serve(work, "--id-seed", str(args.seed)) as server:
        for cycle in range(args.cycles):
            totals["edits"] += len(edit(desired, rng, args.edits)) if cycle else 0
            config.write_text(desired.render())
            latency = rng.uniform(0, args.max_latency_ms)
            rule = {
                "throttle_rate": args.throttle,
                "retry_after_s": 0,
                "error_rate": args.errors,
                "drop_rate": args.drops,
                "latency_ms": latency,
            }
            server.set_faults([rule], seed=args.seed * 100_000 + cycle, per_request=True)
            applies = 0
            for _ in range(4):
                applies += 1
                if run(server, work, *apply_args(config, args.parallelism)).returncode == 0:
                    break
            else:
                totals["not_converged"] += 1
            totals["applies"] += applies
            totals["not_converged_in_two"] += applies > 2
            server.set_faults([])
            planned = run(server, work, "plan", "-c", str(config), "--detailed-exitcode", "--timeout", "60")
            worst["plan_not_empty"] += planned.returncode != 0
            state = check_account(server, work)
            for name in ("duplicates", "pending", "lost_secrets"):
                worst[name] += state[name]
            worst["secrets_outside_guardrail"] += secret_exposure(server, work, desired)["secrets_outside_guardrail"]
            misplaced = state["misplaced_secrets"]
            totals["cycles"] += 1
            desired.settle()
        with server.http() as http:
            stats = http.get(server.admin_url.rstrip("/") + "/stats").json()
    result = {
        **totals,
        **worst,
        "misplaced_secrets_at_end": misplaced,
        "keys_at_end": state["keys"],
        "faults_injected": stats["faults"],
        "requests": stats["requests"],
        "seconds": round(time.monotonic() - began, 1),
    }
    print(json.dumps(result))
    broken = any(worst.values()) or totals["not_converged"]
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
