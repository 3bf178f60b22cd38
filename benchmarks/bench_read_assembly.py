"""The reader's own CPU on the main thread: turning the lists read into specs (live/reader.py
`_Assembler`: the id index, the names, each kind's `from_api`), without the HTTP and JSON parsing
the worker threads do.

The lists of a key-per-customer account (keys, 50 guardrails, an assignment per key) are read once
from `orctl emulator serve`; then the assembly alone runs --runs times on them, and the best run is
printed per 1,000 keys next to its share of the plan's CPU target (0.006 s of the 0.04 s).

Run: python benchmarks/bench_read_assembly.py [--keys 20000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from typing import Any

from scale_support import serve

from openrouter_iac.client import OpenRouterClient
from openrouter_iac.gc_pause import paused_gc
from openrouter_iac.live import reader

TARGET_PER_1000 = 0.006
GUARDRAILS = 50


def captured_lists(base_url: str, key: str) -> tuple[tuple[Any, ...], list[Any]]:
    """The assignments and the per-workspace lists one `read_live` assembled."""
    found: dict[str, Any] = {"workspaces": []}
    init, assemble = reader._Assembler.__init__, reader._Assembler.workspace

    def capture_init(self: Any, *args: Any) -> None:
        found["args"] = args
        init(self, *args)

    def capture_workspace(self: Any, data: Any) -> Any:
        found["workspaces"].append(data)
        return assemble(self, data)

    reader._Assembler.__init__ = capture_init  # type: ignore[method-assign]
    reader._Assembler.workspace = capture_workspace  # type: ignore[method-assign]
    try:
        with OpenRouterClient(base_url, key) as client:
            reader.read_live(client, parallelism=10)
    finally:
        reader._Assembler.__init__ = init  # type: ignore[method-assign]
        reader._Assembler.workspace = assemble  # type: ignore[method-assign]
    return found["args"], found["workspaces"]


@paused_gc()  # as in read_live
def assemble(args: tuple[Any, ...], workspaces: list[Any]) -> None:
    assembler = reader._Assembler(*args)
    for data in workspaces:
        assembler.workspace(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the hottest functions of one run")
    args = parser.parse_args()
    with serve(args.keys, GUARDRAILS) as served:
        assignments, workspaces = captured_lists(served.base_url, served.management_key)
    keys = sum(len(data.items("api_key")) for data in workspaces)
    best = float("inf")
    for _ in range(args.runs):
        started = time.thread_time()
        assemble(assignments, workspaces)
        best = min(best, time.thread_time() - started)
    per_1000 = best / (keys / 1000)
    verdict = "ok" if per_1000 <= TARGET_PER_1000 else "OVER"
    print(
        f"{keys:,} keys: assembly {best:.3f} s, {per_1000:.4f} s per 1,000 keys "
        f"(target <= {TARGET_PER_1000}: {verdict})"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(assemble, assignments, workspaces)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
