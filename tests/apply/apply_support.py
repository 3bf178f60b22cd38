"""A tiny in-memory /keys server for exercising the key protocol with exact faults."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from openrouter_iac.client import OpenRouterClient

MANAGEMENT_KEY = "sk-or-v1-" + "m" * 64


@dataclass
class FakeKeys:
    """Keys by hash. ``faults`` maps "METHOD /path" to a list of modes consumed one per request:
    "commit-500" (create, then answer 500), "commit-drop" (create, then drop the connection),
    "500" (fail before doing anything), "429" (refuse with Retry-After)."""

    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        route = f"{request.method} {'/keys' if path.startswith('/keys/') else path}"
        self.calls.append(f"{request.method} {path}")
        mode = self.faults.get(route, []).pop(0) if self.faults.get(route) else None
        if mode == "500":
            return httpx.Response(500, json={"error": {"code": 500, "message": "boom"}})
        if mode == "429":
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"code": 429, "message": "slow"}})
        response = self._route(request, path)
        if mode == "commit-500":
            return httpx.Response(500, json={"error": {"code": 500, "message": "boom"}})
        if mode == "commit-drop":
            raise httpx.ReadError("connection dropped", request=request)
        return response

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        if request.method == "POST" and path == "/keys":
            secret = "sk-or-v1-" + secrets.token_hex(32)
            key_hash = hashlib.sha256(secret.encode()).hexdigest()
            self.keys[key_hash] = {"hash": key_hash, "disabled": False, **body}
            self.secrets[key_hash] = secret
            return httpx.Response(201, json={"data": self.keys[key_hash], "key": secret})
        if request.method == "GET" and path == "/keys":
            include_disabled = request.url.params.get("include_disabled") == "true"
            offset = int(request.url.params.get("offset", "0"))
            rows = [k for k in self.keys.values() if include_disabled or not k["disabled"]]
            return httpx.Response(200, json={"data": rows[offset : offset + 100]})
        key_hash = path.rsplit("/", 1)[-1]
        if key_hash not in self.keys:
            return httpx.Response(404, json={"error": {"code": 404, "message": "not found"}})
        if request.method == "PATCH":
            self.keys[key_hash].update(body)
            return httpx.Response(200, json={"data": self.keys[key_hash]})
        if request.method == "DELETE":
            del self.keys[key_hash]
            return httpx.Response(200, json={"deleted": True})
        return httpx.Response(405)

    def client(self) -> OpenRouterClient:
        return OpenRouterClient(
            "https://openrouter.test/api/v1",
            MANAGEMENT_KEY,
            transport=httpx.MockTransport(self.handler),
            sleep=lambda _: None,
        )

    def names(self) -> list[str]:
        return sorted(k["name"] for k in self.keys.values())


class RecordingSink:
    """A sink that keeps secrets in memory, or fails on store/verify when told to."""

    readable = True

    def __init__(self, name: str = "mem", fail: str | None = None) -> None:
        self.name = name
        self.fail = fail
        self.stored: dict[str, tuple[str, str]] = {}

    def check_usable(self, refs: Any) -> None:
        if self.fail == "check":
            from openrouter_iac.errors import SinkError

            raise SinkError(f"secret sink {self.name!r}: not usable")

    def store(self, ref: Any, key_hash: str, secret: str, *, expires_at: str | None = None) -> None:
        if self.fail == "store":
            raise OSError("disk full")
        self.stored[str(ref)] = (key_hash, secret)

    def verify(self, ref: Any, key_hash: str, secret: str) -> None:
        if self.fail == "verify":
            from openrouter_iac.errors import SinkError

            raise SinkError("mismatch")

    def recorded_hash(self, ref: Any) -> str | None:
        return self.stored.get(str(ref), (None, None))[0]

    def read_secret(self, ref: Any) -> str | None:
        return self.stored.get(str(ref), (None, None))[1]

    def remove(self, ref: Any) -> bool:
        self.stored.pop(str(ref), None)
        return True

    def location(self, ref: Any) -> str:
        return f"memory {ref}"


def no_secret(_: str) -> None:
    return None


Masker = Callable[[str], None]
