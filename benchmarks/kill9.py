"""kill -9 of `orctl apply` at random points, then recovery, through the CLI against `orctl emulator serve`.

    python benchmarks/kill9.py [--rounds 50] [--seed 1]
    python benchmarks/kill9.py --kill-points [--points 3-committed,7-before]

With --kill-points the kills are not timed but placed: after every write of a small plan, once
with the write held before it runs and once with it committed and its answer held (see
benchmarks/kill_points.py for the plan and the checks, which include that no delivered secret
belongs to a key outside its declared guardrail).

Each round edits the config (new keys, rotations, removals, renames), starts `orctl apply`
against a server with latency, and sends SIGKILL at a random moment of the apply. It then runs
`orctl apply` until it exits 0 (counting how many it took) and checks the account: no two keys
share a name, no provisional key is left, every live key's secret is in a sink file, and the
plan is empty. Prints one JSON line of counts; exits 1 when any invariant broke.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_points import sweep
from reliability_harness import ORCTL, Desired, Server, apply_args, check_account, edit, run, serve


def _writes(server: Server) -> int:
    with server.http() as http:
        return int(http.get(server.admin_url.rstrip("/") + "/stats").json()["writes"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workspaces", type=int, default=2)
    parser.add_argument("--keys", type=int, default=10, help="keys per workspace at the start")
    parser.add_argument("--edits", type=int, default=12, help="config edits per round")
    parser.add_argument("--latency-ms", type=float, default=15.0)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--parallelism", type=int, default=1, help="orctl apply --parallelism (1: exact points)")
    parser.add_argument("--kill-points", action="store_true", help="kill after every write of a small plan")
    parser.add_argument("--points", default=None, help="with --kill-points: only these, e.g. 3-committed,7-before")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="orctl-kill9-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.kill_points:
        return _kill_points(work, args.points, args.parallelism)
    config = work / "orctl.yaml"
    desired = Desired()
    for index in range(args.workspaces):
        desired.workspaces[f"kill-{index}"] = {desired.new_name(): {"limit": 5} for _ in range(args.keys)}
    counts = {"rounds": 0, "kills": 0, "finished_before_kill": 0, "recovery_applies": 0}
    counts |= {"not_converged_in_two": 0, "duplicates": 0, "pending_after_recovery": 0, "lost_secrets": 0}
    counts |= {"plan_not_empty": 0, "pending_seen_after_kill": 0, "kills_after_a_write": 0}
    began = time.monotonic()
    with serve(work, "--latency-ms", str(args.latency_ms)) as server:
        config.write_text(desired.render())
        timed = time.monotonic()
        run(server, work, *apply_args(config, args.parallelism))
        expected = time.monotonic() - timed  # kills land anywhere in an apply of about this length
        for _ in range(args.rounds):
            edit(desired, rng, args.edits)
            config.write_text(desired.render())
            proc = subprocess.Popen(
                [*ORCTL, *apply_args(config, args.parallelism)],
                cwd=work,
                env=server.env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started = time.monotonic()
            writes = _writes(server)
            try:
                proc.wait(timeout=rng.uniform(0.05, 1.0) * expected)
                counts["finished_before_kill"] += 1
                expected = max(expected, time.monotonic() - started)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                counts["kills"] += 1
                counts["kills_after_a_write"] += _writes(server) > writes
            counts["pending_seen_after_kill"] += check_account(server, work)["pending"]
            applies = 0
            for _ in range(4):
                applies += 1
                if run(server, work, *apply_args(config, args.parallelism)).returncode == 0:
                    break
            counts["recovery_applies"] += applies
            counts["not_converged_in_two"] += applies > 2
            planned = run(server, work, "plan", "-c", str(config), "--detailed-exitcode")
            counts["plan_not_empty"] += planned.returncode != 0
            state = check_account(server, work)
            counts["duplicates"] += state["duplicates"]
            counts["pending_after_recovery"] += state["pending"]
            counts["lost_secrets"] += state["lost_secrets"]
            counts["rounds"] += 1
            desired.settle()
    counts["keys_at_end"] = state["keys"]
    counts["seconds"] = int(time.monotonic() - began)
    print(json.dumps(counts))
    broken = counts["duplicates"] or counts["pending_after_recovery"] or counts["lost_secrets"]
    return 1 if broken or counts["plan_not_empty"] or counts["not_converged_in_two"] else 0


def _kill_points(work: Path, points: str | None, parallelism: int) -> int:
    chosen = None
    if points:
        chosen = [(int(w), phase) for w, _, phase in (p.strip().partition("-") for p in points.split(","))]
    began = time.monotonic()
    counts = sweep(work, chosen, parallelism=parallelism)
    counts["seconds"] = int(time.monotonic() - began)
    print(json.dumps(counts))
    return 1 if counts["broken_points"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
