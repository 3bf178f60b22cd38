"""`--emulator` mode at scale: a read-only plan no longer rewrites the state file, and a save
(after a write) takes time linear in the account's size.

For each size, `orctl emulator init --seed` makes the state file of a key-per-customer
workspace; `orctl plan --emulator` (read-only) runs once, and the file is checked untouched
(same bytes, same mtime); then one save of that account is timed, as a write would trigger.

Run: python benchmarks/bench_embedded.py [--sizes 5000,20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from scale_support import config, seed

from openrouter_iac.emulator.embedded import EmbeddedEmulator

GUARDRAILS = 50


def orctl(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "openrouter_iac.cli", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,20000")
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cpus")
    previous: tuple[int, float] | None = None
    for keys in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            cwd = Path(tmp)
            (cwd / "seed.json").write_text(json.dumps(seed(keys, GUARDRAILS)), encoding="utf-8")
            (cwd / "orctl.yaml").write_text(yaml.safe_dump(config(keys, GUARDRAILS)), encoding="utf-8")
            state = cwd / "state.json"
            orctl("emulator", "init", "--seed", "seed.json", "--state", str(state), cwd=cwd)
            before, stat = state.read_bytes(), state.stat()
            plan_s = orctl("plan", "--emulator", "--emulator-state", str(state), "--output", "json", cwd=cwd)
            untouched = state.read_bytes() == before and state.stat().st_mtime_ns == stat.st_mtime_ns
            with EmbeddedEmulator(state) as embedded:
                embedded._saved_revision = None  # as after a write: force one save
                started = time.perf_counter()
                embedded.save()
                save_s = time.perf_counter() - started
            size_mb = state.stat().st_size / 1e6
        growth = ""
        if previous is not None:
            ratio = (save_s / previous[1]) / (keys / previous[0])
            growth = f"; save time grew {ratio:.2f}x as fast as the account (1.00 = linear)"
        print(
            f"{keys:>6,} keys: read-only plan {plan_s:.1f} s, state file {'untouched' if untouched else 'REWRITTEN'}; "
            f"one save {save_s:.2f} s for {size_mb:.1f} MB{growth}"
        )
        previous = (keys, save_s)


if __name__ == "__main__":
    main()
