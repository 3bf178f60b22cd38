"""Short runs of benchmarks/soak.py and benchmarks/kill9.py --kill-points (the long ones are run by hand).

Both are deterministic: the soak's edits and faults are seeded (faults drawn per request, ids
seeded), the kills land at exact write counts, and no step waits on the wall clock, so a loaded
machine makes them slower, never different.
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
        [sys.executable, str(BENCHMARKS / script), *args, "--workdir", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=900,  # generous: only a hang should fail on time
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return counts


def test_a_short_soak_under_faults_keeps_every_invariant(tmp_path: Path) -> None:
    args = ["--cycles", "4", "--seed", "3", "--throttle", "0.1", "--errors", "0.05", "--drops", "0.05"]
    counts = _run("soak.py", *args, tmp_path=tmp_path)
    assert counts["cycles"] == 4 and counts["not_converged"] == counts["not_converged_in_two"] == 0
    assert counts["duplicates"] == counts["pending"] == counts["lost_secrets"] == counts["plan_not_empty"] == 0
    assert counts["secrets_outside_guardrail"] == 0
    faults = counts["faults_injected"]
    assert faults["throttled"] and faults["error"] and faults["dropped"]  # the faults really happened


def test_kill_9_at_exact_writes_never_leaves_a_delivered_secret_outside_its_guardrail(tmp_path: Path) -> None:
    # Write 5: a new key's create committed, its answer lost; 7: that key secured and delivered, its
    # rename not yet sent; 11: a rotation's old key disabled, the answer lost (its successor holds the
    # sink); 17: a pruned key deleted before the answer came (see benchmarks/kill_points.py).
    points = "5-committed,7-before,11-committed,17-committed"
    counts = _run("kill9.py", "--kill-points", "--points", points, tmp_path=tmp_path)
    assert counts["kill_points"] == 4 and counts["broken_points"] == []
    assert counts["secrets_delivered_before_kill"] >= 2  # the kills did land after deliveries
    assert counts["exposed_after_kill"] == counts["secrets_outside_guardrail"] == 0
    assert counts["duplicates"] == counts["pending"] == counts["lost_secrets"] == 0
    assert counts["not_converged"] == counts["not_converged_in_two"] == 0
