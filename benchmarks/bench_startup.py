"""Start-up of `orctl --help` and `orctl validate` against the import floor.

The floor is `python -c "import pydantic, yaml, click"`: the libraries `validate` cannot do
without. Each command runs N times in a fresh interpreter with its bytecode cached (as after a
pip install); the best (least disturbed) and median wall times and the best CPU time are
printed next to the bound, 2.5x the floor. Also lists the heavy modules `validate` loaded
(the goal: none of httpx, keyring, the client, the live reader, the emulator).

Run: python benchmarks/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUND = 2.5
CONFIG = """version: 1
workspaces:
  sandbox:
    name: Sandbox
    keys:
      ci:
        limit: 5
"""
HEAVY = ("httpx", "keyring", "openrouter_iac.emulator", "openrouter_iac.client", "openrouter_iac.live")


def once(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def timed(argv: list[str], cwd: Path, runs: int, env: dict[str, str]) -> list[tuple[float, float]]:
    once(argv, cwd, env)  # warm the bytecode cache
    return [once(argv, cwd, env) for _ in range(runs)]


def loaded_modules(cwd: Path, env: dict[str, str]) -> list[str]:
    probe = (
        "import sys\nfrom openrouter_iac.cli import main\n"
        "try:\n    main(['validate'])\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in sys.modules if m.startswith({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[-1].split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("orctl")  # the console script a user runs
    orctl = [str(script)] if script.exists() else [sys.executable, "-m", "openrouter_iac.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "orctl.yaml").write_text(CONFIG, encoding="utf-8")
        # Bytecode cached as after a pip install, in a scratch directory (not in the source tree).
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(cwd / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        runs = {
            "floor: import pydantic, yaml, click": timed(
                [sys.executable, "-c", "import pydantic, yaml, click"], cwd, args.runs, env
            ),
            "orctl --help": timed([*orctl, "--help"], cwd, args.runs, env),
            "orctl validate": timed([*orctl, "validate"], cwd, args.runs, env),
        }
        heavy = loaded_modules(cwd, env)
    floor_runs = next(iter(runs.values()))
    floor_wall, floor_cpu = min(w for w, _ in floor_runs), min(c for _, c in floor_runs)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}; {args.runs} runs each; bound {BOUND}x the floor")
    for name, samples in runs.items():
        walls, cpus = [w for w, _ in samples], [c for _, c in samples]
        line = (
            f"{name:36} wall best {min(walls) * 1000:4.0f} ms, median {statistics.median(walls) * 1000:4.0f} ms;"
            f" cpu best {min(cpus) * 1000:4.0f} ms"
        )
        if samples is not floor_runs:
            wall_ratio, cpu_ratio = min(walls) / floor_wall, min(cpus) / floor_cpu
            verdict = "ok" if wall_ratio <= BOUND else "OVER"
            line += f"  -> {wall_ratio:.2f}x floor (wall), {cpu_ratio:.2f}x (cpu): {verdict}"
        print(line)
    print(f"heavy modules imported by validate: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
