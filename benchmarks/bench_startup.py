"""Start-up of `orctl --help`, `orctl plan --help` and `orctl validate` against the import floor.

The floor is `python -c "import pydantic, yaml, click"`: the libraries `validate` cannot do
without. Each command runs N times in a fresh interpreter with its bytecode cached (as after a
pip install), the commands taking turns so a burst of load elsewhere hits them alike. Printed
per command: the best (least disturbed) and the median wall time, each as a ratio to the floor's
best and median, and the best CPU time (user + system) and its ratio; the verdict compares the
best wall ratio with the bound, 2.5x the floor. `validate` runs on examples/minimal (21 lines,
one key: a typical pre-commit check) and on examples/agency (four files). Also lists the heavy
modules `validate` loaded (the goal: none of httpx, keyring, the client, the live reader, the
emulator, importlib.metadata).

Wall and CPU times move with the machine's load. `--instructions` also counts the instructions
each command runs (once, under valgrind's callgrind, ~1 minute): a ratio that load does not move,
for comparing machines or a change on a busy one.

Run: python benchmarks/bench_startup.py [--runs 21] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUND = 2.5
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEAVY = (
    "httpx",
    "keyring",
    "importlib.metadata",
    "openrouter_iac.emulator",
    "openrouter_iac.client",
    "openrouter_iac.live",
)


Samples = list[tuple[float, float]]
"""(wall, cpu) seconds of each run."""


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


def timed(
    commands: dict[str, list[str]], cwd: Path, runs: int, env: dict[str, str]
) -> dict[str, list[tuple[float, float]]]:
    for argv in commands.values():
        once(argv, cwd, env)  # warm the bytecode cache
    samples: dict[str, Samples] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(once(argv, cwd, env))
    return samples


def loaded_modules(cwd: Path, env: dict[str, str]) -> list[str]:
    probe = (
        "import sys\nfrom openrouter_iac.cli import main\n"
        f"try:\n    main(['validate', '-c', {str(EXAMPLES / 'minimal')!r}])\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in sys.modules if m.startswith({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[-1].split()


def instructions(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Instructions one run executes (callgrind's `Collected`), the interpreter's start-up included."""
    out = cwd / "callgrind.out"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    out.unlink(missing_ok=True)
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise SystemExit(f"valgrind printed no instruction count for {' '.join(argv)}")
    return int(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--instructions", action="store_true", help="also count instructions (needs valgrind)")
    args = parser.parse_args()
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")
    script = Path(sys.executable).with_name("orctl")  # the console script a user runs
    orctl = [str(script)] if script.exists() else [sys.executable, "-m", "openrouter_iac.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        # Bytecode cached as after a pip install, in a scratch directory (not in the source tree).
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(cwd / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        floor_name = "floor: import pydantic, yaml, click"
        commands = {
            floor_name: [sys.executable, "-c", "import pydantic, yaml, click"],
            "orctl --help": [*orctl, "--help"],
            "orctl plan --help": [*orctl, "plan", "--help"],
            "orctl validate (minimal, 1 key)": [*orctl, "validate", "-c", str(EXAMPLES / "minimal")],
            "orctl validate (agency, 4 files)": [*orctl, "validate", "-c", str(EXAMPLES / "agency")],
        }
        load_before = os.getloadavg()
        runs = timed(commands, cwd, args.runs, env)
        load_after = os.getloadavg()
        heavy = loaded_modules(cwd, env)
        counts = {name: instructions(argv, cwd, env) for name, argv in commands.items()} if args.instructions else {}
    floor = runs[floor_name]
    floor_best = min(w for w, _ in floor)
    floor_median = statistics.median(w for w, _ in floor)
    floor_cpu = min(c for _, c in floor)

    def loads(values: tuple[float, float, float]) -> str:
        return " ".join(f"{x:.2f}" for x in values)

    print(
        f"load average {loads(load_before)} before, {loads(load_after)} after; {args.runs} runs each;"
        f" bound {BOUND}x the floor (best wall)"
    )
    for name, samples in runs.items():
        walls, cpus = [w for w, _ in samples], [c for _, c in samples]
        best, median, cpu = min(walls), statistics.median(walls), min(cpus)
        line = f"{name:34} wall best {best * 1000:4.0f} ms"
        if samples is floor:
            line += f", median {median * 1000:4.0f} ms; cpu best {cpu * 1000:4.0f} ms"
        else:
            verdict = "ok" if best / floor_best <= BOUND else "OVER"
            line += (
                f" ({best / floor_best:.2f}x), median {median * 1000:4.0f} ms ({median / floor_median:.2f}x);"
                f" cpu best {cpu * 1000:4.0f} ms ({cpu / floor_cpu:.2f}x): {verdict}"
            )
        print(line)
    if counts:
        print("instructions (callgrind, one run each; load does not move them):")
        for name, count in counts.items():
            ratio = "" if name == floor_name else f" ({count / counts[floor_name]:.2f}x)"
            print(f"{name:34} {count / 1e6:6.0f} M{ratio}")
    print(f"heavy modules imported by validate: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
