"""Helpers shared by the emulator tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_ENV = "ORCTL_OPENAPI_SPEC"


class FakeClock:
    """A settable UTC clock: ``advance`` moves time without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def ok(response: httpx.Response, status: int = 200) -> Any:
    """Assert the status (showing the body when it differs) and return the JSON payload."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def error(response: httpx.Response, status: int) -> str:
    """Assert an upstream-shaped error with this status; return its message."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    body = response.json()
    assert body["error"]["code"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return str(body["error"]["message"])


def new_workspace(client: httpx.Client, slug: str = "team-a", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = ok(client.post("/workspaces", json={"name": slug.title(), "slug": slug, **fields}), 201)
    return data["data"]  # type: ignore[no-any-return]


def new_key(client: httpx.Client, name: str = "ci", **fields: Any) -> tuple[dict[str, Any], str]:
    payload = ok(client.post("/keys", json={"name": name, **fields}), 201)
    return payload["data"], payload["key"]


def spec_path() -> Path | None:
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    default = REPO_ROOT.parent / "shared" / "reference" / "openrouter-openapi.yaml"
    return default if default.exists() else None
