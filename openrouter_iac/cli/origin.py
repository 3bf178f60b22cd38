"""Which config and account a plan is for, as PR comments name them (never a key or URL credentials)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from openrouter_iac.cli.session import ApiOptions
from openrouter_iac.client import resolve_base_url
from openrouter_iac.config.loader import resolve_location
from openrouter_iac.plan.model import Plan, PlanOrigin


def account_name(api: ApiOptions) -> str:
    """`openrouter.ai`, `127.0.0.1:8080`, or `emulator` (the embedded one)."""
    if api.emulator:
        return "emulator"
    parts = urlsplit(resolve_base_url(api.base_url))
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def config_name(config_path: Path | None) -> str:
    """The config path as the user gave it (the workflow's marker must match it), else the default found."""
    if config_path is not None:
        return str(config_path)
    return os.path.relpath(resolve_location(None))


def with_origin(plan: Plan, config_path: Path | None, api: ApiOptions) -> Plan:
    return plan.model_copy(update={"origin": PlanOrigin(config=config_name(config_path), account=account_name(api))})
