"""Helpers for the adoption tests (export, drift, observe, targets): an emulated account served on
loopback, filled either from the messy seed or by hand through the HTTP API, as a person in the
dashboard would; and orctl run in-process through click."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner, Result

from openrouter_iac.cli import main
from openrouter_iac.emulator import Emulator, ServerHandle

REPO_ROOT = Path(__file__).resolve().parents[2]
MESSY_SEED = REPO_ROOT / "examples" / "emulator-seeds" / "messy-account.json"


@dataclass
class Account:
    """An emulated account on loopback, driven over HTTP like the dashboard drives the API."""

    emulator: Emulator
    server: ServerHandle

    def env(self, **extra: str) -> dict[str, str | None]:
        return {
            "OPENROUTER_BASE_URL": self.server.base_url,
            "OPENROUTER_MANAGEMENT_KEY": self.emulator.management_key,
            **extra,
        }

    def http(self, method: str, path: str, body: Any = None, *, key: str | None = None) -> Any:
        """One request over HTTP; the body of the answer (the test fails on an error status)."""
        headers = {"Authorization": f"Bearer {key or self.emulator.management_key}"}
        response = httpx.request(method, self.server.base_url + path, json=body, headers=headers, timeout=10)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def workspace_id(self, slug: str) -> str:
        return next(str(w["id"]) for w in self.http("GET", "/workspaces?limit=100")["data"] if w["slug"] == slug)

    def keys(self, slug: str) -> list[dict[str, Any]]:
        listed = self.http("GET", f"/keys?workspace_id={self.workspace_id(slug)}&include_disabled=true")
        return list(listed["data"])

    def key_hash(self, slug: str, name: str) -> str:
        return next(str(k["hash"]) for k in self.keys(slug) if k["name"] == name)

    def guardrail_id(self, slug: str, name: str) -> str:
        listed = self.http("GET", f"/guardrails?workspace_id={self.workspace_id(slug)}")["data"]
        return next(str(g["id"]) for g in listed if g["name"] == name)


def build_by_hand(account: Account) -> None:
    """A small production account made in the dashboard: a workspace with a budget, a guardrail,
    two keys (one assigned), a BYOK credential, a Langfuse destination and a preset."""
    ws = account.http(
        "POST",
        "/workspaces",
        {"name": "Support", "slug": "support", "description": "Ticket triage", "default_provider_sort": "price"},
    )["data"]
    account.http("PUT", f"/workspaces/{ws['id']}/budgets/monthly", {"limit_usd": 300})
    guardrail = account.http(
        "POST",
        "/guardrails",
        {
            "name": "support policy",
            "workspace_id": ws["id"],
            "limit_usd": 40,
            "reset_interval": "weekly",
            "allowed_providers": ["anthropic", "openai"],
            "enforce_zdr_anthropic": True,
        },
    )["data"]
    triage = account.http(
        "POST", "/keys", {"name": "triage-bot", "workspace_id": ws["id"], "limit": 25, "limit_reset": "monthly"}
    )
    account.http("POST", "/keys", {"name": "nightly-report", "workspace_id": ws["id"], "limit": 5})
    account.http("POST", f"/guardrails/{guardrail['id']}/assignments/keys", {"key_hashes": [triage["data"]["hash"]]})
    account.http(
        "POST",
        "/byok",
        {
            "provider": "anthropic",
            "key": "sk-ant-handmade-not-real-0000000000",
            "name": "anthropic prod",
            "workspace_id": ws["id"],
        },
    )
    account.http(
        "POST",
        "/observability/destinations",
        {
            "type": "langfuse",
            "name": "langfuse",
            "workspace_id": ws["id"],
            "config": {"secretKey": "sk-lf-handmade-not-real-0001", "publicKey": "pk-lf-handmade-0001"},
            "sampling_rate": 0.5,
        },
    )
    account.http(
        "POST",
        "/presets/triage/chat/completions",
        {
            "model": "anthropic/claude-haiku-4.5",
            "temperature": 0.2,
            "messages": [{"role": "system", "content": "Sort the ticket into one queue.\nAnswer with its name."}],
        },
        key=triage["key"],
    )


def orctl(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """Run orctl in-process through click, as the console script would."""
    return CliRunner().invoke(main, [str(a) for a in args], env=dict(env or {}))
