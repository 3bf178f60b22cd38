"""Helpers of the key lifecycle tests: a config written as a user would, orctl run in-process
through click against an emulator served over HTTP, and the account looked at over HTTP."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from click.testing import CliRunner, Result

from openrouter_iac.cli import main
from openrouter_iac.emulator import Emulator, ServerHandle
from openrouter_iac.emulator.env import iso


def _days_ahead(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT00:00:00Z")


# Expiries relative to the real clock (the emulator and orctl both read it): fixed dates in 2027
# would one day be "expiring soon", then past, and every lifecycle test would fail on that date.
EXPIRES = _days_ahead(200)
"""The expiry of every key these tests declare."""
NEW_EXPIRY = _days_ahead(240)
"""A later expiry: declaring it rotates a key."""


def key(**extra: Any) -> dict[str, Any]:
    """A key that passes `orctl lint` (behaviour, a resetting cap, an expiry)."""
    fields: dict[str, Any] = {
        "secret_sink": "files",
        "behavior": extra.pop("behavior", "answers tickets"),
        "limit": 1,
        "limit_reset": "monthly",
        "expires_at": EXPIRES,
    }
    fields.update(extra)
    return {k: v for k, v in fields.items() if v is not None}


@dataclass
class Project:
    root: Path
    emulator: Emulator
    server: ServerHandle

    @property
    def secrets(self) -> Path:
        return self.root / "cfg" / "secrets"

    def write(self, workspaces: dict[str, dict[str, Any]], **top: Any) -> None:
        config = {
            "version": 1,
            **top,
            "secret_sinks": {"files": {"type": "file", "path": "secrets/{workspace}/{key}.key"}},
            "workspaces": {
                slug: {"name": slug.title(), "budgets": {"monthly": 10}, "keys": keys}
                for slug, keys in workspaces.items()
            },
        }
        (self.root / "cfg").mkdir(exist_ok=True)
        (self.root / "cfg" / "orctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    def orctl(self, *args: str) -> Result:
        env = {
            "OPENROUTER_BASE_URL": self.server.base_url,
            "OPENROUTER_MANAGEMENT_KEY": self.emulator.management_key,
            "NO_COLOR": "1",
        }
        return CliRunner().invoke(main, [args[0], "-c", str(self.root / "cfg"), *args[1:]], env=env)

    def ok(self, *args: str) -> Result:
        result = self.orctl(*args)
        assert result.exit_code == 0, result.output
        return result

    def plan_json(self, *args: str) -> dict[str, Any]:
        result = self.orctl("plan", "--output", "json", *args)
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout))

    def secret(self, workspace: str, name: str) -> str:
        return (self.secrets / workspace / f"{name}.key").read_text().strip()

    def recorded_hash(self, workspace: str, name: str) -> str:
        return (self.secrets / workspace / f"{name}.key.hash").read_text().strip()

    def answers(self, secret: str) -> int:
        """The status OpenRouter gives an inference key (`GET /key`): 200 while it works."""
        response = httpx.get(self.server.base_url + "/key", headers={"Authorization": f"Bearer {secret}"}, timeout=10)
        return response.status_code

    def rename_key(self, key_hash: str, name: str) -> None:
        """Renames a live key behind orctl's back, as another tool or a person would."""
        headers = {"Authorization": f"Bearer {self.emulator.management_key}"}
        response = httpx.patch(
            f"{self.server.base_url}/keys/{key_hash}", json={"name": name}, headers=headers, timeout=10
        )
        response.raise_for_status()

    def expire_key(self, key_hash: str, moment: datetime) -> None:
        """Sets a live key's expiry to ``moment`` in the emulated account: time passing, without
        the wait (the API never changes an expiry, so this is done behind its back)."""
        with self.emulator.locked() as state:
            state.keys[key_hash]["expires_at"] = iso(moment)
            state.revision += 1

    def keys(self, workspace: str) -> list[dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.emulator.management_key}"}
        listed = httpx.get(self.server.base_url + "/workspaces?limit=100", headers=headers, timeout=10).json()
        ws_id = next(w["id"] for w in listed["data"] if w["slug"] == workspace)
        params = {"workspace_id": ws_id, "include_disabled": "true", "include_expired": "true"}
        keys = httpx.get(self.server.base_url + "/keys", params=params, headers=headers, timeout=10).json()
        return list(keys["data"])
