"""Ordering workspace budget writes so every intermediate state keeps lifetime > monthly > weekly > daily.

Deletes only relax the rule, so they go first. Lowering a cap (a new cap counts as lowering it from
infinity) is safe narrowest-first; raising one is safe widest-first. The resulting sequence is
then simulated, and a sequence that would still break the rule is refused rather than sent.
"""

from __future__ import annotations

import itertools

from openrouter_iac.errors import PlanError
from openrouter_iac.model.enums import BUDGET_ORDER

Caps = dict[str, float]
Step = tuple[str, float | None]
"""(interval, new cap or None to delete)."""


def _valid(caps: Caps) -> bool:
    values = [caps[name] for name in BUDGET_ORDER if name in caps]
    return all(wider > narrower for wider, narrower in itertools.pairwise(values))


def budget_steps(live: Caps, desired: Caps, workspace: str) -> list[Step]:
    deletes: list[Step] = [(name, None) for name in BUDGET_ORDER if name in live and name not in desired]
    lowering = [
        (name, desired[name])
        for name in reversed(BUDGET_ORDER)
        if name in desired and (name not in live or desired[name] < live[name])
    ]
    raising = [(name, desired[name]) for name in BUDGET_ORDER if name in live and desired.get(name, 0) > live[name]]
    steps: list[Step] = [*deletes, *lowering, *raising]
    state = dict(live)
    for name, cap in steps:
        if cap is None:
            state.pop(name, None)
        else:
            state[name] = cap
        if not _valid(state):
            raise PlanError(
                f"workspace '{workspace}': no order of budget writes keeps lifetime > monthly > weekly > daily "
                f"valid at every step (from {live} to {desired})",
                hint="change the budgets in two applies",
            )
    return steps
