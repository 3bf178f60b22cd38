"""kill -9 of `orctl apply` at exact points of its writes, then recovery, through the CLI against
`orctl emulator serve`. Used by `benchmarks/kill9.py --kill-points` and its short test.

A small plan (a rotation, new keys with and without a guardrail, a key under a guardrail made in
the same apply, a guardrail change, a rename with a guardrail change, a delete) is applied from one
saved base account, once per kill point. The emulator's stall fault holds the Nth write, either
before it runs ("before") or after it committed with its answer held ("committed"); as soon as
the write is held the harness kills orctl, releases it and checks:

- after the kill: every secret the killed apply delivered belongs to a key that is under its
  declared guardrail (or to no live enabled key at all);
- after recovery (at most four applies, counted; an apply exits 0 only when its own fresh read of
  the account and the sinks leaves nothing to change, i.e. the plan is empty): no two keys share
  a name, no provisional key is left, every live key's secret is in its sink, and every secret in
  a sink belongs to a live key (enabled unless declared disabled) under its declared guardrail.

No wall-clock decides anything: the kill lands where the write count says.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from reliability_harness import (
    ORCTL,
    SINK_DIR,
    Desired,
    Server,
    apply_args,
    check_account,
    run,
    secret_exposure,
    sink_secrets,
)

PHASES = ("before", "committed")
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


def base_config() -> Desired:
    desired = Desired(guardrails={"kp": ["g0", "g1"]})
    desired.workspaces["kp"] = {
        "rot": {"limit": 5, "guardrail": "g0"},
        "plain": {"limit": 5},
        "gone": {"limit": 5, "guardrail": "g0"},
        "old": {"limit": 5, "guardrail": "g1"},
    }
    return desired


def changed_config() -> Desired:
    desired = Desired(guardrails={"kp": ["g0", "g1", "g2"]})
    desired.workspaces["kp"] = {
        "rot": {"limit": 5, "guardrail": "g0", "expires_at": "2031-01-01T00:00:00Z"},  # rotation
        "plain": {"limit": 5, "guardrail": "g1"},  # an existing key gets a guardrail
        "new": {"limit": 7, "guardrail": "g2"},  # new, under a guardrail made in this apply
        "bare": {"limit": 3},  # new, under the workspace default
        "renamed": {"limit": 5, "guardrail": "g0", "previous_names": ["old"]},  # rename + move
    }  # "gone" is deleted
    return desired


@contextmanager
def serve_state(cwd: Path, state: Path) -> Iterator[tuple[Server, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [*ORCTL, "emulator", "serve", "--print-json", "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        text=True,
    )
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    try:
        yield Server(info["base_url"], info["management_key"], info["admin_url"]), proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def make_base(work: Path, parallelism: int = 1) -> Path:
    """Apply the base config once and keep the account (state file) and its sinks."""
    base = work / "base"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    (base / "orctl.yaml").write_text(base_config().render())
    with serve_state(base, base / "state.json") as (server, _):
        done = run(server, base, *apply_args(base / "orctl.yaml", parallelism))
        if done.returncode != 0:
            raise SystemExit(f"the base apply failed:\n{done.stdout}\n{done.stderr}")
    return base


def _stalled(server: Server) -> int:
    headers = {"Authorization": f"Bearer {server.management_key}"}
    answer = httpx.get(server.admin_url.rstrip("/") + "/faults", headers=headers, timeout=30).json()
    return sum(c["stalled"] for c in answer["counters"])


def _wait_for_stall(server: Server, proc: subprocess.Popen[bytes], limit_s: float = 120.0) -> bool:
    """True once a write is held; False when apply ended first (it makes fewer writes)."""
    deadline = time.monotonic() + limit_s  # only a safety net: nothing is decided by time
    while time.monotonic() < deadline:
        if _stalled(server):
            return True
        if proc.poll() is not None:
            return _stalled(server) > 0
        time.sleep(0.02)
    raise RuntimeError("the apply neither reached the held write nor ended")


def kill_at(base: Path, work: Path, write: int, phase: str, parallelism: int = 1) -> dict[str, Any]:
    """One kill point: the account and sinks of ``base``, the changed config, kill at ``write``."""
    point = work / f"w{write:02d}-{phase}"
    shutil.rmtree(point, ignore_errors=True)
    point.mkdir(parents=True)
    shutil.copy(base / "state.json", point / "state.json")
    shutil.copytree(base / SINK_DIR, point / SINK_DIR)
    desired = changed_config()
    config = point / "orctl.yaml"
    config.write_text(desired.render())
    before = set(sink_secrets(point))
    result: dict[str, Any] = {"write": write, "phase": phase}
    with serve_state(point, point / "state.json") as (server, _):
        field = "stall_nth" if phase == "before" else "stall_committed_nth"
        server.set_faults([{"methods": WRITES, field: [write]}])
        proc = subprocess.Popen(
            [*ORCTL, *apply_args(config, parallelism)],
            cwd=point,
            env=server.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        killed = _wait_for_stall(server, proc)
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        server.set_faults([])  # releases the held write (a "before" one is answered 503, never run)
        result["killed"] = killed
        delivered = set(sink_secrets(point)) - before
        after_kill = secret_exposure(server, point, desired, only=delivered)
        result["delivered_before_kill"] = len(delivered)
        result["exposed_after_kill"] = after_kill["secrets_outside_guardrail"]
        result["pending_after_kill"] = check_account(server, point)["pending"]
        applies = 0
        for _ in range(4):
            applies += 1
            if run(server, point, *apply_args(config, parallelism)).returncode == 0:
                break
        else:
            applies += 1  # never converged
        result["recovery_applies"] = applies
        result["not_converged"] = int(applies > 4)
        state = check_account(server, point)
        result |= {k: state[k] for k in ("duplicates", "pending", "lost_secrets", "misplaced_secrets")}
        result |= secret_exposure(server, point, desired)
    shutil.rmtree(point, ignore_errors=True)
    return result


BROKEN = (
    "exposed_after_kill",
    "not_converged",
    "duplicates",
    "pending",
    "lost_secrets",
    "misplaced_secrets",
    "secrets_outside_guardrail",
    "secrets_of_no_live_key",
    "secrets_of_disabled_key",
)


def sweep(
    work: Path, points: Iterable[tuple[int, str]] | None = None, max_writes: int = 60, parallelism: int = 1
) -> dict[str, Any]:
    """Kill at each (write, phase) given, or at every write of the plan in both phases. With
    ``parallelism`` above 1 writes may come in another order each run: the points are not exact."""
    base = make_base(work, parallelism)
    results = []
    if points is not None:
        results = [kill_at(base, work, write, phase, parallelism) for write, phase in points]
    else:
        for phase in PHASES:
            for write in range(1, max_writes + 1):
                outcome = kill_at(base, work, write, phase, parallelism)
                results.append(outcome)
                if not outcome["killed"]:
                    break  # the apply makes fewer writes: every later point is past its end
    killed = [r for r in results if r["killed"]]
    counts: dict[str, Any] = {
        "kill_points": len(killed),
        "kills_before_a_write": sum(r["phase"] == "before" for r in killed),
        "kills_after_a_commit": sum(r["phase"] == "committed" for r in killed),
        "finished_before_kill": len(results) - len(killed),
        "secrets_delivered_before_kill": sum(r["delivered_before_kill"] for r in killed),
        "pending_seen_after_kill": sum(r["pending_after_kill"] for r in killed),
        "not_converged_in_two": sum(r["recovery_applies"] > 2 for r in killed),
        "recovery_applies": sum(r["recovery_applies"] for r in killed),
    }
    counts |= {name: sum(r[name] for r in killed) for name in BROKEN}
    counts["broken_points"] = [
        f"{r['write']}-{r['phase']}" for r in killed if any(r[n] for n in BROKEN) or r["recovery_applies"] > 2
    ]
    return counts
