"""The planner's cost grows linearly with the account: a key-per-customer workspace of 8,000
keys costs about eight times one of 1,000 (a quadratic step would make it sixty-four). Measured in
CPU time with the garbage collector paused (its passes grow with the heap, not with the planner)
and a wide margin, so a loaded machine does not make it flaky."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from openrouter_iac.model.config import Config
from openrouter_iac.model.resources import AccountState, ApiKey, Workspace
from openrouter_iac.model.snapshot import Catalogue, LiveSnapshot
from openrouter_iac.plan.builder import build_plan


def plan_cpu(keys: int) -> float:
    names = [f"customer-{n:05}" for n in range(keys)]
    live_ws = Workspace(name="Customers", keys={name: ApiKey(limit=10) for name in names})
    ids = {"workspace:customers": "ws-1", "default_guardrail:customers": "dg-1"}
    ids.update({f"api_key:customers/{name}": f"hash-{name}" for name in names})
    live = LiveSnapshot(
        state=AccountState(workspaces={"customers": live_ws}),
        ids=ids,
        catalogue=Catalogue({}, frozenset()),
        default_workspace=None,
    )
    desired = Config.model_validate(
        {"version": 1, "workspaces": {"customers": {"name": "Customers", "keys": {n: {"limit": 10} for n in names}}}}
    )
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        plan = build_plan(desired, live, base_dir=Path("."))
        spent = time.process_time() - started
    finally:
        gc.enable()
    assert plan.changes == []
    return spent


def test_plan_cost_grows_linearly_with_the_keys() -> None:
    plan_cpu(500)  # warm-up
    small = min(plan_cpu(1000) for _ in range(3))
    large = min(plan_cpu(8000) for _ in range(2))
    assert large < 24 * small, (small, large)  # linear is ~8x, quadratic ~64x
