"""The whole `orctl plan` command as a user runs it: CPU per 1,000 objects, by phase, and memory.

Each size is a key-per-customer workspace (keys, 50 guardrails, an assignment per key) served by
`orctl emulator serve` in its own process. Two configs, written as YAML into a directory:

- `unmanaged`: the workspace and its guardrails are declared, the keys are not (a platform that
  mints keys through the API); the plan lists the keys as unmanaged, in counted groups;
- `declared`: every key is declared too, 10 of them with a raised limit (a small plan).

`python -m openrouter_iac.cli plan -c DIR --base-url URL --no-color` runs in a fresh child process,
best of --runs; its CPU (user + system, every thread, from the kernel's account of the child) and
peak RSS are its own, interpreter start and imports included. Then one more child runs the same
command with a timer around each phase: start (interpreter start and imports), load config,
read, plan, policy, render (and print); "rest" is what they leave out of that child's CPU
(click, the API session, the interpreter's exit).

Run: python benchmarks/bench_cli_plan.py [--sizes 1000,5000,20000,50000] [--runs 3] [--configs unmanaged,declared]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from scale_support import config, serve

TARGET_PER_1000 = 0.04
GUARDRAILS = 50
WORKSPACES = 2  # the seeded one and the default workspace
PHASES = ("start", "load", "read", "plan", "policy", "render")


def unmanaged_config(keys: int, guardrails: int) -> dict[str, Any]:
    """The workspace and its guardrails; no key declared."""
    whole = config(keys, guardrails)
    for workspace in whole["workspaces"].values():
        del workspace["keys"]
    return whole


CONFIGS: dict[str, Callable[[int, int], dict[str, Any]]] = {"unmanaged": unmanaged_config, "declared": config}


def write_config(directory: Path, data: dict[str, Any]) -> None:
    """One file for the account, as `orctl export` would lay out a one-workspace config."""
    text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    (directory / "orctl.yaml").write_text(text, encoding="utf-8")


def cli_command(directory: Path, base_url: str) -> list[str]:
    return [sys.executable, "-m", "openrouter_iac.cli", "plan", "-c", str(directory), "--base-url", base_url,
            "--no-color"]  # fmt: skip


def run_child(command: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    """Runs ``command``; its CPU (user + sys) and peak RSS from wait4, its stdout into ``out``."""
    with out.open("wb") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env)
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "peak_mb": usage.ru_maxrss / 1024,
        "stderr": stderr.decode(),
    }


def phases_child(argv: list[str]) -> None:
    """In the child: the CLI with a CPU timer around each phase of `orctl plan`; phases on stderr.

    start: interpreter start and the imports of `orctl plan`; plan: what make_plan does besides
    reading and the policy (build_plan, the sink audit, the --target warnings); render: the plan
    rendered and printed."""
    import click

    from openrouter_iac.cli import main, plan_cmd

    spent = dict.fromkeys(PHASES, 0.0)
    spent["start"] = time.process_time()
    spent["make_plan"] = 0.0

    def timed(phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[phase] += time.process_time() - started

        return wrapper

    phases = {"load_config": "load", "read_live": "read", "make_plan": "make_plan", "with_policy": "policy"}
    for name, phase in {**phases, "render": "render"}.items():
        setattr(plan_cmd, name, timed(phase, getattr(plan_cmd, name)))
    click.echo = timed("render", click.echo)
    try:
        main(argv, prog_name="orctl")
    finally:
        spent["plan"] = spent.pop("make_plan") - spent["read"] - spent["policy"]
        print("PHASES " + json.dumps(spent), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000,50000")
    parser.add_argument("--runs", type=int, default=3, help="plain CLI runs per size and config (best kept)")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--no-phases", action="store_true", help="skip the timed run that splits the CPU by phase")
    parser.add_argument("--keep", type=Path, help="copy each plan's text output into this directory")
    parser.add_argument("--phases-child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases_child is not None:
        phases_child(args.phases_child)
        return
    names = args.configs.split(",")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cpus; best of {args.runs} `orctl plan` runs per size and config")
    print(f"{'config':<10} {'keys':>7} {'objects':>8} {'cpu s':>6} {'per 1,000':>9} {'past start':>10} "
          f"{'marginal':>8} {'peak RSS':>8}  phases (cpu s: {', '.join(PHASES)}, rest)")  # fmt: skip
    previous: dict[str, tuple[int, float]] = {}
    for keys in (int(n) for n in args.sizes.split(",")):
        objects = keys + GUARDRAILS + WORKSPACES
        with serve(keys, GUARDRAILS) as served, tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "OPENROUTER_MANAGEMENT_KEY": served.management_key}
            for name in names:
                directory = Path(tmp) / name
                directory.mkdir()
                write_config(directory, CONFIGS[name](keys, GUARDRAILS))
                command = cli_command(directory, served.base_url)
                out = Path(tmp) / f"{name}.txt"
                runs = [run_child(command, env, out) for _ in range(args.runs)]
                best = min(runs, key=lambda r: r["cpu"])
                summary = out.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[-1]
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"{name}-{keys}.txt").write_bytes(out.read_bytes())
                split, past_start = "", "-"
                if not args.no_phases:
                    timed = [sys.executable, __file__, "--phases-child", *command[3:]]
                    result = run_child(timed, env, out)
                    line = next(x for x in result["stderr"].splitlines() if x.startswith("PHASES "))
                    spent = json.loads(line.removeprefix("PHASES "))
                    rest = result["cpu"] - sum(spent.values())
                    split = " ".join(f"{spent[p]:.2f}" for p in PHASES) + f" {rest:.2f} (of {result['cpu']:.2f})"
                    past_start = f"{(best['cpu'] - spent['start']) / (objects / 1000):.3f}"
                per_1000 = best["cpu"] / (objects / 1000)
                marginal = "-"
                if name in previous:  # the cost of each object added since the previous size: flat when linear
                    before_objects, before_cpu = previous[name]
                    marginal = f"{(best['cpu'] - before_cpu) / ((objects - before_objects) / 1000):.3f}"
                previous[name] = (objects, best["cpu"])
                print(
                    f"{name:<10} {keys:>7,} {objects:>8,} {best['cpu']:>6.2f} {per_1000:>9.3f} {past_start:>10} "
                    f"{marginal:>8} {best['peak_mb']:>5.0f} MB  {split}"
                )
                print(f"{'':<10} wall {best['wall']:.2f} s; plan: {summary}")
    print(
        f"per 1,000 objects (keys, guardrails, workspaces), bound {TARGET_PER_1000} s: the whole command; past start: "
        "less the interpreter's start and the imports (the phases run's); marginal: the CPU each 1,000 objects "
        "added since the size above cost (flat when growth is linear)"
    )


if __name__ == "__main__":
    main()
