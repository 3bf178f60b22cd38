"""A short run of benchmarks/bench_parallel_apply.py: the script works end to end (the figures
themselves are measured by hand on a quiet machine; see the README)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_parallel_apply.py"


def test_a_short_parallel_apply_benchmark_stores_every_secret() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--keys", "20", "--scenario", "latency", "--latency-ms", "10"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "exit 0, converged: True" in done.stdout, done.stdout + done.stderr
    assert "failures: 0; secrets stored: 20" in done.stdout
    assert "for 41 calls" in done.stdout  # the workspace, then a create and a rename per key
