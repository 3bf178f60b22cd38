"""A short run of benchmarks/kill9.py (the long soak and kill -9 runs are run by hand)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _run(script: str, *args: str, tmp_path: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args, "--workdir", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts: dict[str, int] = json.loads(done.stdout.splitlines()[-1])
    return counts


def test_short_kill_9_rounds_recover_with_nothing_lost(tmp_path: Path) -> None:
    counts = _run("kill9.py", "--rounds", "3", "--seed", "3", "--latency-ms", "5", tmp_path=tmp_path)
    assert counts["rounds"] == 3
    assert counts["duplicates"] == counts["pending_after_recovery"] == counts["lost_secrets"] == 0
    assert counts["plan_not_empty"] == counts["not_converged_in_two"] == 0
