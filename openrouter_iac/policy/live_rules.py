"""Rules over live data, which a config cannot show: keys idle for 90 days (OpenRouter's security
settings flag them). `orctl drift` reads the keys and calls :func:`idle_key_findings`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from openrouter_iac.policy.findings import Finding
from openrouter_iac.policy.rules import RULE_BY_ID

IDLE_DAYS = 90


@dataclass(frozen=True)
class LiveKeyUse:
    """What the API says about a key's use (`GET /keys`: `created_at`, `last_used_at`, `usage`)."""

    workspace: str
    name: str
    created_at: datetime | None
    last_used_at: datetime | None
    """None: no use recorded since the end of 2025 (the API's own caveat)."""
    usage_usd: float = 0.0
    """Lifetime usage; above 0 with no `last_used_at` means used, but before the end of 2025."""
    disabled: bool = False


def idle_key_findings(keys: Iterable[LiveKeyUse], *, now: datetime, days: int = IDLE_DAYS) -> list[Finding]:
    """A `key-idle` warning for every enabled key unused for ``days`` (a key created less than
    ``days`` ago and never used is not idle yet)."""
    rule = RULE_BY_ID["key-idle"]
    cutoff = now - timedelta(days=days)
    found = []
    for key in keys:
        if key.disabled:
            continue
        last = key.last_used_at
        if last is not None and last >= cutoff:
            continue
        if last is None and key.usage_usd == 0 and key.created_at is not None and key.created_at >= cutoff:
            continue
        address = f"api_key:{key.workspace}/{key.name}"
        since = f"last used {last.date().isoformat()}" if last else "no use recorded since the end of 2025"
        found.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                subject=address,
                message=f"{address} has been idle for over {days} days ({since})",
                hint="delete the key (remove it from the config, with pruning on) or disable it",
                objects=(address,),
            )
        )
    return found
