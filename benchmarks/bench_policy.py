"""Benchmark of the policy layer on a large config: `orctl lint`'s rules and the spend ceilings.

Config: 20 workspaces, each with a budget, a default guardrail, 10 guardrails with budgets and
model allowlists, 250 keys (every one with a behavior, a cap and a guardrail) and 5 presets.
Prints the findings and the wall time of lint, of the ceilings and of explaining every key.

Run: python benchmarks/bench_policy.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from openrouter_iac.model.config import Config
from openrouter_iac.policy import ceilings, lint
from openrouter_iac.policy.explain import explain_key

WORKSPACES, GUARDRAILS_PER_WS, KEYS_PER_WS, PRESETS_PER_WS = 20, 10, 250, 5


def config() -> Config:
    workspaces: dict[str, Any] = {}
    for w in range(WORKSPACES):
        guardrails = {
            f"g{g}": {"budget": {"limit_usd": 50, "reset": "monthly"}, "allowed_models": ["openai/gpt-5-mini"]}
            for g in range(GUARDRAILS_PER_WS)
        }
        keys = {
            f"k{k}": {
                "behavior": f"behavior {w}-{k}",
                "limit": 1,
                "limit_reset": "daily",
                "guardrail": f"g{k % GUARDRAILS_PER_WS}",
                "expires_at": "2027-03-01T00:00:00Z",
                "secret_sink": "files",
            }
            for k in range(KEYS_PER_WS)
        }
        presets = {f"p-{w}-{p}": {"model": "openai/gpt-5-mini", "publish_with": f"k{p}"} for p in range(PRESETS_PER_WS)}
        workspaces[f"ws-{w}"] = {
            "name": f"Workspace {w}",
            "budgets": {"monthly": 10_000},
            "default_guardrail": {"prompt_injection": {"action": "flag"}, "sensitive_info": {"email": "redact"}},
            "handles": ["user_input", "personal_data"],
            "guardrails": guardrails,
            "keys": keys,
            "presets": presets,
        }
    sinks = {"files": {"type": "file", "path": ".orctl/secrets/{workspace}/{key}.key"}}
    return Config.model_validate({"version": 1, "secret_sinks": sinks, "workspaces": workspaces})


def timed(label: str, repeat: int, run: Callable[[], object]) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(f"{label:<28} median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cfg = config()
    account = cfg.account()
    keys = sum(len(ws.keys) for ws in account.workspaces.values())
    report = lint(cfg)
    print(f"{WORKSPACES} workspaces, {keys} keys: {len(report.errors)} errors, {len(report.warnings)} warnings")
    timed("lint (every rule)", args.repeat, lambda: lint(cfg))
    timed("spend ceilings before/after", args.repeat, lambda: ceilings(account, account))
    every_key = [(slug, name) for slug, ws in account.workspaces.items() for name in ws.keys]
    timed(f"explain all {keys} keys", args.repeat, lambda: [explain_key(account, s, n) for s, n in every_key])


if __name__ == "__main__":
    main()
