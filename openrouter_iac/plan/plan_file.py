"""Reading a saved plan file with a bound, so `orctl show /dev/urandom` fails instead of filling memory."""

from __future__ import annotations

from pathlib import Path

from openrouter_iac.errors import PlanError
from openrouter_iac.plan.model import Plan, parse_plan

MAX_PLAN_BYTES = 512 * 1024 * 1024
"""A 2,000-key plan that creates everything (keys, 50 guardrails, assignments) weighs 6.0 MB, so
about 3 KB a key: a 50,000-key plan is about 150 MB. 512 MiB leaves three times that."""


def read_plan(path: Path) -> Plan:
    """The saved plan in ``path``; PlanError when it cannot be read or is larger than the cap.

    Reads at most one byte past the cap, so a FIFO, a device or an endless file stops there."""
    limit = MAX_PLAN_BYTES  # read at call time, so a test can lower it
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise PlanError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise PlanError(
            f"{path} is not a saved plan: larger than {limit // (1024 * 1024):,} MiB",
            hint="make one with `orctl plan --out PLANFILE`",
        )
    return parse_plan(data, str(path))
