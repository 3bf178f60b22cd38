"""The short soak and kill -9 points again, with `orctl apply --parallelism 10` (the default).

test_soak_short.py runs them with `--parallelism 1`, where every run is the same run. With ten
requests in flight the order of the writes (and so which request a seeded fault hits, which
writes a kill cuts) changes from run to run; what must not change is every invariant.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _run(script: str, *args: str, tmp_path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args, "--parallelism", "10", "--workdir", str(tmp_path / "w")],
        capture_output=True,
        text=True,
        timeout=900,  # generous: only a hang should fail on time
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return counts


def test_a_short_soak_with_parallel_applies_keeps_every_invariant(tmp_path: Path) -> None:
    args = ["--cycles", "4", "--seed", "3", "--throttle", "0.1", "--errors", "0.05", "--drops", "0.05"]
    counts = _run("soak.py", *args, tmp_path=tmp_path)
    assert counts["cycles"] == 4 and counts["not_converged"] == 0
    assert counts["duplicates"] == counts["pending"] == counts["lost_secrets"] == counts["plan_not_empty"] == 0
    assert counts["secrets_outside_guardrail"] == 0
    assert counts["faults_injected"]["throttled"]  # 429s hit a run with requests in flight


def test_kill_9_of_a_parallel_apply_never_loses_or_exposes_a_secret(tmp_path: Path) -> None:
    counts = _run("kill9.py", "--kill-points", "--points", "5-committed,7-before,11-committed", tmp_path=tmp_path)
    assert counts["kill_points"] == 3 and counts["broken_points"] == []
    assert counts["exposed_after_kill"] == counts["secrets_outside_guardrail"] == 0
    assert counts["duplicates"] == counts["pending"] == counts["lost_secrets"] == 0
    assert counts["not_converged"] == 0
