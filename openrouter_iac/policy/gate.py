"""Apply's policy gate: a config with policy errors is not applied without an explicit flag."""

from __future__ import annotations

from openrouter_iac.errors import SafetyError
from openrouter_iac.model.config import Config
from openrouter_iac.model.positions import SourceMap
from openrouter_iac.model.resources import AccountState
from openrouter_iac.policy.live_caps import without_kept_live_caps
from openrouter_iac.policy.runner import lint

FLAG = "--allow-policy-violations"
MAX_LISTED = 5


def check_policy(
    config: Config, source_map: SourceMap | None, *, allow: bool, after: AccountState | None = None
) -> None:
    """Raise SafetyError naming the policy errors of ``config`` (unless ``allow``); with ``after``
    (the account once the plan is applied), a live cap the plan keeps counts."""
    if allow:
        return
    errors = lint(config, source_map).errors
    if after is not None:
        errors = without_kept_live_caps(errors, after)
    if not errors:
        return
    listed = "; ".join(f"[{f.rule}] {f.subject}" for f in errors[:MAX_LISTED])
    more = f"; and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
    count = f"{len(errors)} policy error{'s' if len(errors) != 1 else ''}"
    raise SafetyError(
        f"refusing to apply: the config has {count}: {listed}{more}",
        hint=f"fix them (`orctl lint` shows where and how), switch a rule off in `lint:` with a reason, or pass {FLAG}",
    )
