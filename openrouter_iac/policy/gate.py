"""Apply's policy gate: a config with policy errors is not applied without an explicit flag."""

from __future__ import annotations

from openrouter_iac.errors import SafetyError
from openrouter_iac.model.config import Config
from openrouter_iac.model.positions import SourceMap
from openrouter_iac.policy.runner import lint

FLAG = "--allow-policy-violations"
MAX_LISTED = 5


def check_policy(config: Config, source_map: SourceMap | None, *, allow: bool) -> None:
    """Raise SafetyError naming the policy errors of ``config`` (unless ``allow``)."""
    if allow:
        return
    errors = lint(config, source_map).errors
    if not errors:
        return
    listed = "; ".join(f"[{f.rule}] {f.subject}" for f in errors[:MAX_LISTED])
    more = f"; and {len(errors) - MAX_LISTED} more" if len(errors) > MAX_LISTED else ""
    count = f"{len(errors)} policy error{'s' if len(errors) != 1 else ''}"
    raise SafetyError(
        f"refusing to apply: the config has {count}: {listed}{more}",
        hint=f"fix them (`orctl lint` shows where and how), switch a rule off in `lint:` with a reason, or pass {FLAG}",
    )
