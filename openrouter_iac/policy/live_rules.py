"""Rules over live data, which a config cannot show: keys idle for 90 days (OpenRouter's security
settings flag them). `orctl drift` reads the keys and calls :func:`idle_key_findings`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

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

    @classmethod
    def from_api(cls, workspace: str, raw: Mapping[str, Any]) -> LiveKeyUse:
        """From one `GET /keys` item (`name`, `created_at`, `last_used_at`, `usage`, `disabled`)."""
        return cls(
            workspace=workspace,
            name=str(raw.get("name") or raw.get("hash") or "?"),
            created_at=_timestamp(raw.get("created_at")),
            last_used_at=_timestamp(raw.get("last_used_at")),
            usage_usd=float(raw.get("usage") or 0),
            disabled=bool(raw.get("disabled")),
        )


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


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
