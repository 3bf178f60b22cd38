"""Client CPU of a plan's reads in the HTTP + JSON layer alone, per 1,000 objects (target <= 0.012 s).

The account is bench_cpu's key-per-customer workspace (N keys, 50 guardrails, an assignment per
key) served by `orctl emulator serve` in its own process. `read_live(client, parallelism=10)`
runs as in a plan; the CPU spent inside `OpenRouterClient.get` (sending, receiving, decoding the
JSON, retries and the request gate) is summed over every worker thread with `time.thread_time`,
so it excludes the reader's assembly and mapping (which run on the same threads). Also printed:
the whole read phase's CPU (all threads) and the calls made. Best of --runs.

Run: python benchmarks/bench_read_http.py [--keys 20000] [--runs 3] [--parallelism 10]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from typing import Any

from scale_support import serve

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.live.reader import read_live

TARGET_PER_1000 = 0.012
GUARDRAILS = 50


class GetTimer:
    """Wraps ``OpenRouterClient.get`` to add up the CPU each calling thread spends inside it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._original = OpenRouterClient.get

    def __enter__(self) -> GetTimer:
        original, timer = self._original, self

        def timed(client: OpenRouterClient, *args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return original(client, *args, **kwargs)
            finally:
                spent = time.thread_time() - started
                with timer._lock:
                    timer.seconds += spent

        OpenRouterClient.get = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        OpenRouterClient.get = self._original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cpus; best of {args.runs} reads")
    best: dict[str, float] | None = None
    with serve(args.keys, GUARDRAILS) as served:
        for _ in range(args.runs):
            with OpenRouterClient(served.base_url, served.management_key) as client, GetTimer() as timer:
                started = time.process_time()
                live = read_live(client, parallelism=args.parallelism)
                read_cpu = time.process_time() - started
            objects = sum(
                1 + len(ws.keys) + len(ws.guardrails) + len(ws.presets) for ws in live.state.workspaces.values()
            )
            run = {"http": timer.seconds, "read": read_cpu, "objects": objects, "calls": client.stats.total}
            if best is None or run["http"] < best["http"]:
                best = run
    assert best is not None
    per_1000 = best["http"] / (best["objects"] / 1000)
    verdict = "ok" if per_1000 <= TARGET_PER_1000 else "OVER"
    print(
        f"{args.keys:,} keys, {best['objects']:,.0f} objects, {best['calls']:.0f} calls: "
        f"HTTP + JSON {best['http']:.3f} s CPU = {per_1000:.4f} s per 1,000 objects "
        f"(target <= {TARGET_PER_1000}: {verdict}); whole read phase {best['read']:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
