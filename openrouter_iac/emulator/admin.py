"""Admin endpoints outside ``/api/v1``: fault settings and request statistics.

    GET  /_emulator/health         no auth; {"ok": true, "revision": n}
    GET  /_emulator/faults         current fault configuration and per-rule counters
    PUT  /_emulator/faults         replace the fault configuration (counters and RNG restart)
    GET  /_emulator/stats          request counts by operation, status and fault
    POST /_emulator/stats/reset    zero the counters
    POST /_emulator/management-keys  issue another management key: body {"name"?, "read_only"?};
                                   answers {"key", "name", "read_only"} (the secret, once)

All but ``health`` need the management key as bearer token. Admin calls are never faulted and
never counted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from openrouter_iac.emulator.auth import Access, authenticate, require
from openrouter_iac.emulator.errors import ApiError, error_body
from openrouter_iac.emulator.faults import FaultConfig, FaultConfigError
from openrouter_iac.emulator.wire import Request, Response

if TYPE_CHECKING:
    from openrouter_iac.emulator.app import Emulator


def _faults_payload(emulator: Emulator) -> dict[str, Any]:
    return {**emulator.faults.config.to_json(), "counters": emulator.faults.counters()}


def _issue_key(emulator: Emulator, request: Request) -> Response:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise ApiError(400, "Invalid request body: not valid JSON") from None
    if not isinstance(body, dict) or set(body) - {"name", "read_only"}:
        raise ApiError(400, 'Invalid request body: expected {"name"?: string, "read_only"?: boolean}')
    name, read_only = body.get("name", "orctl emulator"), body.get("read_only", False)
    if not isinstance(name, str) or not name.strip() or not isinstance(read_only, bool):
        raise ApiError(400, "Invalid request body: name must be a non-empty string and read_only a boolean")
    secret = emulator.issue_management_key(name, read_only=read_only)
    return Response.json(201, {"key": secret, "name": name, "read_only": read_only})


def handle(emulator: Emulator, request: Request) -> Response:
    route = (request.method, request.path.rstrip("/"))
    try:
        if route == ("GET", "/_emulator/health"):
            return Response.json(200, {"ok": True, "revision": emulator.revision})
        with emulator.locked() as state:
            principal = authenticate(state, request.header("authorization"), emulator.env.now())
        require(principal, Access.MANAGEMENT, request.method)
        if route == ("POST", "/_emulator/management-keys"):
            return _issue_key(emulator, request)
        if route == ("GET", "/_emulator/faults"):
            return Response.json(200, _faults_payload(emulator))
        if route == ("PUT", "/_emulator/faults"):
            try:
                config = FaultConfig.from_json(json.loads(request.body or b"{}"))
            except (ValueError, FaultConfigError) as exc:
                raise ApiError(400, f"Invalid fault configuration: {exc}") from None
            emulator.faults.configure(config)
            return Response.json(200, _faults_payload(emulator))
        if route == ("GET", "/_emulator/stats"):
            return Response.json(200, emulator.stats.snapshot())
        if route == ("POST", "/_emulator/stats/reset"):
            emulator.stats.reset()
            return Response.json(200, {"reset": True})
    except ApiError as exc:
        return Response.json(exc.status, exc.body())
    return Response.json(404, error_body(404, f"No admin endpoint {request.method} {request.path}"))
